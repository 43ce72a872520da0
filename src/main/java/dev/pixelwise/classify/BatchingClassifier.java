package dev.pixelwise.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Merges concurrent requests to one model into batches, on a thread of its own: the first request
 * waits at most {@code maxDelayMillis} for others, up to {@code maxBatch} images in one forward
 * pass (which the forward function hands to the model thread, {@code zoo.ModelThread}).
 *
 * <p>It waits only for requests that are known to be coming ({@link #announce()}: a job that is
 * still decoding and preparing its image). A lone request does not sit out the delay for company
 * that cannot arrive: on MobileNetV2 that delay was a third of the inference time.
 */
final class BatchingClassifier implements AutoCloseable {

    private record Request(float[][] images, boolean maps, CompletableFuture<Pass> result) {
    }

    /**
     * What one forward pass gave for a batch: per image its output (probabilities, or pooled features) and,
     * when asked, its last feature maps (planar [C, h, w], what a class activation map is made of), else null.
     */
    record Pass(float[][] outputs, float[][] maps) {
    }

    /** A forward pass over a batch; {@code maps}: also return the feature maps, from the same pass. */
    interface Forward {
        Pass run(float[][] images, boolean maps);
    }

    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final Forward forward;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final BatchStats stats;
    private final AtomicInteger announced = new AtomicInteger();
    /** Batches being formed or run by the batch thread, and lone requests run by their callers ({@link #submit}). */
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean closed;

    /** A classifier whose pass has only outputs (no feature maps to give). */
    BatchingClassifier(String name, Function<float[][], float[][]> forward, int maxBatch, long maxDelayMillis, BatchStats stats) {
        this(name, (images, maps) -> {
            if (maps) {
                throw new UnsupportedOperationException("this model gives no feature maps");
            }
            return new Pass(forward.apply(images), null);
        }, maxBatch, maxDelayMillis, stats);
    }

    BatchingClassifier(String name, Forward forward, int maxBatch, long maxDelayMillis, BatchStats stats) {
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
        return submit(images, false).thenApply(Pass::outputs);
    }

    /**
     * Outputs for planar [3,H,W] images and, with {@code maps}, their feature maps from the same forward
     * pass (a batch runs with feature maps when any of its requests asks; the others just get none).
     */
    CompletableFuture<Pass> submit(float[][] images, boolean maps) {
        CompletableFuture<Pass> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("classifier closed"));
            return f;
        }
        Request request = new Request(images, maps, f);
        // Alone (no batch forming or running, none queued, none announced): nothing to merge with, so the caller
        // runs it, done when this returns. Through the batch thread it paid two more hand-offs between threads:
        // 0.07 ms of a 5.5 ms classify inside the app (p50 of 200, AMD EPYC, 2 cores).
        if (announced.get() == 0 && queue.isEmpty() && busy.compareAndSet(0, 1)) {
            try {
                run(List.of(request), images.length);
            } finally {
                busy.decrementAndGet();
            }
        } else {
            queue.add(request);
        }
        return f;
    }

    /** Requests submitted but not yet taken into a batch. Tests read it to know the batch thread holds one. */
    int queued() {
        return queue.size();
    }

    /**
     * Says a request is on its way; close the announcement just before submitting it (or when giving
     * up), so a batch being formed waits for it, at most the delay.
     */
    Announcement announce() {
        announced.incrementAndGet();
        return new Announcement();
    }

    final class Announcement implements AutoCloseable {
        private final AtomicBoolean open = new AtomicBoolean(true);

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                announced.decrementAndGet();
            }
        }
    }

    private void loop() {
        while (!closed) {
            List<Request> batch = new ArrayList<>();
            try {
                Request first = queue.take();
                busy.incrementAndGet();
                batch.add(first);
                int images = first.images().length;
                long deadline = System.nanoTime() + maxDelayNanos;
                while (images < maxBatch) {
                    Request next = queue.poll();
                    if (next == null) {
                        long left = deadline - System.nanoTime();
                        if (announced.get() == 0 || left <= 0) {
                            break; // nobody else on the way, or waited long enough
                        }
                        // Short polls: an announcement withdrawn ends the wait without its request.
                        next = queue.poll(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS);
                        if (next == null) {
                            continue;
                        }
                    }
                    batch.add(next);
                    images += next.images().length;
                }
                run(batch, images);
                busy.decrementAndGet();
            } catch (InterruptedException e) {
                batch.forEach(r -> r.result().completeExceptionally(e));
                return;
            }
        }
    }

    private void run(List<Request> batch, int images) {
        float[][] all = new float[images][];
        int i = 0;
        boolean maps = false;
        for (Request r : batch) {
            maps |= r.maps();
            for (float[] img : r.images()) {
                all[i++] = img;
            }
        }
        try {
            Pass out = forward.run(all, maps);
            stats.record(images);
            int at = 0;
            for (Request r : batch) {
                float[][] mine = new float[r.images().length][];
                System.arraycopy(out.outputs(), at, mine, 0, mine.length);
                float[][] myMaps = null;
                if (r.maps()) {
                    myMaps = new float[mine.length][];
                    System.arraycopy(out.maps(), at, myMaps, 0, mine.length);
                }
                at += mine.length;
                r.result().complete(new Pass(mine, myMaps));
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
