package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** One node: jobs in memory, files in the data folder, run by this node's {@link WorkerPool}. */
final class LocalJobStore implements JobStore {

    private final JobsConfig config;
    private final WorkerPool pool;
    private final JobRunner runner;
    private final String node;
    private final Path root;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, WorkerPool.Work> queued = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    LocalJobStore(JobsConfig config, WorkerPool pool, JobRunner runner, String node, Path root) {
        this.config = config;
        this.pool = pool;
        this.runner = runner;
        this.node = node;
        this.root = root;
    }

    @Override
    public Job submit(Task<?> task, Object options, Map<String, String> fields, Path upload) {
        String id = JobId.next();
        Path dir = root.resolve(id);
        try {
            Files.createDirectories(dir);
            Files.move(upload, dir.resolve(JobService.INPUT_FILE), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            JobService.deleteTree(dir);
            throw new UncheckedIOException("Could not store the upload", e);
        }
        Job job = new Job(id, task.name(), clock.instant(), dir);
        jobs.put(id, job);
        WorkerPool.Work work = new WorkerPool.Work(task.name(), task.heavy(), () -> {
            queued.remove(id);
            runner.run(job, task, options, dir.resolve(JobService.INPUT_FILE), node, 1);
        });
        queued.put(id, work);
        try {
            pool.submit(work);
        } catch (AppException.QueueFull full) {
            queued.remove(id);
            jobs.remove(id);
            JobService.deleteTree(dir);
            throw full;
        }
        runner.count(job);
        return job;
    }

    @Override
    public Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public Job cancel(Job job) {
        WorkerPool.Work work = queued.remove(job.id());
        if (work != null) {
            pool.remove(work);
        }
        if (job.cancel(clock.instant())) {
            runner.count(job);
        }
        return job;
    }

    @Override
    public Path file(Job job, String name) {
        return job.dir().resolve(name);
    }

    @Override
    public AutoCloseable watch(Job job, Consumer<Job> listener) {
        job.addListener(listener);
        return () -> job.removeListener(listener);
    }

    @Override
    public CompletionStage<Job> done(Job job) {
        return job.done();
    }

    @Override
    public int expire() {
        Instant cutoff = clock.instant().minus(config.ttl());
        int removed = 0;
        for (Job job : List.copyOf(jobs.values())) {
            Instant finished = job.finishedAt();
            if (job.status().terminal() && finished != null && finished.isBefore(cutoff)) {
                jobs.remove(job.id());
                JobService.deleteTree(job.dir());
                removed++;
            }
        }
        return removed;
    }

    @Override
    public long queued() {
        return pool.queued();
    }

    @Override
    public int room() {
        return pool.room();
    }

    @Override
    public double secondsPerSlot() {
        return pool.secondsPerSlot();
    }
}
