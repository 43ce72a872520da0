package dev.pixelwise.collections;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.imaging.ZipImages;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.CurrentRequest;
import dev.pixelwise.work.JobsConfig;
import dev.pixelwise.work.Node;
import dev.pixelwise.work.RedisConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Collections: named sets of labels taught from a few example images each, kept as embeddings (the
 * classification model's pooled features), never as images. The one entry point for the HTTP resource
 * and the classify task.
 *
 * <p>Ownership: when API keys are on, a collection belongs to the key that made it (see
 * {@link CurrentRequest#OWNER}); to any other key it does not exist (404). Calls made outside a request (a
 * queued classify job, which was checked when it was submitted) are not checked again.
 *
 * <p>Changes to one collection are serialised on it; readers take its latest {@link Snapshot} without a
 * lock. Every change is written before it is answered: to a file in the data folder on one node, to
 * Redis in the multi-node mode ({@link SharedCollections}), where each node rebuilds a collection when
 * its version moves and changes are serialised across nodes.
 */
@ApplicationScoped
public class CollectionService {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{24}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CollectionsConfig config;
    private final CollectionStore store;
    private final Function<Path, float[]> embedder;
    private final ZipImages zips;
    private final Path tmpDir;
    private final Map<String, Snapshot> collections = new ConcurrentHashMap<>();

    /** The shared store in the multi-node mode, else null (files). */
    private final SharedCollections shared;
    /** In the multi-node mode: the version each cached snapshot was built from. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    @Inject
    public CollectionService(CollectionsConfig config, JobsConfig jobs, Embedder embedder, ObjectMapper json, Node node,
                             Instance<RedisDataSource> redis, Instance<RedisConfig> redisConfig) {
        this(config, config.dir().orElse(jobs.dataDir().resolve("collections")), json, embedder::embed,
                node.queue() == Node.Queue.REDIS ? new SharedCollections(redis.get(), redisConfig.get().prefix(), json) : null);
    }

    CollectionService(CollectionsConfig config, Path dir, ObjectMapper json, Function<Path, float[]> embedder) {
        this(config, dir, json, embedder, null);
    }

    /**
     * @param embedder an image file → its unit-length embedding (415/422 when it is not an image)
     */
    CollectionService(CollectionsConfig config, Path dir, ObjectMapper json, Function<Path, float[]> embedder,
                      SharedCollections shared) {
        this.config = config;
        this.shared = shared;
        this.store = new CollectionStore(dir, json);
        this.embedder = embedder;
        this.tmpDir = dir.resolve("tmp");
        try {
            Files.createDirectories(tmpDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmpDir, e);
        }
        this.zips = new ZipImages(new ZipImages.Limits(config.zip().maxEntries(), config.zip().maxEntrySize().asLongValue(),
                config.zip().maxTotalSize().asLongValue(), config.zip().maxRatio()), tmpDir);
        if (shared == null) {
            for (CollectionStore.Stored s : store.loadAll()) {
                collections.put(s.id(), snapshot(s));
            }
        }
    }

    private Snapshot snapshot(CollectionStore.Stored s) {
        List<Snapshot.Label> labels = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (CollectionStore.StoredLabel l : s.labels()) {
            List<Snapshot.Example> examples = new ArrayList<>();
            for (int i = 0; i < l.examples().size(); i++) {
                String exampleId = l.ids() != null && i < l.ids().size() ? l.ids().get(i) : null;
                if (exampleId == null || !taken.add(exampleId)) {
                    exampleId = legacyId(s.id() + "/" + l.name() + "/" + i + "/" + l.examples().get(i), taken);
                }
                String source = l.sources() != null && i < l.sources().size() ? l.sources().get(i) : null;
                examples.add(new Snapshot.Example(exampleId, source, CollectionStore.decode(l.examples().get(i))));
            }
            labels.add(new Snapshot.Label(l.name(), List.copyOf(examples)));
        }
        return Snapshot.build(s.id(), s.name(), s.owner(), s.model(), s.created(), s.threshold(), labels,
                config.headMinExamples());
    }

    /** Multi-node mode: the cached snapshot of {@code id} brought up to the shared version (or dropped). */
    private void refresh(String id) {
        if (shared == null) {
            return;
        }
        long version = shared.version(id);
        if (version == 0) {
            collections.remove(id);
            versions.remove(id);
            return;
        }
        if (!Objects.equals(versions.get(id), version)) {
            CollectionStore.Stored stored = shared.load(id);
            if (stored == null) {
                collections.remove(id);
                versions.remove(id);
                return;
            }
            collections.put(id, snapshot(stored));
            versions.put(id, version);
        }
    }

    /** Writes a changed collection where it is kept, then caches it. */
    private void keep(Snapshot s) {
        if (shared != null) {
            versions.put(s.id(), shared.save(CollectionStore.stored(s)));
        } else {
            store.save(s);
        }
        collections.put(s.id(), s);
    }

    /** Runs a change holding the collection's lock: this node's, and every node's in the multi-node mode. */
    private <T> T locked(String id, java.util.function.Supplier<T> change) {
        synchronized (lock(id)) {
            if (shared == null) {
                return change.get();
            }
            return shared.locked(id, () -> {
                refresh(id);
                return change.get();
            });
        }
    }

    public CollectionView create(String name) {
        String owner = requester();
        String clean = name(name, "name");
        synchronized (this) {
            if (shared != null) {
                shared.ids().forEach(this::refresh);
            }
            long mine = collections.values().stream().filter(s -> Objects.equals(s.owner(), owner)).count();
            if (mine >= config.maxCollections()) {
                throw new AppException.BadOption("name", "there are already " + mine + " collections, the most allowed; "
                        + "delete one first");
            }
            String id;
            do {
                id = randomHex(12);
            } while (collections.containsKey(id));
            Snapshot s = Snapshot.build(id, clean, owner, config.model(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                    config.defaultThreshold(), List.of(), config.headMinExamples());
            keep(s);
            return view(s);
        }
    }

    /** The requester's collections, newest first. */
    public List<CollectionView> list() {
        String owner = requester();
        if (shared != null) {
            Set<String> ids = shared.ids();
            ids.forEach(this::refresh);
            collections.keySet().retainAll(ids);
        }
        return collections.values().stream().filter(s -> Objects.equals(s.owner(), owner))
                .sorted(Comparator.comparing(Snapshot::created).reversed().thenComparing(Snapshot::id))
                .map(this::view).toList();
    }

    public CollectionView get(String id) {
        return view(find(id));
    }

    /**
     * The embedding model of collection {@code id}: 400 when {@code id} cannot be a collection id, 404 when
     * there is no such collection or the requester cannot see it.
     */
    public String modelOf(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new AppException.BadOption("collection", "'" + printable(id) + "' is not a collection id (24 hex digits)");
        }
        return find(id).model();
    }

    /**
     * Adds every image of {@code uploads} (image files, or zips of images) to {@code label}, creating the
     * label if new. All or nothing: one bad image and none is added.
     */
    public CollectionView addExamples(String id, String label, List<Path> uploads) {
        return addNamedExamples(id, label, uploads.stream().map(p -> new Upload(p, p.getFileName().toString())).toList());
    }

    /** An uploaded file and the name it came with. */
    public record Upload(Path file, String name) {
    }

    /** As {@link #addExamples}, keeping each image's file name (a zip's entry name) as its example's source. */
    public CollectionView addNamedExamples(String id, String label, List<Upload> uploads) {
        Snapshot before = find(id);
        String name = name(label, "label");
        if (uploads.isEmpty()) {
            throw new AppException.BadOption("image", "send one or more images (or a zip of images)");
        }
        int index = before.indexOf(name);
        if (index < 0 && before.labels().size() >= config.maxLabels()) {
            throw new AppException.BadOption("label", "the collection has " + before.labels().size()
                    + " labels, the most allowed");
        }
        int has = index < 0 ? 0 : before.labels().get(index).examples().size();
        int room = Math.min(config.maxImagesPerRequest(), config.maxExamplesPerLabel() - has);
        if (room <= 0) {
            throw new AppException.BadOption("label", "'" + name + "' has " + has + " examples, the most allowed");
        }
        List<Snapshot.Example> added = new ArrayList<>();
        for (Upload upload : uploads) {
            if (ZipImages.isZip(upload.file())) {
                zips.forEach(upload.file(), room - added.size(),
                        (entry, file) -> added.add(new Snapshot.Example(null, source(entry), embedder.apply(file))));
            } else {
                if (added.size() >= room) {
                    throw tooMany(name, has, room);
                }
                added.add(new Snapshot.Example(null, source(upload.name()), embedder.apply(upload.file())));
            }
        }
        if (added.isEmpty()) {
            throw new AppException.BadOption("image", "the zip holds no images");
        }
        return change(id, s -> {
            int at = s.indexOf(name);
            List<Snapshot.Label> labels = new ArrayList<>(s.labels());
            Set<String> taken = new HashSet<>();
            labels.forEach(l -> l.examples().forEach(e -> taken.add(e.id())));
            List<Snapshot.Example> fresh = added.stream()
                    .map(e -> new Snapshot.Example(exampleId(taken), e.source(), e.embedding())).toList();
            if (at < 0) {
                if (labels.size() >= config.maxLabels()) {
                    throw new AppException.BadOption("label", "the collection has " + labels.size() + " labels, the most allowed");
                }
                labels.add(new Snapshot.Label(name, fresh));
            } else {
                List<Snapshot.Example> examples = new ArrayList<>(labels.get(at).examples());
                if (examples.size() + added.size() > config.maxExamplesPerLabel()) {
                    throw tooMany(name, examples.size(), config.maxExamplesPerLabel() - examples.size());
                }
                examples.addAll(fresh);
                labels.set(at, new Snapshot.Label(name, List.copyOf(examples)));
            }
            return labels;
        });
    }

    private AppException tooMany(String label, int has, int room) {
        return new AppException.BadOption("image", "'" + label + "' has " + has + " examples; this request may add at most "
                + room + " (at most " + config.maxExamplesPerLabel() + " per label, " + config.maxImagesPerRequest()
                + " per request)");
    }

    public CollectionView setThreshold(String id, double threshold) {
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new AppException.BadOption("threshold", "must be a cosine similarity, -1 to 1");
        }
        find(id);
        Snapshot s = locked(id, () -> {
            Snapshot next = find(id).withThreshold(threshold);
            keep(next);
            return next;
        });
        return view(s);
    }

    public void delete(String id) {
        find(id);
        locked(id, () -> {
            if (shared != null) {
                shared.delete(id);
                versions.remove(id);
            } else {
                store.delete(id);
            }
            collections.remove(id);
            return null;
        });
        locks.remove(id); // a change still waiting on it finds the collection gone (404)
    }

    public CollectionView deleteLabel(String id, String label) {
        return change(id, s -> {
            int at = labelIndex(s, label);
            List<Snapshot.Label> labels = new ArrayList<>(s.labels());
            labels.remove(at);
            return labels;
        });
    }

    /**
     * Deletes one example of {@code label}: the one whose id is {@code example}, or, for clients of the
     * first version of this API, a number: the example at that position (0-based, in the order added).
     */
    public CollectionView deleteExample(String id, String label, String example) {
        return change(id, s -> {
            int at = labelIndex(s, label);
            List<Snapshot.Example> examples = new ArrayList<>(s.labels().get(at).examples());
            int index = -1;
            for (int i = 0; i < examples.size(); i++) {
                if (examples.get(i).id().equals(example)) {
                    index = i;
                }
            }
            if (index < 0 && example != null && example.matches("[0-9]{1,4}")) {
                index = Integer.parseInt(example);
            }
            if (index < 0 || index >= examples.size()) {
                throw new AppException.NotFound("Label '" + label + "' has no example '" + printable(example)
                        + "' (its examples: " + String.join(", ", examples.stream().map(Snapshot.Example::id).toList())
                        + ")");
            }
            examples.remove(index);
            List<Snapshot.Label> labels = new ArrayList<>(s.labels());
            if (examples.isEmpty()) {
                labels.remove(at); // a label is its examples
            } else {
                labels.set(at, new Snapshot.Label(label, List.copyOf(examples)));
            }
            return labels;
        });
    }

    /**
     * The id of an example stored before examples had ids: derived from where it is and what it holds, so
     * every node and every restart reads the same id until the next change writes it down.
     */
    private static String legacyId(String seed, Set<String> taken) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int n = 0; ; n++) {
                byte[] h = sha.digest((seed + "#" + n).getBytes(StandardCharsets.UTF_8));
                String id = HexFormat.of().formatHex(h, 0, 4);
                if (taken.add(id)) {
                    return id;
                }
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new example id, not among {@code taken} (which it joins). */
    private static String exampleId(Set<String> taken) {
        String id;
        do {
            id = randomHex(4);
        } while (!taken.add(id));
        return id;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A file name as people would recognise it: its last path part, printable and short. */
    private static String source(String name) {
        return name == null || name.isBlank() ? null
                : printable(name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1));
    }

    /**
     * Classifies a unit-length embedding (made with {@link #modelOf}'s model) with collection {@code id}.
     * 422 when the collection has no labels yet.
     */
    public CollectionAnswer classify(String id, float[] embedding) {
        Snapshot s = find(id);
        if (s.labels().isEmpty()) {
            throw new AppException.BadOption("collection", "collection '" + s.name() + "' has no labels yet; add examples first");
        }
        double[] similarity = s.imprinting().similarities(embedding);
        double best = similarity[Imprinting.argMax(similarity)];
        double[] p = s.head() != null ? s.head().probabilities(embedding) : Imprinting.softmax(similarity, Imprinting.SCALE);
        List<CollectionAnswer.Ranked> ranked = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            ranked.add(new CollectionAnswer.Ranked(s.labels().get(i).name(), i, p[i]));
        }
        ranked.sort(Comparator.comparingDouble(CollectionAnswer.Ranked::probability).reversed()
                .thenComparingInt(CollectionAnswer.Ranked::index));
        return new CollectionAnswer(s.id(), s.model(), List.copyOf(ranked), s.method(), best, s.threshold(), best < s.threshold());
    }

    /**
     * The weights each label of collection {@code id} scores an embedding with, by label name: the trained
     * head's (without its bias) once it answers, else the imprinted centroid; a label without examples is
     * left out. Linear in the pooled features, so they also weigh each position's features (a class
     * activation map).
     */
    public Map<String, float[]> labelWeights(String id) {
        Snapshot s = find(id);
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (int i = 0; i < s.labels().size(); i++) {
            float[] w = s.head() != null ? s.head().weights(i) : s.imprinting().centroid(i);
            if (w != null) {
                weights.put(s.labels().get(i).name(), w);
            }
        }
        return weights;
    }

    // ---------------------------------------------------------------- internals

    /** Applies a change to the labels, rebuilds the classifiers and the evaluation, stores and publishes it. */
    private CollectionView change(String id, Function<Snapshot, List<Snapshot.Label>> edit) {
        find(id);
        return locked(id, () -> {
            Snapshot s = find(id);
            List<Snapshot.Label> labels = edit.apply(s);
            Snapshot next = Snapshot.build(s.id(), s.name(), s.owner(), s.model(), s.created(), s.threshold(), labels,
                    config.headMinExamples());
            keep(next);
            return view(next);
        });
    }

    /** One lock object per collection id (interned strings would be shared with unrelated code). */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    private static int labelIndex(Snapshot s, String label) {
        int at = s.indexOf(label);
        if (at < 0) {
            throw new AppException.NotFound("Collection '" + s.name() + "' has no label '" + printable(label) + "'");
        }
        return at;
    }

    /** The collection if it exists and the requester may see it, else 404 (the same answer for both). */
    private Snapshot find(String id) {
        boolean wellFormed = id != null && ID.matcher(id).matches();
        if (wellFormed) {
            refresh(id);
        }
        Snapshot s = wellFormed ? collections.get(id) : null;
        if (s == null || !visible(s)) {
            throw new AppException.NotFound("No collection '" + printable(id) + "'");
        }
        return s;
    }

    private static boolean visible(Snapshot s) {
        return CurrentRequest.routing() == null || Objects.equals(s.owner(), CurrentRequest.owner());
    }

    /** Who asks: the owner of the request's key, or null without keys (or outside a request). */
    private static String requester() {
        return CurrentRequest.owner();
    }

    private String name(String raw, String field) {
        String n = raw == null ? "" : raw.strip();
        if (n.isEmpty()) {
            throw new AppException.BadOption(field, "is empty");
        }
        if (n.codePointCount(0, n.length()) > config.maxNameLength()) {
            throw new AppException.BadOption(field, "is longer than " + config.maxNameLength() + " characters");
        }
        if (n.codePoints().anyMatch(Character::isISOControl)) {
            throw new AppException.BadOption(field, "has control characters");
        }
        if (n.equals(".") || n.equals("..")) {
            // a label is addressed in the URL path, where "." and ".." are resolved away: deleting label
            // ".." would address the collection itself
            throw new AppException.BadOption(field, "cannot be '.' or '..'");
        }
        return n;
    }

    private CollectionView view(Snapshot s) {
        return CollectionView.of(s, config.headMinExamples());
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }
}
