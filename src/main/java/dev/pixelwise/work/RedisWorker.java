package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;
import dev.pixelwise.problem.Problem;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import com.fasterxml.jackson.core.type.TypeReference;

/**
 * The worker side of the Redis queue. One thread reads the stream for as many jobs as this
 * node's pool has spare workers, and takes over jobs whose worker went silent for the
 * visibility timeout (a killed process); the pool runs them. A running job renews its claim
 * while it runs, so only dead workers lose theirs. A start and a finish are compare-and-set
 * scripts on the job's attempt number, so a job is never finished twice, and a job that has
 * been started {@code max-attempts} times fails as poison instead of killing more workers.
 */
@ApplicationScoped
public class RedisWorker {

    private static final Logger LOG = Logger.getLogger(RedisWorker.class);

    /** Returns the attempt number, -1 if the job is over (cancelled), -2 if it just failed as poison. */
    private static final String START = """
            local s = redis.call('HGET', KEYS[1], 'status')
            if s ~= 'queued' and s ~= 'running' then return -1 end
            local a = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
            if a >= tonumber(ARGV[3]) then
              redis.call('HSET', KEYS[1], 'status', 'failed', 'finished', ARGV[2], 'stage', '', 'error', ARGV[4])
              redis.call('EXPIRE', KEYS[1], ARGV[5])
              return -2
            end
            redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[1], 'started', ARGV[2],
                       'attempts', a + 1, 'progress', '0', 'stage', '')
            return a + 1
            """;

    /** Writes progress only while this attempt still owns the job. */
    private static final String PROGRESS = """
            if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'progress', ARGV[2], 'stage', ARGV[3])
            return 1
            """;

    /**
     * The one place a job ends on a worker: only the attempt that owns it may finish it. Returns 1
     * when it did, 0 when the job is already over (cancelled), -1 when a later attempt owns it.
     */
    private static final String FINISH = """
            if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
            if redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[1] then return -1 end
            redis.call('HSET', KEYS[1], 'status', ARGV[2], 'finished', ARGV[3], 'progress', ARGV[4], 'stage', '',
                       'result', ARGV[5], 'error', ARGV[6], 'files', ARGV[7], 'notes', ARGV[9])
            redis.call('HINCRBY', KEYS[1], 'completions', 1)
            redis.call('EXPIRE', KEYS[1], ARGV[8])
            return 1
            """;

    /** A job still running at shutdown goes back to the queue; its attempt does not count. */
    private static final String REQUEUE = """
            if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[1] then return 0 end
            redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', tonumber(ARGV[1]) - 1, 'progress', '0', 'stage', '')
            redis.call('HSET', KEYS[1], 'entry', redis.call('XADD', KEYS[2], '*', 'job', ARGV[2]))
            redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
            redis.call('XDEL', KEYS[2], ARGV[4])
            return 1
            """;

    private final RedisJobStore store;
    private final RedisKeys keys;
    private final Node node;
    private final WorkerPool pool;
    private final JobRunner runner;
    private final JobsConfig config;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "redis-claims");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;
    private Thread reader;
    private RedisSubscription cancels;

    /** A job this node runs now. */
    private record Running(String entry, Job job, int attempt, ScheduledFuture<?> heartbeat, boolean[] requeue) {
    }

    public RedisWorker(Instance<RedisJobStore> store, Node node, Instance<WorkerPool> pool, JobRunner runner, JobsConfig config) {
        this.node = node;
        this.runner = runner;
        this.config = config;
        boolean active = node.queue() == Node.Queue.REDIS && node.runsWorkers();
        this.store = active ? store.get() : null;
        this.keys = active ? this.store.keys() : null;
        this.pool = active ? pool.get() : null;
    }

    void onStart(@Observes StartupEvent event) {
        if (store == null) {
            return;
        }
        pool.start();
        cancels = RedisSubscription.open(store.redis(), keys.cancels(), this::cancel, this::cancelCancelled);
        reader = new Thread(this::readLoop, "redis-queue-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Stops reading, lets running jobs finish within the grace period, and re-queues the rest. */
    void onStop(@Observes ShutdownEvent event) {
        if (store == null) {
            return;
        }
        closing = true;
        if (reader != null) {
            reader.interrupt();
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            sleep(100);
        }
        for (Running r : running.values()) {
            r.requeue()[0] = true;
            r.job().cancel(runner.now());
        }
        long stragglers = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!running.isEmpty() && System.nanoTime() < stragglers) {
            sleep(50);
        }
        if (cancels != null) {
            cancels.close();
        }
        heartbeats.shutdownNow();
    }

    private void cancel(String id) {
        Running r = running.get(id);
        if (r != null) {
            r.job().cancel(runner.now()); // interrupts the worker thread; the job stops at its next check
        }
    }

    /** A cancel published while the subscription was down is lost: stops running jobs cancelled meanwhile. */
    private void cancelCancelled() {
        for (String id : running.keySet()) {
            if (JobStatus.CANCELLED.json().equals(store.hashes().hget(keys.job(id), "status"))) {
                cancel(id);
            }
        }
    }

    private void readLoop() {
        StreamCommands<String, String, String> streams = store.redis().stream(String.class);
        long nextReclaim = 0;
        while (!closing) {
            try {
                int spare = pool.spare();
                if (spare == 0) {
                    sleep(50);
                    continue;
                }
                if (System.nanoTime() >= nextReclaim) {
                    nextReclaim = System.nanoTime() + store.redisConfig().visibilityTimeout().toNanos() / 3;
                    var claimed = streams.xautoclaim(keys.queue(), RedisKeys.GROUP, node.name(),
                            store.redisConfig().visibilityTimeout(), "0-0", spare);
                    for (StreamMessage<String, String, String> m : claimed.getMessages()) {
                        LOG.warnf("Taking over job %s from a worker that went silent", m.payload().get("job"));
                        dispatch(m);
                    }
                    spare = pool.spare();
                    if (spare == 0) {
                        continue;
                    }
                }
                List<StreamMessage<String, String, String>> messages = streams.xreadgroup(RedisKeys.GROUP, node.name(),
                        keys.queue(), ">", new XReadGroupArgs().count(spare).block(Duration.ofSeconds(1)));
                if (messages != null) {
                    messages.forEach(this::dispatch);
                }
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                if (RedisJobStore.lostGroup(e)) {
                    LOG.warn("The job queue is gone (Redis lost its data); making it again");
                    try {
                        store.ensureGroup();
                        continue;
                    } catch (RuntimeException again) {
                        e = again;
                    }
                }
                LOG.warnf("Reading the job queue failed (%s); retrying", e.getMessage());
                sleep(1000);
            }
        }
    }

    private void dispatch(StreamMessage<String, String, String> message) {
        String id = message.payload() == null ? null : message.payload().get("job"); // a cancelled entry may be gone
        String taskName = id == null ? null : store.hashes().hget(keys.job(id), "task");
        Task<?> task = taskName == null ? null : store.task(taskName);
        if (task == null) {
            ack(message.id()); // expired, or a task this build does not have: nothing to run
            if (taskName != null) {
                LOG.errorf("Job %s asks for task '%s', which this worker does not have", id, taskName);
            }
            return;
        }
        try {
            pool.submit(new WorkerPool.Work(task.name(), task.heavy(), () -> execute(message.id(), id, task)));
        } catch (AppException.QueueFull full) {
            // stays pending under our name; it is taken over after the visibility timeout
            LOG.debugf("No room for job %s right now", id);
        }
    }

    private void execute(String entry, String id, Task<?> task) {
        String jobKey = keys.job(id);
        Instant now = runner.now();
        Problem poison = Problem.of(500, "poison-job", "Job keeps failing its workers",
                "The job was started " + store.redisConfig().maxAttempts() + " times and each time its worker died; "
                        + "it will not be tried again", "/api/v1/jobs/" + id);
        Response started = store.redis().execute("EVAL", START, "1", jobKey, node.name(), RedisJobStore.millis(now),
                Integer.toString(store.redisConfig().maxAttempts()), store.write(poison), Long.toString(config.ttl().toSeconds()));
        long attempt = started == null ? -1 : started.toLong();
        if (attempt == -2) {
            LOG.errorf("Job %s (%s) failed as poison after %d attempts", id, task.name(), store.redisConfig().maxAttempts());
            store.publish(id, JobStatus.FAILED);
        }
        if (attempt < 0) {
            ack(entry);
            return;
        }
        store.publish(id, JobStatus.RUNNING);
        Path dir = store.config().dataDir().resolve("jobs").resolve(id + "-" + attempt);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> renewClaim(entry),
                0, Math.max(100, store.redisConfig().visibilityTimeout().toMillis() / 3), TimeUnit.MILLISECONDS);
        Running run = null;
        try {
            Map<String, String> h = store.hashes().hgetall(jobKey);
            Job job = new Job(id, task.name(), RedisJobStore.instant(h.get("created")), dir);
            run = new Running(entry, job, (int) attempt, heartbeat, new boolean[1]);
            running.put(id, run);
            Object options;
            byte[] input = store.blobs().get(keys.file(id, JobService.INPUT_FILE));
            try {
                options = JobService.parse(task, store.read(h.get("fields"), new TypeReference<Map<String, String>>() { }));
                if (input == null) {
                    throw new AppException.NotFound("The job's upload expired before a worker took it");
                }
                Files.createDirectories(dir);
                Files.write(dir.resolve(JobService.INPUT_FILE), input);
            } catch (AppException e) {
                finish(run, JobStatus.FAILED, 0, null, e.toProblem("/api/v1/jobs/" + id), List.of(), List.of());
                return;
            }
            int[] lastPercent = {-1};
            String[] lastStage = {null};
            long attemptNo = attempt;
            job.addListener(j -> {
                int percent = (int) Math.round(j.progress() * 100);
                if (!j.status().terminal() && (percent != lastPercent[0] || !Objects.equals(j.stage(), lastStage[0]))) {
                    lastPercent[0] = percent;
                    lastStage[0] = j.stage();
                    // Progress is advisory: a Redis that is down or still loading its data must not fail
                    // the job (its final state is written by finish, or the job is taken over).
                    try {
                        store.redis().execute("EVAL", PROGRESS, "1", jobKey, Long.toString(attemptNo),
                                Double.toString(j.progress()), j.stage() == null ? "" : j.stage());
                        store.publish(id, JobStatus.RUNNING);
                    } catch (RuntimeException e) {
                        LOG.debugf("Progress of job %s not written: %s", id, e.getMessage());
                    }
                }
            });
            runner.run(job, task, options, dir.resolve(JobService.INPUT_FILE), node.name(), (int) attempt);
            if (run.requeue()[0]) {
                requeue(run, id);
                return;
            }
            finish(run, job.status(), job.progress(), job.result(), job.error(), job.files(), job.notes());
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "Job %s could not be run here", id);
            if (run != null) {
                finish(run, JobStatus.FAILED, 0, null, Problem.of(500, "internal", "Internal error",
                        "The worker could not run the job: " + e.getClass().getSimpleName(), "/api/v1/jobs/" + id), List.of(), List.of());
            }
        } finally {
            heartbeat.cancel(false);
            running.remove(id);
            JobService.deleteTree(dir);
        }
    }

    /** Uploads the produced files and ends the job, if this attempt still owns it; acknowledges the entry if the job is over. */
    private void finish(Running run, JobStatus status, double progress, Object result, Problem error, List<String> files,
                        List<String> notes) {
        String id = run.job().id();
        String jobKey = keys.job(id);
        Map<String, String> now = store.hashes().hmget(jobKey, "status", "attempts");
        boolean ours = "running".equals(now.get("status")) && Integer.toString(run.attempt()).equals(now.get("attempts"));
        Duration ttl = config.ttl();
        if (ours && status == JobStatus.SUCCEEDED) {
            for (String name : files) {
                try {
                    store.blobs().set(keys.file(id, name), Files.readAllBytes(run.job().dir().resolve(name)), new SetArgs().ex(ttl));
                } catch (IOException e) {
                    status = JobStatus.FAILED;
                    error = Problem.of(500, "internal", "Internal error", "A produced file could not be stored", "/api/v1/jobs/" + id);
                    break;
                }
            }
        }
        Response r = store.redis().execute("EVAL", FINISH, "1", jobKey, Integer.toString(run.attempt()), status.json(),
                RedisJobStore.millis(runner.now()), Double.toString(progress), result == null ? "" : store.write(result),
                error == null ? "" : store.write(error), store.write(files), Long.toString(ttl.toSeconds()), store.write(notes));
        long outcome = r == null ? 0 : r.toLong();
        if (outcome == 1) {
            store.redis().key().expire(keys.file(id, JobService.INPUT_FILE), ttl);
            store.publish(id, status);
        }
        if (outcome >= 0) {
            ack(run.entry()); // finished here, or cancelled meanwhile: the entry is done with
        }
        // -1: another worker took the job over and owns the entry now
    }

    private void requeue(Running run, String id) {
        Response r = store.redis().execute("EVAL", REQUEUE, "2", keys.job(id), keys.queue(), Integer.toString(run.attempt()),
                id, RedisKeys.GROUP, run.entry());
        if (r != null && r.toLong() == 1) {
            LOG.infof("Job %s went back to the queue at shutdown", id);
            store.publish(id, JobStatus.QUEUED);
        }
    }

    /** Resets the entry's idle time, so the job is not taken over while it runs. */
    private void renewClaim(String entry) {
        try {
            store.redis().execute("XCLAIM", keys.queue(), RedisKeys.GROUP, node.name(), "0", entry, "JUSTID");
        } catch (RuntimeException e) {
            LOG.debugf("Could not renew the claim on %s: %s", entry, e.getMessage());
        }
    }

    private void ack(String entry) {
        store.redis().execute("XACK", keys.queue(), RedisKeys.GROUP, entry);
        store.redis().execute("XDEL", keys.queue(), entry);
    }


    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
