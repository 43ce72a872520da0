package dev.pixelwise.zoo;

import io.quarkus.arc.Arc;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.ConfigProvider;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread that runs ND4J work in this process: model loading, imports and every forward pass. One
 * by default; two on a worker node ({@code pixelwise.role=worker}); {@code pixelwise.model-threads}
 * sets the number ({@link ModelThreadConfig}).
 *
 * <p>Why one: libnd4j's parallel loops run on OpenMP (GNU libgomp), which keeps a team of helper
 * threads for every thread that has ever started a parallel region, for as long as that thread
 * lives. Once the teams together hold more threads than there are cores, libgomp stops spinning
 * between regions and parks its helpers, and each of a network's hundreds of regions then pays to
 * wake them. Measured here on MobileNetV2 (2 cores): 12.4 ms per image while one thread had used
 * ND4J, 32 ms from any thread once a second one had. The worker pool and the classify batching
 * threads are several long-lived threads, so the app sat in the slow case; all of them now hand
 * their ND4J work to this thread.
 *
 * <p>The price is throughput when several jobs want a model at once: one forward pass at a time
 * uses the cores less fully than two at once. Measured with {@code bench/load.sh load} (64 clients,
 * mixed tasks, 2 cores): 9.3–9.7 jobs/s with one model thread against 13.1 with ND4J called from
 * every worker. {@code pixelwise.model-threads=2} (or more) trades single-request latency back for
 * that throughput on a saturated node.
 *
 * <p>Each model thread first settles how its threads share the cores ({@link CoreSharing}), before ND4J loads.
 *
 * <p>Calls from a model thread run in place, so nested calls do not deadlock.
 */
public final class ModelThread {

    /** Read once, when the first ND4J work arrives. */
    private static final ModelThreadConfig CONFIG = config();
    private static final int THREADS = CONFIG.threads();
    private static final ThreadLocal<Boolean> MINE = ThreadLocal.withInitial(() -> false);
    /** Calls submitted and not yet finished, {@link #wake()}'s too. */
    private static final AtomicInteger PENDING = new AtomicInteger();
    /** What {@link #wake()} runs a parallel no-op on, per model thread: large enough for ND4J to split it. */
    private static final ThreadLocal<INDArray> WAKE_SCRATCH = ThreadLocal.withInitial(() -> Nd4j.create(DataType.FLOAT, 1 << 16));
    private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(THREADS, new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(() -> {
                MINE.set(true);
                CoreSharing.beforeNd4j(CONFIG.coreSharing(), THREADS);
                r.run();
            }, THREADS == 1 ? "pixelwise-nd4j" : "pixelwise-nd4j-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    private ModelThread() {
    }

    /**
     * The settings from the app's config; outside the app (unit tests, benches: no CDI container), from system
     * properties and the environment, with core-sharing off unless set: there the main thread runs ND4J too,
     * and libgomp would pin it (and every process it starts, a benchmark's PyTorch peer say) to the first core.
     */
    private static ModelThreadConfig config() {
        boolean app = Arc.container() != null;
        return ModelThreadConfig.from(app ? ConfigProvider.getConfig() : new SmallRyeConfigBuilder().addDefaultSources().build(), app);
    }

    /**
     * Runs {@code work} on the model thread and returns its result; its exceptions and errors (an
     * {@link OutOfMemoryError} too) reach the caller as they were thrown. If the caller is interrupted
     * while waiting (a cancelled or timed-out job), it gets a {@link CancellationException}; the work
     * already started finishes on the model thread.
     */
    public static <T> T call(Callable<T> work) {
        if (MINE.get()) {
            return direct(work);
        }
        Future<T> f = submit(work);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the model thread");
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        }
    }

    /**
     * Gets OpenMP's threads going for a forward pass on its way; a job calls it when it starts preparing its
     * input. After about 10 ms without work libgomp parks its helper threads, and the first parallel region
     * of the next pass pays to wake them (and, in a VM, their idle cores). So when no model thread has work,
     * this runs a parallel no-op there, without waiting for it; the helpers then spin while the input is
     * prepared. Measured (MobileNetV2, 30 ms between passes, the no-op 3 ms ahead, AMD EPYC, 2 cores, two
     * runs): p50 5.41 → 5.01 ms and 6.07 → 5.67 ms. When a model thread has work its helpers are awake anyway.
     */
    public static void wake() {
        if (MINE.get() || PENDING.get() > 0) {
            return;
        }
        // Only a head start, not awaited: a failure stays in the Future, and the pass itself will report it.
        submit(() -> WAKE_SCRATCH.get().addi(0f));
    }

    /** {@code work} queued to a model thread, counted in {@link #PENDING} until it ends. */
    private static <T> Future<T> submit(Callable<T> work) {
        PENDING.incrementAndGet();
        return EXECUTOR.submit(() -> {
            try {
                return work.call();
            } finally {
                PENDING.decrementAndGet();
            }
        });
    }

    /** Calls and {@link #wake()}s submitted and not finished (tests read it). */
    static int pending() {
        return PENDING.get();
    }

    /** {@link #call} for work without a result. */
    public static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** True on a model thread. */
    public static boolean current() {
        return MINE.get();
    }

    private static <T> T direct(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw unchecked(e);
        }
    }

    /** The work's failure as the caller sees it, the same whichever thread ran the work. */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t instanceof IOException io) {
            return new UncheckedIOException(io.getMessage(), io);
        }
        return new IllegalStateException(t);
    }
}
