package dev.pixelwise.zoo;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The intermediate arrays of a {@link GraphRunner}, keyed by type, order and shape, so a repeated call
 * allocates only the arrays it returns. Keeps what recent calls needed and frees the rest
 * deterministically ({@link INDArray#close()}), so native memory stays at about one call's working set.
 * Not thread-safe: its runner's lock guards it.
 */
final class ArrayPool {

    /** Calls whose arrays the pool keeps even when the latest call did not need them (batches of varying size). */
    private static final int KEEP_CALLS = 8;

    /** An array's type, order and shape: what the pool keys arrays by. */
    record Key(DataType type, char order, long[] shape) {

        INDArray create() {
            return Nd4j.createUninitialized(type, shape, order);
        }

        long bytes() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n * type.width();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && type == k.type && order == k.order && Arrays.equals(shape, k.shape);
        }

        @Override
        public int hashCode() {
            return (type.hashCode() * 31 + order) * 31 + Arrays.hashCode(shape);
        }
    }

    private record Pooled(Key key, INDArray array, long[] lastCall) {
        long bytes() {
            return key.bytes();
        }
    }

    private final Map<Key, ArrayDeque<Pooled>> pool = new HashMap<>();
    /** Arrays taken from the pool by the call in progress. */
    private final Map<INDArray, Pooled> lent = new IdentityHashMap<>();
    private long call;

    /** Starts a call: arrays taken from now on count as used by it. */
    void beginCall() {
        call++;
    }

    INDArray take(Key key) {
        if (key.bytes() == 0) {
            return key.create();
        }
        ArrayDeque<Pooled> free = pool.get(key);
        Pooled p = free == null ? null : free.pollFirst();
        if (p == null) {
            p = new Pooled(key, key.create(), new long[1]);
        }
        p.lastCall[0] = call;
        lent.put(p.array, p);
        return p.array;
    }

    /** Takes back an array from {@link #take}; any other array is closed. */
    void give(INDArray array) {
        Pooled p = lent.remove(array);
        if (p == null) {
            array.close();
            return;
        }
        pool.computeIfAbsent(p.key, k -> new ArrayDeque<>()).addFirst(p);
    }

    /** After a failed call: every array it took goes back. */
    void giveAllLent() {
        for (INDArray v : new ArrayList<>(lent.keySet())) {
            give(v);
        }
    }

    /** Native bytes held for reuse between calls. */
    long bytes() {
        long bytes = 0;
        for (ArrayDeque<Pooled> q : pool.values()) {
            for (Pooled p : q) {
                bytes += p.bytes();
            }
        }
        return bytes;
    }

    /** Frees the pooled arrays now. */
    void release() {
        for (ArrayDeque<Pooled> q : pool.values()) {
            for (Pooled p : q) {
                p.array.close();
            }
        }
        pool.clear();
    }

    /**
     * Frees pooled arrays no recent call used, and, while the arrays this call did not use outweigh
     * those it did, the least recently used of them.
     */
    void trim() {
        long usedNow = 0;
        List<Pooled> idle = new ArrayList<>();
        for (ArrayDeque<Pooled> q : pool.values()) {
            for (Pooled p : q) {
                if (p.lastCall[0] == call) {
                    usedNow += p.bytes();
                } else {
                    idle.add(p);
                }
            }
        }
        idle.sort((a, b) -> Long.compare(a.lastCall[0], b.lastCall[0]));
        long idleBytes = 0;
        for (Pooled p : idle) {
            idleBytes += p.bytes();
        }
        for (Pooled p : idle) {
            if (call - p.lastCall[0] < KEEP_CALLS && idleBytes <= usedNow) {
                break;
            }
            pool.get(p.key).remove(p);
            idleBytes -= p.bytes();
            p.array.close();
        }
        pool.values().removeIf(ArrayDeque::isEmpty);
    }
}
