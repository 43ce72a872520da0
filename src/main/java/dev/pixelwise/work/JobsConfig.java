package dev.pixelwise.work;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The local worker pool and job lifetime. Checked at start-up by {@link WorkerPool}. */
@ConfigMapping(prefix = "pixelwise.jobs")
public interface JobsConfig {

    /** Worker threads per compute device; defaults to the number of cores. */
    Optional<Integer> workers();

    /**
     * The most workers one task may hold at once, e.g. {@code task-workers.upscale=1}; a task not
     * listed may use them all, except a heavy one, which leaves one free for the others.
     */
    Map<String, Integer> taskWorkers();

    /** On shutdown, how long running jobs may take to finish before they are stopped (or re-queued, with Redis). */
    @WithDefault("30s")
    Duration shutdownGrace();

    /** Jobs that may wait for a worker; one more is answered with 429. */
    @WithDefault("16")
    int queueCapacity();

    /**
     * Clients the full queue turns away get a place in line (a ticket with their 429) and get in
     * in the order they were refused; off: plain 429s, and whoever retries first gets in.
     */
    @WithDefault("true")
    boolean admissionLine();

    /** A running job is stopped after this long. */
    @WithDefault("5m")
    Duration timeout();

    /** Per-task time limits that replace {@link #timeout()}, e.g. {@code task-timeouts.upscale=15m}. */
    Map<String, Duration> taskTimeouts();

    default Duration timeoutFor(String task) {
        return taskTimeouts().getOrDefault(task, timeout());
    }

    /** Finished jobs and their files are deleted this long after they finish. */
    @WithDefault("1h")
    Duration ttl();

    /** How often expired jobs are looked for. */
    @WithDefault("1m")
    Duration sweepInterval();

    /** Where uploads and produced files live, one folder per job. */
    Path dataDir();
}
