package dev.pixelwise.imaging;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values that cost seconds to make (a 12 MP encode, its scores), each made once per key however many
 * threads ask at the same time: the first asker computes, the others wait for its answer. A failure
 * (an interrupt, say) is thrown to everyone waiting and forgotten, so a later ask tries again.
 */
public final class ComputedOnce<K extends Comparable<K>, V> {

    private final Map<K, CompletableFuture<V>> values = new ConcurrentHashMap<>();

    /** The value for {@code key}, made now by {@code make} or by an earlier or concurrent call. */
    public V get(K key, Function<K, V> make) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> known = values.putIfAbsent(key, mine);
        if (known != null) {
            return join(known);
        }
        try {
            V v = make.apply(key);
            mine.complete(v);
            return v;
        } catch (RuntimeException | Error e) {
            values.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** The values made so far (finished, not failed), by key. */
    public Map<K, V> done() {
        Map<K, V> out = new TreeMap<>();
        values.forEach((k, f) -> {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                out.put(k, f.join());
            }
        });
        return out;
    }

    private static <V> V join(CompletableFuture<V> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
