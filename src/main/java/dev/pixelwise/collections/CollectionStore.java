package dev.pixelwise.collections;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.imaging.AtomicFiles;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Collections on disk, one JSON file per collection ({@code <id>.json}) in one folder, written whole on
 * every change ({@link AtomicFiles}: a crash leaves the old file or the new one). The
 * embeddings are kept as base64 of little-endian float32, a quarter the size of decimal text and exact.
 */
final class CollectionStore {

    private static final Logger LOG = Logger.getLogger(CollectionStore.class);
    static final int FORMAT = 1;

    /** The file's content. */
    record Stored(int format, String id, String name, String owner, String model, String created, double threshold,
                  List<StoredLabel> labels) {
    }

    /**
     * @param examples base64 embeddings
     * @param ids      each example's id; null in files written before examples had ids (given new ones on load)
     * @param sources  each example's file name; null likewise
     */
    record StoredLabel(String name, List<String> examples, List<String> ids, List<String> sources) {
    }

    private final Path dir;
    private final ObjectMapper json;

    CollectionStore(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the collections folder " + dir, e);
        }
    }

    /** Every readable collection in the folder; an unreadable file is logged and left alone. */
    List<Stored> loadAll() {
        List<Stored> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    Stored s = json.readValue(f.toFile(), Stored.class);
                    if (s.format() != FORMAT || !f.getFileName().toString().equals(s.id() + ".json")) {
                        LOG.warnf("Skipping collection file %s: format %d or id %s does not fit", f.getFileName(), s.format(), s.id());
                        continue;
                    }
                    all.add(s);
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("Skipping unreadable collection file %s: %s", f.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return all;
    }

    /** What is written for a collection, in a file or (multi-node mode) in Redis. */
    static Stored stored(Snapshot s) {
        List<StoredLabel> labels = s.labels().stream()
                .map(l -> new StoredLabel(l.name(), l.embeddings().stream().map(CollectionStore::encode).toList(),
                        l.examples().stream().map(Snapshot.Example::id).toList(),
                        l.examples().stream().map(Snapshot.Example::source).toList())).toList();
        return new Stored(FORMAT, s.id(), s.name(), s.owner(), s.model(), s.created(), s.threshold(), labels);
    }

    void save(Snapshot s) {
        Stored stored = stored(s);
        Path target = dir.resolve(s.id() + ".json");
        try {
            AtomicFiles.replace(target, tmp -> json.writeValue(tmp.toFile(), stored));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write collection " + s.id(), e);
        }
    }

    void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete collection " + id, e);
        }
    }

    static String encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String text) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
