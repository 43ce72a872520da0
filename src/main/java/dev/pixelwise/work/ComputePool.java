package dev.pixelwise.work;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads a single job may fan its inner loops out to (one per core). Separate from the worker
 * pool so a job's helpers never wait behind queued jobs.
 */
@ApplicationScoped
public class ComputePool {

    private final int parallelism = Runtime.getRuntime().availableProcessors();
    private final ExecutorService executor;

    public ComputePool() {
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "pixelwise-compute-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public ExecutorService executor() {
        return executor;
    }

    public int parallelism() {
        return parallelism;
    }

    @PreDestroy
    void shutdown() {
        executor.shutdownNow();
    }
}
