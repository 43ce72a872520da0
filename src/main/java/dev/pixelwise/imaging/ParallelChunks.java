package dev.pixelwise.imaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a body over a fixed number of chunks on up to {@code parallelism} threads.
 *
 * <p>Determinism contract: callers split their data into chunks whose size does NOT depend on the
 * thread count, write each chunk's partial result into that chunk's own slot, and combine slots in
 * chunk order afterwards. Which thread runs which chunk then never changes the result.
 *
 * <p>The calling thread works too, and waits only for chunks that a helper has actually started,
 * so a saturated (or nested, same) pool can delay but never deadlock a run.
 */
public final class ParallelChunks {
    /** Work of one chunk; {@code worker} (0..workers()-1) indexes per-thread scratch space. */
    public interface Body {
        void run(int worker, int chunk);
    }

    private final ExecutorService pool;
    private final int parallelism;

    public ParallelChunks(ExecutorService pool, int parallelism) {
        this.pool = parallelism > 1 ? pool : null;
        this.parallelism = this.pool == null ? 1 : parallelism;
    }

    public int workers() {
        return parallelism;
    }

    public void run(int chunks, Body body) {
        int helpers = Math.min(parallelism, chunks) - 1;
        if (helpers <= 0) {
            for (int c = 0; c < chunks; c++) {
                body.run(0, c);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int h = 1; h <= helpers; h++) {
            int worker = h;
            futures.add(pool.submit(() -> drain(worker, chunks, body, next, done, failure)));
        }
        drain(0, chunks, body, next, done, failure);
        // Helpers that have not started yet would find nothing to do; drop them from the queue.
        for (Future<?> f : futures) {
            f.cancel(false);
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private static void drain(int worker, int chunks, Body body, AtomicInteger next,
                              CountDownLatch done, AtomicReference<Throwable> failure) {
        int c;
        while ((c = next.getAndIncrement()) < chunks) {
            try {
                if (failure.get() == null) {
                    body.run(worker, c);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                done.countDown();
            }
        }
    }

    /** Number of chunks of {@code size} items covering {@code n} items. */
    public static int count(int n, int size) {
        return (n + size - 1) / size;
    }
}
