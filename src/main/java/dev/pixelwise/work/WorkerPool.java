package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of worker threads behind a bounded queue. A full queue is an explicit, retryable
 * error (429) with a wait estimated from the measured run time of recent jobs.
 */
@ApplicationScoped
public class WorkerPool {

    private final int workers;
    private final ThreadPoolExecutor executor;
    /** Exponentially weighted mean run time of finished jobs, in ms; starts at one second. */
    private volatile double meanRunMillis = 1000;

    public WorkerPool(JobsConfig config, MeterRegistry registry) {
        this.workers = config.workers().orElse(Runtime.getRuntime().availableProcessors());
        if (workers < 1 || workers > 1024) {
            throw new IllegalStateException("pixelwise.jobs.workers must be 1..1024, was " + workers);
        }
        if (config.queueCapacity() < 1) {
            throw new IllegalStateException("pixelwise.jobs.queue-capacity must be at least 1, was " + config.queueCapacity());
        }
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.queueCapacity()), r -> {
                    Thread t = new Thread(r, "pixelwise-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        registry.gauge("pixelwise.queue.depth", executor, e -> e.getQueue().size());
        registry.gauge("pixelwise.workers.busy", executor, ThreadPoolExecutor::getActiveCount);
    }

    public int workers() {
        return workers;
    }

    public int queued() {
        return executor.getQueue().size();
    }

    void submit(Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException e) {
            throw new AppException.QueueFull(retryAfterSeconds());
        }
    }

    /** Drops a job that has not started yet; false if a worker already took it. */
    boolean remove(Runnable work) {
        return executor.remove(work);
    }

    void recordRunTime(long millis) {
        meanRunMillis = 0.8 * meanRunMillis + 0.2 * millis;
    }

    /** Seconds until a queue slot is likely free: on average one of the busy workers finishes every mean/workers. */
    long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(meanRunMillis / workers / 1000.0));
    }

    @PreDestroy
    void shutdown() {
        executor.shutdownNow();
    }
}
