package dev.pixelwise.zoo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Models loaded once each, on first use. Loads run one at a time (each can take seconds and
 * hundreds of MB), while lookups of loaded models take no lock.
 *
 * @param <V> what a loaded model is to its task
 */
public final class LoadedModels<V> {

    private final Map<String, V> loaded = new ConcurrentHashMap<>();

    /** The model under {@code key}, loading it with {@code loader} if this is the first use. */
    public V get(String key, Function<String, ? extends V> loader) {
        V v = loaded.get(key);
        if (v != null) {
            return v;
        }
        synchronized (this) {
            return loaded.computeIfAbsent(key, loader);
        }
    }

    /** For shutdown: every model loaded so far. */
    public void forEach(Consumer<? super V> action) {
        loaded.values().forEach(action);
    }
}
