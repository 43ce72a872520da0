package dev.pixelwise.zoo;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread that runs ND4J work in this process: model loading, imports and every forward pass.
 *
 * <p>Why one: libnd4j's parallel loops run on OpenMP (GNU libgomp), which keeps a team of helper
 * threads for every thread that has ever started a parallel region, for as long as that thread
 * lives. Once the teams together hold more threads than there are cores, libgomp stops spinning
 * between regions and parks its helpers, and each of a network's hundreds of regions then pays to
 * wake them. Measured here on MobileNetV2 (2 cores): 12.4 ms per image while one thread had used
 * ND4J, 32 ms from any thread once a second one had. The worker pool and the classify batching
 * threads are several long-lived threads, so the app sat in the slow case; all of them now hand
 * their ND4J work to this thread. Running two forward passes at once would not help anyway: each
 * already uses every core.
 *
 * <p>Calls from this thread itself run in place, so nested calls do not deadlock.
 */
public final class ModelThread {

    private static volatile Thread thread;
    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pixelwise-nd4j");
        t.setDaemon(true);
        thread = t;
        return t;
    });

    private ModelThread() {
    }

    /**
     * Runs {@code work} on the model thread and returns its result; its exceptions and errors (an
     * {@link OutOfMemoryError} too) reach the caller as they were thrown. If the caller is interrupted
     * while waiting (a cancelled or timed-out job), it gets a {@link CancellationException}; the work
     * already started finishes on the model thread.
     */
    public static <T> T call(Callable<T> work) {
        if (Thread.currentThread() == thread) {
            return direct(work);
        }
        Future<T> f = EXECUTOR.submit(work);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the model thread");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof java.io.IOException io) {
                throw new java.io.UncheckedIOException(io.getMessage(), io);
            }
            throw new IllegalStateException(cause);
        }
    }

    /** {@link #call} for work without a result. */
    public static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** True on the model thread. */
    public static boolean current() {
        return Thread.currentThread() == thread;
    }

    private static <T> T direct(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
