package dev.pixelwise.work;

import dev.pixelwise.imaging.ImageDecoder;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one job on the calling worker thread, whichever queue it came from: the time limit, the
 * mapping of every failure to a problem (the job fails alone, the worker lives on) and the
 * wait/run metrics per task and model.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobsConfig config;
    private final ImageDecoder decoder;
    private final MeterRegistry metrics;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "job-timeouts");
        t.setDaemon(true);
        return t;
    });

    public JobRunner(JobsConfig config, ImageDecoder decoder, MeterRegistry metrics) {
        this.config = config;
        this.decoder = decoder;
        this.metrics = metrics;
    }

    Instant now() {
        return clock.instant();
    }

    /** Runs the job to a terminal state; false if it was no longer queued (cancelled meanwhile). */
    boolean run(Job job, Task<?> task, Object options, Path input, String node, int attempt) {
        Instant start = clock.instant();
        if (!job.start(start, node, attempt)) {
            return false;
        }
        String model = modelOf(task, options);
        Timer.builder("pixelwise.job.wait").description("Time jobs waited for a worker").tag("task", job.task())
                .publishPercentileHistogram().register(metrics).record(Duration.between(job.createdAt(), start));
        Duration limit = config.timeoutFor(job.task());
        ScheduledFuture<?> timeout = timers.schedule(() -> timeOut(job, limit), limit.toMillis(), TimeUnit.MILLISECONDS);
        Timer.Sample sample = Timer.start(metrics);
        try {
            StageTimings timings = new StageTimings((stage, nanos) -> Timer.builder("pixelwise.job.stage")
                    .description("Time a job spent in each stage of its task").tag("task", job.task()).tag("stage", stage)
                    .tag("model", model).register(metrics).record(nanos, TimeUnit.NANOSECONDS));
            Object result = runTask(task, new JobContext(job, input, decoder, timings), options);
            job.succeed(result, clock.instant());
        } catch (CancellationException e) {
            job.cancel(clock.instant()); // no-op when a cancel or timeout already ended it
        } catch (AppException e) {
            job.fail(e.toProblem(path(job)), clock.instant());
        } catch (OutOfMemoryError e) {
            job.fail(new Problem(Problem.TYPE_BASE + "out-of-memory", "Not enough memory", 503,
                    "The server ran out of memory for this job; try a smaller image", path(job), null, 60L), clock.instant());
        } catch (Exception | LinkageError | AssertionError e) {
            LOG.errorf(e, "Job %s (%s) failed", job.id(), job.task());
            job.fail(Problem.of(500, "internal", "Internal error",
                    "The job failed unexpectedly: " + e.getClass().getSimpleName(), path(job)), clock.instant());
        } finally {
            timeout.cancel(false);
            Thread.interrupted(); // a cancel may have interrupted us
            sample.stop(Timer.builder("pixelwise.job.run").description("Time jobs ran on a worker")
                    .tag("task", job.task()).tag("model", model).publishPercentileHistogram().register(metrics));
            count(job);
        }
        return true;
    }

    void count(Job job) {
        metrics.counter("pixelwise.jobs", "task", job.task(), "status", job.status().json()).increment();
    }

    static String path(Job job) {
        return "/api/v1/jobs/" + job.id();
    }

    private void timeOut(Job job, Duration limit) {
        if (job.stop(new AppException.JobTimedOut("The job ran longer than the limit of "
                + limit.toSeconds() + " s and was stopped").toProblem(path(job)), clock.instant())) {
            LOG.warnf("Job %s (%s) timed out", job.id(), job.task());
        }
    }

    @SuppressWarnings("unchecked")
    private static <O> String modelOf(Task<O> task, Object options) {
        return task.modelOf((O) options).orElse("none");
    }

    @SuppressWarnings("unchecked")
    private static <O> Object runTask(Task<O> task, JobContext context, Object options) throws Exception {
        return task.run(context, (O) options);
    }

    @PreDestroy
    void close() {
        timers.shutdownNow();
    }
}
