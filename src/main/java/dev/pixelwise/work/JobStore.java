package dev.pixelwise.work;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where jobs live and queue: this process's memory ({@link LocalJobStore}) or Redis, shared by
 * several nodes ({@link RedisJobStore}). {@link JobService} validates before anything gets here.
 */
interface JobStore {

    /** Stores a validated job with its upload (moved away from {@code upload}) and queues it; 429 when full. */
    Job submit(Task<?> task, Object options, Map<String, String> fields, Path upload);

    /** The job as it is now (a fresh copy when the state lives elsewhere). */
    Optional<Job> find(String id);

    /** Cancels a queued or running job; a finished one is left as it is. Returns the job afterwards. */
    Job cancel(Job job);

    /** A readable local path of a produced file the job registered. */
    Path file(Job job, String name);

    /** Calls the listener with the job after each change until it is closed. */
    AutoCloseable watch(Job job, Consumer<Job> listener);

    /** Completes with the job once it reached a terminal status. */
    CompletionStage<Job> done(Job job);

    /** Deletes what expired; returns how many jobs went. */
    int expire();

    /** Jobs waiting for a worker (all nodes, with Redis). */
    long queued();

    /** Places free in the queue now, as far as this node can tell cheaply (with Redis: unknown, so "any"). */
    int room();

    /** Seconds the queue takes to free one place, lately: the step of a waiting client's Retry-After. */
    double secondsPerSlot();
}
