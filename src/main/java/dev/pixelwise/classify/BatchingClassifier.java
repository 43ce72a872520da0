package dev.pixelwise.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one model on one thread and merges concurrent requests into batches: the first request
 * waits at most {@code maxDelayMillis} for others, up to {@code maxBatch} images in one forward
 * pass. The model is touched by this thread only, which is what a SameDiff graph needs.
 */
final class BatchingClassifier implements AutoCloseable {

    private record Request(float[][] images, CompletableFuture<float[][]> result) {
    }

    private final Function<float[][], float[][]> forward;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final BatchStats stats;
    private volatile boolean closed;

    BatchingClassifier(String name, Function<float[][], float[][]> forward, int maxBatch, long maxDelayMillis, BatchStats stats) {
        this.forward = forward;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
        this.stats = stats;
        this.thread = new Thread(this::loop, "classify-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Probability vectors for planar [3,H,W] images, in order. */
    CompletableFuture<float[][]> submit(float[][] images) {
        CompletableFuture<float[][]> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("classifier closed"));
        } else {
            queue.add(new Request(images, f));
        }
        return f;
    }

    private void loop() {
        while (!closed) {
            List<Request> batch = new ArrayList<>();
            try {
                Request first = queue.take();
                batch.add(first);
                int images = first.images().length;
                long deadline = System.nanoTime() + maxDelayNanos;
                while (images < maxBatch) {
                    Request next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    images += next.images().length;
                }
                run(batch, images);
            } catch (InterruptedException e) {
                batch.forEach(r -> r.result().completeExceptionally(e));
                return;
            }
        }
    }

    private void run(List<Request> batch, int images) {
        float[][] all = new float[images][];
        int i = 0;
        for (Request r : batch) {
            for (float[] img : r.images()) {
                all[i++] = img;
            }
        }
        try {
            float[][] out = forward.apply(all);
            stats.record(images);
            int at = 0;
            for (Request r : batch) {
                float[][] mine = new float[r.images().length][];
                System.arraycopy(out, at, mine, 0, mine.length);
                at += mine.length;
                r.result().complete(mine);
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(r -> r.result().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    /** Receives the size of every batch run, for metrics. */
    interface BatchStats {
        void record(int size);
    }
}
