package dev.pixelwise.work;

import dev.pixelwise.imaging.ImageDecoder;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Submits, runs, cancels and expires jobs. Intake does every check that needs no decoding
 * (task, options, format, dimensions) so bad requests are refused at once; the rest happens on
 * a worker, where a failure ends that job alone.
 */
@ApplicationScoped
public class JobService {

    static final String INPUT_FILE = "input";
    private static final Logger LOG = Logger.getLogger(JobService.class);

    private final JobsConfig config;
    private final WorkerPool pool;
    private final ImageDecoder decoder;
    private final MeterRegistry metrics;
    private final Map<String, Task<?>> tasks = new LinkedHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Runnable> queued = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "job-timeouts");
        t.setDaemon(true);
        return t;
    });
    private final Clock clock = Clock.systemUTC();

    public JobService(JobsConfig config, WorkerPool pool, ImageDecoder decoder, MeterRegistry metrics,
                      Instance<Task<?>> available) {
        this.config = config;
        this.pool = pool;
        this.decoder = decoder;
        this.metrics = metrics;
        available.stream().sorted(Comparator.comparing(Task::name)).forEach(t -> tasks.put(t.name(), t));
    }

    /** Old job folders belong to a previous run whose jobs are gone: remove them. */
    void onStart(@Observes StartupEvent event) throws IOException {
        Path root = jobsRoot();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.forEach(JobService::deleteTree);
            }
        }
        Files.createDirectories(root);
    }

    public Collection<Task<?>> tasks() {
        return tasks.values();
    }

    public Task<?> task(String name) {
        Task<?> task = tasks.get(name);
        if (task == null) {
            throw new AppException.NotFound("There is no task '" + name + "'; tasks: " + String.join(", ", tasks.keySet()));
        }
        return task;
    }

    /**
     * Validates and queues a job for an uploaded file, which is moved into the job's folder.
     *
     * @throws AppException 404 unknown task, 400 bad option, 415/422 bad image, 429 queue full
     */
    public Job submit(String taskName, Path upload, Map<String, String> fields) {
        Task<?> task = task(taskName);
        JobOptions options = new JobOptions(fields);
        Object parsed = task.parseOptions(options);
        options.rejectUnread();
        check(task, parsed, decoder.probe(upload));

        String id = JobId.next();
        Path dir = jobsRoot().resolve(id);
        try {
            Files.createDirectories(dir);
            Files.move(upload, dir.resolve(INPUT_FILE), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException("Could not store the upload", e);
        }
        Job job = new Job(id, task.name(), clock.instant(), dir, parsed);
        jobs.put(id, job);
        Runnable work = () -> run(job, task);
        queued.put(id, work);
        try {
            pool.submit(work);
        } catch (AppException.QueueFull full) {
            queued.remove(id);
            jobs.remove(id);
            deleteTree(dir);
            throw full;
        }
        count(job);
        return job;
    }

    public Job get(String id) {
        return find(id).orElseThrow(() -> new AppException.NotFound("There is no job '" + id + "' (it may have expired)"));
    }

    public Optional<Job> find(String id) {
        return JobId.isWellFormed(id) ? Optional.ofNullable(jobs.get(id)) : Optional.empty();
    }

    /** Cancels a queued or running job; a finished job is left as it is. */
    public Job cancel(String id) {
        Job job = get(id);
        Runnable work = queued.remove(id);
        if (work != null) {
            pool.remove(work);
        }
        if (job.cancel(clock.instant())) {
            count(job);
        }
        return job;
    }

    /** A produced file of the job; only names the job registered are ever resolved. */
    public Path file(String id, String name) {
        Job job = get(id);
        if (!job.files().contains(name)) {
            throw new AppException.NotFound("Job " + id + " has no file '" + name + "'");
        }
        Path path = job.dir().resolve(name).normalize();
        if (!path.startsWith(job.dir()) || !Files.isRegularFile(path)) {
            throw new AppException.NotFound("Job " + id + " has no file '" + name + "'");
        }
        return path;
    }

    /** Deletes finished jobs older than the TTL, with their folders. Returns how many went. */
    public int expire() {
        Instant cutoff = clock.instant().minus(config.ttl());
        int removed = 0;
        for (Job job : List.copyOf(jobs.values())) {
            Instant finished = job.finishedAt();
            if (job.status().terminal() && finished != null && finished.isBefore(cutoff)) {
                jobs.remove(job.id());
                deleteTree(job.dir());
                removed++;
            }
        }
        return removed;
    }

    private void run(Job job, Task<?> task) {
        queued.remove(job.id());
        Instant start = clock.instant();
        if (!job.start(start)) {
            return; // cancelled while queued
        }
        timer("pixelwise.job.wait", "Time jobs waited for a worker", job).record(Duration.between(job.createdAt(), start));
        ScheduledFuture<?> timeout = timers.schedule(() -> timeOut(job), config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        Timer.Sample sample = Timer.start(metrics);
        try {
            Object result = runTask(task, new JobContext(job, job.dir().resolve(INPUT_FILE), decoder), job.options());
            job.succeed(result, clock.instant());
        } catch (CancellationException e) {
            job.cancel(clock.instant()); // no-op when a cancel or timeout already ended it
        } catch (AppException e) {
            job.fail(e.toProblem(jobPath(job)), clock.instant());
        } catch (OutOfMemoryError e) {
            job.fail(Problem.of(503, "out-of-memory", "Not enough memory",
                    "The server ran out of memory for this job; try a smaller image", jobPath(job)), clock.instant());
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.errorf(e, "Job %s (%s) failed", job.id(), job.task());
            job.fail(Problem.of(500, "internal", "Internal error",
                    "The job failed unexpectedly: " + e.getClass().getSimpleName(), jobPath(job)), clock.instant());
        } finally {
            timeout.cancel(false);
            Thread.interrupted(); // a cancel may have interrupted us; the worker thread lives on clean
            long ms = Duration.between(start, clock.instant()).toMillis();
            pool.recordRunTime(ms);
            sample.stop(timer("pixelwise.job.run", "Time jobs ran on a worker", job));
            count(job);
        }
    }

    @SuppressWarnings("unchecked")
    private static <O> void check(Task<O> task, Object options, dev.pixelwise.imaging.ImageHeader header) {
        task.checkAgainst((O) options, header);
    }

    @SuppressWarnings("unchecked")
    private static <O> Object runTask(Task<O> task, JobContext context, Object options) throws Exception {
        return task.run(context, (O) options);
    }

    private void timeOut(Job job) {
        if (job.stop(new AppException.JobTimedOut("The job ran longer than the limit of "
                + config.timeout().toSeconds() + " s and was stopped").toProblem(jobPath(job)), clock.instant())) {
            LOG.warnf("Job %s (%s) timed out", job.id(), job.task());
        }
    }

    private Timer timer(String name, String description, Job job) {
        return Timer.builder(name).description(description).tag("task", job.task())
                .publishPercentileHistogram().register(metrics);
    }

    private void count(Job job) {
        metrics.counter("pixelwise.jobs", "task", job.task(), "status", job.status().json()).increment();
    }

    private Path jobsRoot() {
        return config.dataDir().resolve("jobs");
    }

    private static String jobPath(Job job) {
        return "/api/v1/jobs/" + job.id();
    }

    /**
     * Deletes a job folder. Failures name the job folder and the file within it, never the full
     * path (I/O messages carry it), so upload locations stay out of the log.
     */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warnf("Could not delete '%s' of folder %s: %s", root.relativize(p), root.getFileName(),
                            e.getClass().getSimpleName());
                }
            });
        } catch (IOException e) {
            LOG.warnf("Could not delete folder %s: %s", root.getFileName(), e.getClass().getSimpleName());
        }
    }
}
