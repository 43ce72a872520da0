package dev.pixelwise.zoo;

import dev.pixelwise.problem.AppException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A task's models, each loaded once on first use: the zoo's files checked (503 while missing or
 * fetching), the model marked loading, its graph imported on the {@link ModelThread} (through the cache
 * beside the file), made ready for the task, then marked loaded, or failed with a 503. Loads run one at a
 * time (each can take seconds and hundreds of MB), while lookups of loaded models take no lock.
 *
 * @param <V> what a loaded model is to its task
 */
public final class LoadedModels<V> {

    /** Turns an imported graph into what the task keeps (labels, a warm-up, a batching thread ...). */
    @FunctionalInterface
    public interface Ready<G, V> {
        V apply(G graph, ModelManifest model) throws IOException;
    }

    private final ModelZoo zoo;
    private final String task;
    private final String what;
    private final Map<String, V> loaded = new ConcurrentHashMap<>();

    /**
     * @param task the manifests' task these models must have
     * @param what the model kind for messages, e.g. "a classification model"
     */
    public LoadedModels(ModelZoo zoo, String task, String what) {
        this.zoo = zoo;
        this.task = task;
        this.what = what;
    }

    /** Model {@code id} (its {@code variant}, e.g. "x4", or null), loading it if this is the first use. */
    public <G extends ImportedGraph> V get(String id, String variant, GraphImporter<G> importer, Ready<G, V> ready) {
        String key = variant == null ? id : id + "@" + variant;
        V v = loaded.get(key);
        if (v != null) {
            return v;
        }
        synchronized (this) {
            return loaded.computeIfAbsent(key, k -> load(id, variant, importer, ready));
        }
    }

    /** For shutdown: every model loaded so far. */
    public void forEach(Consumer<? super V> action) {
        loaded.values().forEach(action);
    }

    private <G extends ImportedGraph> V load(String id, String variant, GraphImporter<G> importer, Ready<G, V> ready) {
        ModelManifest m = zoo.manifest(id).filter(x -> x.task().equals(task))
                .orElseThrow(() -> new AppException.BadOption("model", "'" + id + "' is not " + what));
        Path source = zoo.file(id, importer.sourceFile(m, variant)); // 503 while the model is missing or fetching
        for (ModelManifest.ModelFile f : m.files()) {
            zoo.file(id, f.name());
        }
        String label = variant == null ? "" : " " + variant;
        zoo.markState(id, ModelZoo.State.LOADING, null);
        try {
            G graph = ModelThread.call(() -> importer.loadOrImport(source, importer.cacheFile(source)));
            Int8Ranges.attach(graph, id, variant);
            V v;
            try {
                v = ready.apply(graph, m);
            } catch (IOException | RuntimeException e) {
                graph.close();
                throw e;
            }
            zoo.markState(id, ModelZoo.State.LOADED, null);
            return v;
        } catch (IOException | RuntimeException e) {
            zoo.markState(id, ModelZoo.State.FAILED, "could not load" + label + ": " + e.getMessage());
            throw new AppException.ModelUnavailable("Model " + id + label + " could not be loaded: " + e.getMessage());
        }
    }
}
