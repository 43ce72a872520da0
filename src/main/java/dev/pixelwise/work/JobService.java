package dev.pixelwise.work;

import dev.pixelwise.imaging.ImageDecoder;
import dev.pixelwise.imaging.ImageHeader;
import dev.pixelwise.problem.AppException;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The one entry point for jobs. Intake does every check that needs no decoding (task, options,
 * format, dimensions) so bad requests are refused at once; the job then goes to the
 * {@link JobStore} of this deployment: this node's memory, or Redis shared by several nodes.
 */
@ApplicationScoped
public class JobService {

    static final String INPUT_FILE = "input";
    private static final Logger LOG = Logger.getLogger(JobService.class);

    private final JobsConfig config;
    private final ImageDecoder decoder;
    private final TaskCatalog tasks;
    private final JobStore store;
    private final Node node;
    private final Instance<WorkerPool> pool;
    /** Clients the full queue turned away, in the order they were refused. */
    private final AdmissionLine line = new AdmissionLine(System::nanoTime);

    public JobService(JobsConfig config, ImageDecoder decoder, TaskCatalog tasks, Node node,
                      Instance<WorkerPool> pool, JobRunner runner, Instance<RedisJobStore> redis) {
        this.config = config;
        this.decoder = decoder;
        this.tasks = tasks;
        this.node = node;
        this.pool = pool;
        this.store = node.queue() == Node.Queue.REDIS ? redis.get()
                : new LocalJobStore(config, pool.get(), runner, node.name(), jobsRoot());
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
        return tasks.all();
    }

    public Task<?> task(String name) {
        return tasks.find(name).orElseThrow(() -> new AppException.NotFound(
                "There is no task '" + name + "'; tasks: " + String.join(", ", tasks.names())));
    }

    /**
     * Validates and queues a job for an uploaded file, which is moved into the job's keeping.
     *
     * @throws AppException 404 unknown task, 400 bad option, 415/422 bad image, 429 queue full (a client
     *                      in a request gets a place in line: {@link AdmissionLine})
     */
    public Job submit(String taskName, Path upload, Map<String, String> fields) {
        Task<?> task = task(taskName);
        Object parsed = parse(task, fields);
        check(task, parsed, decoder.probe(upload));
        var request = CurrentRequest.routing();
        if (!config.admissionLine()) {
            return store.submit(task, parsed, fields, upload);
        }
        if (request == null) {
            // work submitted from inside (a batch's next image) waits behind every client in line, without a ticket
            if (line.dueNow() >= store.room()) {
                throw new AppException.QueueFull(Math.max(1, (long) Math.ceil(store.secondsPerSlot())));
            }
            return store.submit(task, parsed, fields, upload);
        }
        String ticket = request.request().getHeader(AppException.QueueFull.TICKET_HEADER);
        line.enter(ticket, store.room(), store.secondsPerSlot());
        try {
            Job job = store.submit(task, parsed, fields, upload);
            line.admitted(ticket);
            return job;
        } catch (AppException.QueueFull full) {
            throw line.refused(ticket, store.secondsPerSlot());
        }
    }

    /**
     * Checks a task's options as {@link #submit} would, before any upload is looked at: a batch
     * refuses bad options once, not once per image.
     *
     * @throws AppException 404 unknown task, 400 bad option
     */
    public void checkOptions(String taskName, Map<String, String> fields) {
        parse(task(taskName), fields);
    }

    /**
     * Queues the upload of an existing job again with other options, so a user can try another
     * setting without sending the image again.
     *
     * @throws AppException 404 when the job or its upload has expired, as {@link #submit} otherwise
     */
    public Job rerun(String id, Map<String, String> fields) {
        Job previous = get(id);
        Path upload = store.file(previous, INPUT_FILE);
        if (upload == null || !Files.isRegularFile(upload)) {
            throw new AppException.NotFound("The upload of job " + id + " is gone (it may have expired)");
        }
        Path copy;
        try {
            Path dir = Files.createDirectories(config.dataDir().resolve("uploads"));
            copy = Files.createTempFile(dir, "rerun-", ".upload");
            Files.copy(upload, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy the upload of job " + id, e);
        }
        try {
            return submit(previous.task(), copy, fields);
        } finally {
            try {
                Files.deleteIfExists(copy); // already moved into the new job's keeping unless submit refused
            } catch (IOException ignored) {
                // the sweeper of the uploads folder gets it
            }
        }
    }

    public Job get(String id) {
        return find(id).orElseThrow(() -> new AppException.NotFound("There is no job '" + id + "' (it may have expired)"));
    }

    public Optional<Job> find(String id) {
        return JobId.isWellFormed(id) ? store.find(id) : Optional.empty();
    }

    /** Cancels a queued or running job; a finished job is left as it is. */
    public Job cancel(String id) {
        return store.cancel(get(id));
    }

    /** A produced file of the job; only names the job registered are ever resolved. */
    public Path file(String id, String name) {
        Job job = get(id);
        if (!job.files().contains(name)) {
            throw new AppException.NotFound("Job " + id + " has no file '" + name + "'");
        }
        Path path = store.file(job, name);
        if (path == null || !Files.isRegularFile(path)) {
            throw new AppException.NotFound("Job " + id + " has no file '" + name + "'");
        }
        return path;
    }

    /** The produced file that stands for a finished job's result, when its task names one (see {@link Task#mainFile}). */
    public Optional<String> mainFile(Job job) {
        return task(job.task()).mainFile(job.result()).filter(job.files()::contains);
    }

    /** Calls the listener with the job after every change until the returned handle is closed. */
    public AutoCloseable watch(Job job, Consumer<Job> listener) {
        return store.watch(job, listener);
    }

    /** Completes with the job, as it ended, once it is finished. */
    public CompletionStage<Job> done(Job job) {
        return store.done(job);
    }

    /** Jobs waiting for a worker (on every node when the queue is shared). */
    public long queued() {
        return store.queued();
    }

    /** This node's role, devices and load, for the about page. */
    public NodeReport about() {
        WorkerPool p = node.runsWorkers() ? pool.get() : null;
        return NodeReport.of(node, p, queued(), tasks(), config.workers().orElse(Runtime.getRuntime().availableProcessors()));
    }

    /** Deletes finished jobs older than the TTL, with their files. Returns how many went. */
    public int expire() {
        return store.expire();
    }

    static Object parse(Task<?> task, Map<String, String> fields) {
        JobOptions options = new JobOptions(fields);
        Object parsed = task.parseOptions(options);
        options.rejectUnread();
        return parsed;
    }

    @SuppressWarnings("unchecked")
    private static <O> void check(Task<O> task, Object options, ImageHeader header) {
        task.checkAgainst((O) options, header);
    }

    Path jobsRoot() {
        return config.dataDir().resolve("jobs");
    }

    /**
     * Deletes a job's (or a batch's) folder. Failures name the folder and the file within it, never
     * the full path (I/O messages carry it), so upload locations stay out of the log.
     */
    public static void deleteTree(Path root) {
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
