package dev.pixelwise.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.imaging.AtomicFiles;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.problem.Problem;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Jobs shared by several nodes through Redis: a hash per job (state, result JSON), the upload and
 * produced files as values, a stream with a consumer group as the queue, and pub/sub for events
 * and cancellation. Everything expires with the job's TTL. API nodes hold no job state, so any
 * of them can answer for any job; {@link RedisWorker} is the worker side.
 */
@ApplicationScoped
public class RedisJobStore implements JobStore {

    private static final Logger LOG = Logger.getLogger(RedisJobStore.class);

    /**
     * Queue only while fewer than capacity entries wait (entries are deleted once acknowledged, or
     * cancelled); the job remembers its entry so a cancel can take it out of the queue.
     */
    private static final String SUBMIT = """
            -- the group went with everything else if Redis lost its data
            if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM') end
            local len = redis.call('XLEN', KEYS[1])
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1])[1]
            if len - pending >= tonumber(ARGV[2]) then return false end
            local entry = redis.call('XADD', KEYS[1], '*', 'job', ARGV[3])
            redis.call('HSET', KEYS[2], 'entry', entry)
            return entry
            """;

    private static final String CANCEL = """
            local s = redis.call('HGET', KEYS[1], 'status')
            if s ~= 'queued' and s ~= 'running' then return 0 end
            redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished', ARGV[1], 'stage', '')
            redis.call('EXPIRE', KEYS[1], ARGV[2])
            if s == 'queued' then
              -- frees its queue slot now; a worker that already read the entry sees 'cancelled' and skips it
              local entry = redis.call('HGET', KEYS[1], 'entry')
              if entry then redis.call('XDEL', KEYS[2], entry) end
            end
            return 1
            """;

    final RedisKeys keys;
    final RedisConfig redisConfig;
    final JobsConfig config;
    final RedisDataSource redis;
    final HashCommands<String, String, String> hashes;
    final ValueCommands<String, byte[]> blobs;
    final PubSubCommands<String> pubsub;
    private final ObjectMapper json;
    private final TaskCatalog tasks;
    private final Node node;
    private final DrainRate drain = new DrainRate(Duration.ofMinutes(1));
    private final Map<String, Set<Consumer<Job>>> watchers = new ConcurrentHashMap<>();
    private final ExecutorService notifier = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "redis-job-events");
        t.setDaemon(true);
        return t;
    });
    private RedisSubscription subscription;

    public RedisJobStore(RedisConfig redisConfig, JobsConfig config, RedisDataSource redis, ObjectMapper mapper,
                         TaskCatalog tasks, Node node) {
        this.keys = new RedisKeys(redisConfig.prefix());
        this.redisConfig = redisConfig;
        this.config = config;
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.blobs = redis.value(byte[].class);
        this.pubsub = redis.pubsub(String.class);
        this.json = mapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.tasks = tasks;
        this.node = node;
    }

    void onStart(@Observes StartupEvent event) {
        if (node.queue() != Node.Queue.REDIS) {
            return;
        }
        ensureGroup();
        if (node.servesApi()) {
            subscription = RedisSubscription.open(redis, keys.events(), this::onEvent, this::catchUp);
        }
        LOG.infof("Jobs queue in Redis (%s), node %s, role %s", keys.prefix(), node.name(), node.role());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (subscription != null) {
            subscription.close();
        }
        notifier.shutdownNow();
    }

    // ---- API side ----

    @Override
    public Job submit(Task<?> task, Object options, Map<String, String> fields, Path upload) {
        return guarded(() -> submitNow(task, options, fields, upload));
    }

    private Job submitNow(Task<?> task, Object options, Map<String, String> fields, Path upload) {
        String id = JobId.next();
        byte[] input;
        try {
            input = Files.readAllBytes(upload);
            Files.deleteIfExists(upload);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the upload", e);
        }
        Instant now = Instant.now();
        Duration keep = unfinishedLifetime();
        String jobKey = keys.job(id);
        hashes.hset(jobKey, Map.of("task", task.name(), "status", JobStatus.QUEUED.json(), "created", millis(now),
                "progress", "0", "fields", write(fields), "attempts", "0", "completions", "0"));
        redis.key().expire(jobKey, keep);
        blobs.set(keys.file(id, JobService.INPUT_FILE), input, new SetArgs().ex(keep));
        Response added = redis.execute("EVAL", SUBMIT, "2", keys.queue(), jobKey, RedisKeys.GROUP,
                Integer.toString(config.queueCapacity()), id);
        if (added == null) {
            redis.key().del(jobKey, keys.file(id, JobService.INPUT_FILE));
            long wait = retryAfterSeconds();
            drain.recordRefusal();
            throw new AppException.QueueFull(wait);
        }
        publish(id, JobStatus.QUEUED);
        return Job.restore(id, task.name(), now, JobStatus.QUEUED, 0, null, null, null, null, null, List.of(), List.of(), null, 0);
    }

    @Override
    public Optional<Job> find(String id) {
        return guarded(() -> findNow(id));
    }

    private Optional<Job> findNow(String id) {
        Map<String, String> h = hashes.hgetall(keys.job(id));
        if (h == null || h.isEmpty() || !h.containsKey("task")) {
            return Optional.empty();
        }
        Task<?> task = tasks.find(h.get("task")).orElse(null);
        JobStatus status = JobStatus.valueOf(h.get("status").toUpperCase(Locale.ROOT));
        Object result = task == null ? null : read(h.get("result"), task.resultType());
        Problem error = read(h.get("error"), Problem.class);
        List<String> files = h.containsKey("files") ? read(h.get("files"), new TypeReference<List<String>>() { }) : List.of();
        List<String> notes = h.containsKey("notes") ? read(h.get("notes"), new TypeReference<List<String>>() { }) : List.of();
        String stage = h.get("stage");
        return Optional.of(Job.restore(id, h.get("task"), instant(h.get("created")), status,
                Double.parseDouble(h.getOrDefault("progress", "0")), stage == null || stage.isEmpty() ? null : stage,
                instant(h.get("started")), instant(h.get("finished")), result, error, files, notes, h.get("worker"),
                Integer.parseInt(h.getOrDefault("attempts", "0"))));
    }

    @Override
    public Job cancel(Job job) {
        return guarded(() -> cancelNow(job));
    }

    private Job cancelNow(Job job) {
        Response r = redis.execute("EVAL", CANCEL, "2", keys.job(job.id()), keys.queue(), millis(Instant.now()),
                Long.toString(config.ttl().toSeconds()));
        if (r != null && r.toLong() == 1) {
            pubsub.publish(keys.cancels(), job.id());
            publish(job.id(), JobStatus.CANCELLED);
        }
        return findNow(job.id()).orElse(job);
    }

    /** Produced files are copied once into this node's cache folder and served from there. */
    @Override
    public Path file(Job job, String name) {
        return guarded(() -> fileNow(job, name));
    }

    private Path fileNow(Job job, String name) {
        Path cached = cacheRoot().resolve(job.id()).resolve(name);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        byte[] bytes = blobs.get(keys.file(job.id(), name));
        if (bytes == null) {
            return null;
        }
        try {
            AtomicFiles.replace(cached, tmp -> Files.write(tmp, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not cache " + name + " of job " + job.id(), e);
        }
        return cached;
    }

    @Override
    public AutoCloseable watch(Job job, Consumer<Job> listener) {
        watchers.computeIfAbsent(job.id(), k -> ConcurrentHashMap.newKeySet()).add(listener);
        // a change between the caller's read and this registration would otherwise be missed
        notifier.execute(() -> notify(job.id(), Set.of(listener)));
        return () -> watchers.computeIfPresent(job.id(), (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public CompletionStage<Job> done(Job job) {
        if (job.status().terminal()) {
            return CompletableFuture.completedFuture(job);
        }
        CompletableFuture<Job> done = new CompletableFuture<>();
        AutoCloseable handle = watch(job, j -> {
            if (j.status().terminal()) {
                done.complete(j);
            }
        });
        // completed, or cancelled by a caller that stopped waiting: the watcher goes either way
        done.whenComplete((j, e) -> closeQuietly(handle));
        return done;
    }

    /** Redis expires the jobs themselves; this node only drops its cached copies of their files. */
    @Override
    public int expire() {
        Path root = cacheRoot();
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(config.ttl());
        int removed = 0;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
                    JobService.deleteTree(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("Could not sweep %s: %s", root, e.getMessage());
        }
        return removed;
    }

    @Override
    public long queued() {
        return guarded(() -> queuedNow());
    }

    private long queuedNow() {
        long len = redis.stream(String.class).xlen(keys.queue());
        long pending;
        try {
            pending = redis.stream(String.class).xpending(keys.queue(), RedisKeys.GROUP).getPendingCount();
        } catch (RuntimeException e) {
            if (!lostGroup(e)) {
                throw e;
            }
            ensureGroup();
            return 0;
        }
        return Math.max(0, len - pending);
    }

    /** Creates the workers' consumer group unless it exists: at start, and after Redis lost its data. */
    void ensureGroup() {
        try {
            redis.execute("XGROUP", "CREATE", keys.queue(), RedisKeys.GROUP, "0", "MKSTREAM");
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** True for the error of a queue whose group is gone (Redis lost its data: a new server, no append-only file). */
    static boolean lostGroup(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("NOGROUP")) {
                return true;
            }
        }
        return false;
    }

    long retryAfterSeconds() {
        return drain.retryAfterSeconds(5);
    }

    /** The shared queue's room is not known without a round trip: let the queue itself decide. */
    @Override
    public int room() {
        return Integer.MAX_VALUE;
    }

    @Override
    public double secondsPerSlot() {
        return drain.gapSeconds(5);
    }

    private void onEvent(String message) {
        int space = message.indexOf(' ');
        String id = space < 0 ? message : message.substring(0, space);
        String status = space < 0 ? "" : message.substring(space + 1);
        if (status.equals("succeeded") || status.equals("failed") || status.equals("cancelled")) {
            drain.record();
        }
        if (!watchers.containsKey(id)) {
            return;
        }
        notifier.execute(() -> notify(id, watchers.get(id)));
    }

    /**
     * Events published while the subscription was down are lost: every watched job is read again.
     * Throws while Redis cannot answer yet (still loading), to be called again.
     */
    private void catchUp() {
        for (String id : watchers.keySet()) {
            Optional<Job> job = find(id);
            Set<Consumer<Job>> listeners = watchers.get(id);
            if (job.isPresent() && listeners != null) {
                notifier.execute(() -> listeners.forEach(l -> l.accept(job.get())));
            }
        }
    }

    private void notify(String id, Set<Consumer<Job>> listeners) {
        if (listeners == null || listeners.isEmpty()) {
            return;
        }
        try {
            find(id).ifPresent(job -> listeners.forEach(l -> l.accept(job)));
        } catch (AppException.QueueUnavailable e) {
            // Redis is down: the watchers hear of the job once it is back (see catchUp)
        }
    }

    // ---- shared with the worker side (methods, not fields: callers hold a client proxy) ----

    RedisKeys keys() {
        return keys;
    }

    RedisConfig redisConfig() {
        return redisConfig;
    }

    JobsConfig config() {
        return config;
    }

    RedisDataSource redis() {
        return redis;
    }

    HashCommands<String, String, String> hashes() {
        return hashes;
    }

    ValueCommands<String, byte[]> blobs() {
        return blobs;
    }

    void publish(String id, JobStatus status) {
        pubsub.publish(keys.events(), id + " " + status.json());
    }

    /** Queued and running jobs live long enough for every attempt; finished ones for the TTL. */
    Duration unfinishedLifetime() {
        Duration longest = config.taskTimeouts().values().stream().max(Duration::compareTo).orElse(config.timeout());
        longest = longest.compareTo(config.timeout()) > 0 ? longest : config.timeout();
        return config.ttl().plus(Duration.ofHours(1)).plus(longest.multipliedBy(redisConfig.maxAttempts() + 1L));
    }

    Task<?> task(String name) {
        return tasks.find(name).orElse(null);
    }

    Path cacheRoot() {
        return config.dataDir().resolve("cache");
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    <T> T read(String text, Class<T> type) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored " + type.getSimpleName() + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    static String millis(Instant t) {
        return Long.toString(t.toEpochMilli());
    }

    static Instant instant(String millis) {
        return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // nothing to do: the watcher is gone either way
        }
    }

    private static <T> T guarded(Supplier<T> call) {
        return RedisCalls.guarded("job queue", call);
    }
}
