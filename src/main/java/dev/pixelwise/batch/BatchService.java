package dev.pixelwise.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageDecoder;
import dev.pixelwise.imaging.ImageLimits;
import dev.pixelwise.imaging.ZipImages;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.problem.Problem;
import dev.pixelwise.quantize.SharedPalette;
import dev.pixelwise.work.ComputePool;
import dev.pixelwise.work.CurrentRequest;
import dev.pixelwise.work.Job;
import dev.pixelwise.work.JobId;
import dev.pixelwise.work.JobService;
import dev.pixelwise.work.JobStatus;
import dev.pixelwise.work.JobsConfig;
import dev.pixelwise.work.Node;
import dev.pixelwise.work.RedisCalls;
import dev.pixelwise.work.RedisConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * Batches: many images, one task and one setting, each image a normal job. The images wait in the
 * batch's folder and are fed to the queue a few at a time ({@link BatchesConfig#window}), so a
 * batch of hundreds never fills the queue nor stands in front of someone else's single upload, and
 * one image that fails (corrupt, wrong type) fails alone. All changes to batches happen on one
 * feeder thread. A batch is fed by the node that took it (its children may run on any node); in the
 * multi-node mode every other API node answers for it from the copy in Redis ({@link RedisBatchRecords}).
 * With {@code sharedPalette}, the palette is found first from every image's colours ({@link SharedPalette}).
 */
@ApplicationScoped
public class BatchService {

    static final String SHARED_PALETTE = "sharedPalette";
    private static final Logger LOG = Logger.getLogger(BatchService.class);

    /** A file of the request: an image, or a zip of images. */
    public record Upload(String name, Path file) {
    }

    /** Told when a child ends and when the batch ends; called on the feeder thread, so quick. */
    public interface Listener {
        void child(BatchView.ChildEvent event);

        void finished(BatchView batch);
    }

    private final JobService jobs;
    private final BatchesConfig config;
    private final ImageLimits limits;
    private final ObjectMapper json;
    private final Path root;
    private final Duration ttl;
    private final int window;
    private final ZipImages zips;
    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    /** Copies for the other API nodes (multi-node mode), else null. */
    private final RedisBatchRecords records;
    /** Watchers here of batches another node feeds, by batch id; read from the copies on every tick. */
    private final Map<String, List<RemoteWatch>> remoteWatches = new ConcurrentHashMap<>();
    private static final Duration KEEP_RUNNING = Duration.ofDays(1);
    private final ImageDecoder decoder;
    private final ComputePool compute;
    /** Shared palettes are found here, one batch at a time, so the feeder stays quick. */
    private final ExecutorService paletteFinder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "batch-palette");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService feeder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "batch-feeder");
        t.setDaemon(true);
        return t;
    });

    public BatchService(JobService jobs, BatchesConfig config, JobsConfig jobsConfig, ImageLimits limits, ObjectMapper json,
                        Node node, Instance<RedisDataSource> redis, Instance<RedisConfig> redisConfig,
                        ImageDecoder decoder, ComputePool compute) {
        this.decoder = decoder;
        this.compute = compute;
        // a running batch's copy outlives the job TTL: children may still be waiting to run
        this.records = node.queue() == Node.Queue.REDIS
                ? new RedisBatchRecords(redis.get(), redisConfig.get().prefix(), json, jobsConfig.ttl().plus(KEEP_RUNNING))
                : null;
        this.jobs = jobs;
        this.json = json;
        this.config = config;
        this.limits = limits;
        this.root = jobsConfig.dataDir().resolve("batches");
        this.ttl = jobsConfig.ttl();
        this.window = Math.max(1, config.window().orElse(jobsConfig.workers().orElse(Runtime.getRuntime().availableProcessors())));
        BatchesConfig.Zip z = config.zip();
        this.zips = new ZipImages(new ZipImages.Limits(z.maxEntries(), z.maxEntrySize().asLongValue(),
                z.maxTotalSize().asLongValue(), z.maxRatio()), jobsConfig.dataDir().resolve("uploads"));
    }

    /** Batch folders of an earlier run belong to batches that are gone. */
    void onStart(@Observes StartupEvent event) throws IOException {
        JobService.deleteTree(root);
        Files.createDirectories(root);
        Files.createDirectories(zips.tmpDir());
    }

    void onStop(@Observes ShutdownEvent event) {
        feeder.shutdownNow();
        paletteFinder.shutdownNow();
    }

    /**
     * Checks the task and options once, takes every image (zips are opened, entry by entry, within
     * their limits) into the batch's folder, and starts feeding.
     *
     * @throws AppException 404 unknown task, 400 bad option or no image, 413 too many files or a zip
     *                      that expands too far, 415 a zip inside a zip
     */
    public BatchView submit(String task, List<Upload> uploads, Map<String, String> fields) {
        Map<String, String> options = new LinkedHashMap<>(fields);
        boolean shared = flag(options.remove(SHARED_PALETTE));
        jobs.checkOptions(task, options);
        if (shared) {
            checkSharedPalette(task, options);
        }
        if (uploads.isEmpty()) {
            throw new AppException.BadOption("image", "is required: attach the images (or zips of images) as "
                    + "multipart fields 'image'");
        }
        if (uploads.size() > config.maxFiles()) {
            throw tooMany();
        }
        String id = JobId.next();
        Path dir = root.resolve(id);
        List<Batch.Entry> entries = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Upload u : uploads) {
                if (ZipImages.isZip(u.file())) {
                    zips.forEach(u.file(), config.maxFiles() - entries.size(), (name, tmp) -> take(dir, entries, name, tmp));
                } else {
                    if (entries.size() >= config.maxFiles()) {
                        throw tooMany();
                    }
                    take(dir, entries, u.name(), u.file());
                }
            }
        } catch (RuntimeException e) {
            JobService.deleteTree(dir);
            throw e;
        } catch (IOException e) {
            JobService.deleteTree(dir);
            throw new UncheckedIOException("Could not keep the batch's images", e);
        }
        if (entries.isEmpty()) {
            JobService.deleteTree(dir);
            throw new AppException.BadOption("image", "the zip holds no images");
        }
        Batch batch = new Batch(id, task, options, shared, Instant.now(), dir, entries, client());
        batches.put(id, batch);
        BatchView view = BatchView.of(batch);
        save(view);
        LOG.debugf("Batch %s: %d images for %s", id, entries.size(), task);
        if (shared) {
            paletteFinder.execute(() -> findSharedPalette(batch));
        } else {
            feeder.execute(() -> feed(batch));
        }
        return view; // the batch as accepted, before the feeder moves it on
    }

    /**
     * One palette for every image needs one k to find it with, and it replaces the k-means of each
     * image, so a target (which searches k per image) or a palette of the user's own cannot go with it.
     */
    private static void checkSharedPalette(String task, Map<String, String> options) {
        if (!task.equals("quantize")) {
            throw new AppException.BadOption(SHARED_PALETTE, "applies to quantize only");
        }
        String k = options.get("k");
        if (k == null || !k.trim().matches("\\d+")) {
            throw new AppException.BadOption("k", "a shared palette is found for one k: give one, e.g. k=16");
        }
        for (String other : List.of("targetBytes", "targetPsnr", "palette")) {
            if (options.containsKey(other)) {
                throw new AppException.BadOption(other, "cannot go with sharedPalette, which finds the palette itself");
            }
        }
    }

    /**
     * Finds the shared palette from every image's colours (each decoded in turn and dropped, with the
     * decoder's limits), then gives every image {@code palette=} instead of {@code k}. An image that
     * cannot be decoded fails here, alone, with the problem its job would have had.
     */
    private void findSharedPalette(Batch batch) {
        SharedPalette colours = new SharedPalette(compute.executor(), compute.parallelism());
        for (Batch.Entry e : batch.entries) {
            if (batch.cancelled) {
                break;
            }
            if (e.status.terminal() || e.upload == null) {
                continue;
            }
            try {
                DecodedImage image = decoder.decode(e.upload);
                colours.add(image.argb(), image.info().width(), image.info().height());
            } catch (AppException refused) {
                feeder.execute(() -> {
                    refuse(e, refused);
                    tell(batch, e);
                });
            }
        }
        feeder.execute(() -> {
            if (!batch.cancelled && colours.images() > 0) {
                try {
                    String palette = SharedPalette.format(colours.palette(Integer.parseInt(batch.options.get("k").trim())));
                    Map<String, String> children = new LinkedHashMap<>(batch.options);
                    children.remove("k");
                    children.put("palette", palette);
                    batch.options = Map.copyOf(children);
                    batch.palette = palette;
                } catch (RuntimeException e) {
                    LOG.warnf("Batch %s: no shared palette: %s", batch.id, e.toString());
                    for (Batch.Entry entry : batch.entries) {
                        if (!entry.status.terminal()) {
                            refuse(entry, new AppException.BadOption(SHARED_PALETTE,
                                    "no palette could be found from these images (" + e.getMessage() + ")"));
                            tell(batch, entry);
                        }
                    }
                }
            }
            batch.paletteDone = true;
            feed(batch);
        });
    }

    /** The API key's owner id when keys are on, else the client's address. */
    private static String client() {
        String owner = CurrentRequest.owner();
        if (owner != null) {
            return owner;
        }
        var routing = CurrentRequest.routing();
        return routing == null || routing.request().remoteAddress() == null ? "" : routing.request().remoteAddress().host();
    }

    private AppException tooMany() {
        return new AppException.PayloadTooLarge("A batch holds at most " + config.maxFiles()
                + " images (files plus zip entries)");
    }

    private void take(Path dir, List<Batch.Entry> entries, String name, Path file) {
        try {
            int index = entries.size();
            Path kept = dir.resolve(String.format("%04d.upload", index));
            Files.move(file, kept, StandardCopyOption.REPLACE_EXISTING);
            Batch.Entry entry = new Batch.Entry(index, displayName(name, index), Files.size(kept), kept);
            entries.add(entry);
            if (entry.bytes > limits.maxUploadSize().asLongValue()) {
                // one image over the single-upload limit fails alone, like any other bad image
                refuse(entry, new AppException.PayloadTooLarge("The image is " + entry.bytes + " bytes; the limit is "
                        + limits.maxUploadSize().asLongValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep an image of the batch", e);
        }
    }

    /** A name to show: the file's own name without folders, printable, short. */
    static String displayName(String name, int index) {
        if (name == null || name.isBlank()) {
            return "image-" + (index + 1);
        }
        String n = name.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1);
        return n.isBlank() ? "image-" + (index + 1) : ZipImages.shortName(n);
    }

    private static boolean flag(String raw) {
        if (raw == null || raw.equals("false") || raw.equals("0") || raw.isBlank()) {
            return false;
        }
        if (raw.equals("true") || raw.equals("1") || raw.equals("on")) {
            return true;
        }
        throw new AppException.BadOption(SHARED_PALETTE, "must be true or false");
    }

    public BatchView get(String id) {
        Batch local = local(id);
        return local != null ? BatchView.of(local) : remote(id);
    }

    /** Cancels every child that has not ended; images not yet queued never run. */
    public BatchView cancel(String id) {
        Batch batch = local(id);
        if (batch == null) {
            remote(id); // 404 when there is none
            records.requestCancel(id); // the node that feeds it cancels it on its next tick
            return remote(id);
        }
        try {
            feeder.submit(() -> cancel(batch)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return BatchView.of(batch);
    }

    /**
     * Calls the listener once for every child that has ended (those that ended already first, so a
     * late watcher misses none) and once when the batch ends; close the handle to stop.
     */
    public AutoCloseable watch(String id, Listener listener) {
        Batch batch = local(id);
        if (batch == null) {
            remote(id);
            RemoteWatch watch = new RemoteWatch(listener);
            remoteWatches.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(watch);
            feeder.execute(() -> pollRemote(id));
            return () -> remoteWatches.computeIfPresent(id, (k, list) -> {
                list.remove(watch);
                return list.isEmpty() ? null : list;
            });
        }
        BiConsumer<BatchView, Batch.Entry> each = (view, entry) -> {
            if (entry == null) {
                listener.finished(view);
            } else {
                listener.child(view.event(BatchView.child(entry)));
            }
        };
        // on the feeder thread, the only one that ends children: none slips between replay and watching
        feeder.execute(() -> {
            BatchView now = BatchView.of(batch);
            batch.entries.stream().filter(e -> e.status.terminal()).forEach(e -> each.accept(now, e));
            if (batch.finished()) {
                each.accept(now, null);
            } else {
                batch.listeners.add(each);
            }
        });
        return () -> batch.listeners.remove(each);
    }

    /** Writes the batch's archive (every finished child's files, results.json and results.csv) to {@code out}. */
    public void archive(String id, OutputStream out) throws IOException {
        new BatchArchive(jobs, json).write(get(id), out);
    }

    private Batch local(String id) {
        return JobId.isWellFormed(id) ? batches.get(id) : null;
    }

    /** Another node's batch, from its copy in Redis. */
    private BatchView remote(String id) {
        Optional<BatchView> copy = records != null && JobId.isWellFormed(id) ? RedisCalls.guarded("batch store", () -> records.load(id)) : Optional.empty();
        return copy.orElseThrow(() -> new AppException.NotFound("There is no batch '" + id + "' (it may have expired)"));
    }

    /** One watcher of another node's batch, and the children it has been told of. */
    private static final class RemoteWatch {
        final Listener listener;
        final Set<Integer> told = new HashSet<>();

        RemoteWatch(Listener listener) {
            this.listener = listener;
        }
    }

    // --- on the feeder thread ------------------------------------------------------------------

    private void cancel(Batch batch) {
        batch.cancelled = true;
        for (Batch.Entry e : batch.entries) {
            if (e.jobId != null && !e.status.terminal()) {
                try {
                    jobs.cancel(e.jobId);
                } catch (AppException.NotFound gone) {
                    // expired meanwhile: nothing to stop
                }
            }
        }
        feed(batch);
    }

    /** Tells this node's watchers of another node's batch what its copy says has changed. */
    private void pollRemote(String id) {
        List<RemoteWatch> watches = remoteWatches.get(id);
        if (watches == null) {
            return;
        }
        Optional<BatchView> copy;
        try {
            copy = records.load(id);
        } catch (RuntimeException e) {
            LOG.debugf("Batch %s: its copy could not be read: %s", id, e.toString());
            return; // tried again on the next tick
        }
        if (copy.isEmpty()) {
            return;
        }
        BatchView view = copy.get();
        boolean over = view.status().equals("finished") || view.status().equals("cancelled");
        for (RemoteWatch w : watches) {
            for (BatchView.Child c : view.jobs()) {
                if (c.status().terminal() && w.told.add(c.index())) {
                    w.listener.child(view.event(c));
                }
            }
            if (over) {
                w.listener.finished(view);
            }
        }
        if (over) {
            remoteWatches.remove(id);
        }
    }

    /** Queues images while the batch holds fewer than its window; ends the batch when every child has. */
    private void feed(Batch batch) {
        if (batch.finished()) {
            return;
        }
        if (!batch.cancelled && batch.paletteDone) {
            // one window per client: ten batches from one client do not take ten windows
            long inFlight = batches.values().stream().filter(b -> b.client.equals(batch.client)).mapToLong(Batch::inFlight).sum();
            for (Batch.Entry e : batch.entries) {
                if (inFlight >= window) {
                    break;
                }
                if (e.jobId != null || e.status.terminal()) {
                    continue;
                }
                try {
                    Job job = jobs.submit(batch.task, e.upload, batch.options);
                    e.jobId = job.id();
                    e.upload = null; // the job keeps it now
                    e.update(job);
                    inFlight++;
                    jobs.done(job).whenComplete((j, failure) -> feeder.execute(() -> ended(batch, e, j)));
                } catch (AppException.QueueFull full) {
                    break; // the next tick tries again
                } catch (AppException refused) {
                    refuse(e, refused);
                    tell(batch, e);
                } catch (RuntimeException failure) {
                    LOG.warnf("Batch %s: image %d could not be queued: %s", batch.id, e.index, failure.toString());
                    refuse(e, new AppException.UnprocessableImage("The image could not be queued"));
                    tell(batch, e);
                }
            }
        }
        if (batch.cancelled) {
            for (Batch.Entry e : batch.entries) {
                if (e.jobId == null && !e.status.terminal()) {
                    e.ended(JobStatus.CANCELLED, null, List.of(), null, null);
                    deleteQuietly(e);
                    tell(batch, e);
                }
            }
        }
        if (batch.entries.stream().allMatch(e -> e.status.terminal())) {
            batch.finishedAt = Instant.now();
            tell(batch, null);
            batch.listeners.clear(); // every stream has ended
            JobService.deleteTree(batch.dir); // uploads left (refused, cancelled); the files live in the children's jobs
        }
    }

    private void ended(Batch batch, Batch.Entry e, Job job) {
        Job now = job != null ? job : jobs.find(e.jobId).orElse(null);
        if (now == null) {
            e.ended(JobStatus.FAILED, new AppException.NotFound("The job expired before its batch read it")
                    .toProblem(null), List.of(), null, null);
        } else {
            boolean ok = now.status() == JobStatus.SUCCEEDED;
            e.ended(now.status(), now.error(), now.files(), ok ? ChildSummary.outputBytes(now.result()) : null,
                    ok ? ChildSummary.of(now.result()) : null);
        }
        tell(batch, e);
        feed(batch);
    }

    private static void refuse(Batch.Entry e, AppException why) {
        Problem problem = why.toProblem(null);
        e.ended(JobStatus.FAILED, problem, List.of(), null, null);
        deleteQuietly(e);
    }

    private static void deleteQuietly(Batch.Entry e) {
        // the entry's upload, when no job took it
        Path upload = e.upload;
        if (upload != null) {
            try {
                Files.deleteIfExists(upload);
            } catch (IOException ignored) {
                // the folder goes when the batch expires
            }
        }
    }

    /** Writes the copy and tells the watchers, from one view of the batch (it is a walk over every image). */
    private void tell(Batch batch, Batch.Entry entry) {
        BatchView view = BatchView.of(batch);
        save(view);
        for (var listener : batch.listeners) {
            try {
                listener.accept(view, entry);
            } catch (RuntimeException e) {
                LOG.debugf("A batch listener failed: %s", e.toString());
            }
        }
    }

    /** The copy other nodes read (multi-node mode); a Redis hiccup costs them a moment's staleness only. */
    private void save(BatchView batch) {
        if (records != null) {
            try {
                records.save(batch);
            } catch (RuntimeException e) {
                LOG.debugf("Batch %s: its copy could not be written: %s", batch.id(), e.toString());
            }
        }
    }

    /** Retries images the queue had no room for, refreshes progress, and drops expired batches. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (feeder.isShutdown()) {
            return; // the app is stopping
        }
        try {
            feeder.execute(this::tickNow);
        } catch (RejectedExecutionException stopping) {
            // shut down between the check and the call
        }
    }

    private void tickNow() {
        Instant cutoff = Instant.now().minus(ttl);
        for (Batch b : List.copyOf(batches.values())) {
            if (b.finished() && b.finishedAt.isBefore(cutoff)) {
                batches.remove(b.id);
                JobService.deleteTree(b.dir);
                continue;
            }
            for (Batch.Entry e : b.entries) {
                if (e.jobId != null && !e.status.terminal()) {
                    jobs.find(e.jobId).ifPresent(e::update);
                }
            }
            if (records != null && !b.cancelled && !b.finished() && cancelAsked(b)) {
                cancel(b);
            }
            feed(b);
        }
        remoteWatches.keySet().forEach(this::pollRemote);
    }

    private boolean cancelAsked(Batch b) {
        try {
            return records.cancelRequested(b.id);
        } catch (RuntimeException e) {
            return false;
        }
    }

}
