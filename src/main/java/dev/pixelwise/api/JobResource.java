package dev.pixelwise.api;

import dev.pixelwise.imaging.ImageLimits;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.Job;
import dev.pixelwise.work.JobService;
import dev.pixelwise.work.JobStatus;
import dev.pixelwise.zoo.ModelZoo;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import dev.pixelwise.zoo.ModelCard;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The job API: thin mapping from HTTP to {@link JobService}. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobResource {

    /** Headers of an answer that is a job's file rather than its JSON. */
    static final String JOB_ID_HEADER = "Pixelwise-Job-Id";
    static final String TASK_HEADER = "Pixelwise-Task";
    static final int DEFAULT_SYNC_TIMEOUT_S = 60;
    static final int MAX_SYNC_TIMEOUT_S = 600;

    private final JobService jobs;
    private final ImageLimits limits;
    /** The longest a synchronous request waits: the answer must leave before the idle timeout cuts the connection. */
    private final Duration longestWait;
    private final ModelZoo zoo;

    public JobResource(JobService jobs, ImageLimits limits, ModelZoo zoo,
                       @ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout) {
        this.longestWait = idleTimeout.minus(Duration.ofMillis(Math.max(1000, idleTimeout.toMillis() / 10)));
        this.jobs = jobs;
        this.limits = limits;
        this.zoo = zoo;
    }

    @POST
    @Path("/jobs")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "Queue a job", description = "Multipart: task, image (file), task options as fields. Answers 202 with the job.")
    public Response submit(MultipartFormDataInput input) {
        return queued(UploadForm.parse(input, null, limits));
    }

    @POST
    @Path("/jobs")
    @Consumes({"image/*", MediaType.APPLICATION_OCTET_STREAM})
    @Blocking
    @Operation(summary = "Queue a job, the image as the request body", description = "The body is the image; "
            + "task and the task's options are query parameters. Answers 202 with the job.")
    public Response submitRaw(@Context UriInfo uri, @Context RoutingContext routing) {
        return queued(UploadForm.raw(routing.get(UploadReader.RAW_BODY), uri.getQueryParameters(), null, limits));
    }

    private Response queued(UploadForm form) {
        Job job = jobs.submit(form.task(), form.image(), form.options());
        return Response.accepted(JobView.of(job)).type(MediaType.APPLICATION_JSON).location(location(job)).build();
    }

    @POST
    @Path("/{task}")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, "image/png", "image/jpeg", "image/webp", "image/avif"})
    @Blocking
    @Operation(summary = "Run a job and wait", description = "Like POST /jobs for one task; waits up to 'timeout' seconds "
            + "(default 60, never past the HTTP idle timeout less a tenth) and answers 200 with the finished job, the "
            + "job's problem if it failed, or 202 with its Location if still running. With Accept: image/* the "
            + "answer is the task's main file itself, the job in the headers.")
    public Uni<Response> run(@PathParam("task") String task, MultipartFormDataInput input, @Context HttpHeaders headers) {
        jobs.task(task); // 404 before reading anything else
        return run(task, UploadForm.parse(input, task, limits), headers);
    }

    @POST
    @Path("/{task}")
    @Consumes({"image/*", MediaType.APPLICATION_OCTET_STREAM})
    @Produces({MediaType.APPLICATION_JSON, "image/png", "image/jpeg", "image/webp", "image/avif"})
    @Blocking
    @Operation(summary = "Run a job and wait, the image as the request body", description = "The body is the image; "
            + "the task's options and 'timeout' are query parameters. Otherwise as the multipart form.")
    public Uni<Response> runRaw(@PathParam("task") String task, @Context UriInfo uri, @Context RoutingContext routing,
                                @Context HttpHeaders headers) {
        jobs.task(task);
        return run(task, UploadForm.raw(routing.get(UploadReader.RAW_BODY), uri.getQueryParameters(), task, limits), headers);
    }

    private Uni<Response> run(String task, UploadForm form, HttpHeaders headers) {
        boolean image = wantsImage(headers);
        int timeout = syncTimeout(form.timeout());
        Job job = jobs.submit(task, form.image(), form.options());
        // A job still running when the wait ends is answered 202 with its Location before the idle
        // timeout would cut the connection. The timeout fires on a Vert.x timer, an event-loop
        // thread, where reading the job from Redis must not block: the job is read on a worker thread.
        Duration wait = Duration.ofSeconds(timeout).compareTo(longestWait) < 0 ? Duration.ofSeconds(timeout) : longestWait;
        Uni<Job> finished = timeout == 0 ? Uni.createFrom().item(job)
                : Uni.createFrom().completionStage(jobs.done(job)).ifNoItem().after(wait)
                        .recoverWithItem(() -> null).emitOn(Infrastructure.getDefaultWorkerPool())
                        .map(j -> j != null ? j : jobs.find(job.id()).orElse(job));
        return finished.map(j -> switch (j.status()) {
            case SUCCEEDED -> image ? mainFile(j, headers)
                    : Response.ok(JobView.of(j)).type(MediaType.APPLICATION_JSON).location(location(j)).build();
            case CANCELLED -> image ? withJob(new AppException.NotAcceptable("Job " + j.id()
                    + " was cancelled and produced no file"), j)
                    : Response.ok(JobView.of(j)).type(MediaType.APPLICATION_JSON).location(location(j)).build();
            case FAILED -> ProblemMapper.problemResponse(j.error());
            default -> Response.accepted(JobView.of(j)).type(MediaType.APPLICATION_JSON).location(location(j)).build();
        });
    }

    /**
     * True when the client ranks an image first in Accept (a script's {@code Accept: image/png}); a
     * browser's navigation Accept ranks text/html first, and no Accept at all means JSON.
     */
    static boolean wantsImage(HttpHeaders headers) {
        List<MediaType> accepted = headers.getAcceptableMediaTypes();
        return !accepted.isEmpty() && "image".equalsIgnoreCase(accepted.get(0).getType())
                && !accepted.get(0).isWildcardType();
    }

    /** The task's main file with the job in headers; 406 when the task names none or the client takes another type. */
    private Response mainFile(Job job, HttpHeaders headers) {
        Optional<String> main = jobs.mainFile(job);
        if (main.isEmpty()) {
            return withJob(new AppException.NotAcceptable("Task '" + job.task() + "' produces no main image; "
                    + "ask for application/json (the job is at " + location(job) + ")"), job);
        }
        String name = main.get();
        MediaType type = MediaType.valueOf(contentType(name));
        if (headers.getAcceptableMediaTypes().stream().noneMatch(a -> a.isCompatible(type))) {
            return withJob(new AppException.NotAcceptable("The main file of task '" + job.task() + "' is " + type
                    + "; accept it or application/json (the job is at " + location(job) + ")"), job);
        }
        java.nio.file.Path path = jobs.file(job.id(), name);
        return withJob(Response.ok(path.toFile(), type)
                .header("Content-Disposition", "inline; filename=\"" + name + "\"")
                .header("Cache-Control", "private, max-age=3600"), job).build();
    }

    /** The job's id, JSON and files linked from an answer that is not the job JSON itself. */
    private static Response.ResponseBuilder withJob(Response.ResponseBuilder r, Job job) {
        r.location(location(job)).header(JOB_ID_HEADER, job.id()).header(TASK_HEADER, job.task())
                .header("Link", "<" + location(job) + ">; rel=\"describedby\"; type=\"application/json\"");
        return r;
    }

    private static Response withJob(Response problem, Job job) {
        return withJob(Response.fromResponse(problem), job).build();
    }

    private static Response withJob(AppException e, Job job) {
        return withJob(ProblemMapper.problemResponse(e.toProblem(location(job).getPath())), job);
    }

    @POST
    @Path("/jobs/{id}/rerun")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "Run a job's upload again with other options", description = "Multipart or form fields: "
            + "the task's options (no image: the job's own upload is used while it has not expired). Answers 202 "
            + "with the new job.")
    public Response rerun(@PathParam("id") String id, MultipartFormDataInput input) {
        Map<String, String> fields = new LinkedHashMap<>();
        input.getValues().forEach((name, values) -> values.forEach(v -> {
            if (v.isFileItem()) {
                throw new AppException.BadOption(name, "a re-run uses the job's own upload; send options only");
            }
            if (fields.putIfAbsent(name, v.getValue()) != null) {
                throw new AppException.BadOption(name, "given more than once");
            }
        }));
        return rerun(id, fields);
    }

    @POST
    @Path("/jobs/{id}/rerun")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking
    @Operation(hidden = true)
    public Response rerunForm(@PathParam("id") String id, MultivaluedMap<String, String> form) {
        return rerun(id, UploadForm.singleValued(form));
    }

    private Response rerun(String id, Map<String, String> fields) {
        fields.remove(UploadForm.TASK); // the task is the job's own
        Job job = jobs.rerun(id, fields);
        return Response.accepted(JobView.of(job)).location(location(job)).build();
    }

    @GET
    @Path("/jobs/{id}")
    @Operation(summary = "A job's status, progress, result and files")
    public JobView get(@PathParam("id") String id) {
        return JobView.of(jobs.get(id));
    }

    @DELETE
    @Path("/jobs/{id}")
    @Operation(summary = "Cancel a queued or running job")
    public JobView cancel(@PathParam("id") String id) {
        return JobView.of(jobs.cancel(id));
    }

    @GET
    @Path("/jobs/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking // reading the job may go to Redis
    @Operation(summary = "Server-sent events: the job JSON on every progress or status change, ending when it finishes")
    public Multi<JobView> events(@PathParam("id") String id) {
        Job job = jobs.get(id);
        return Multi.createFrom().emitter(emitter -> {
            Consumer<Job> listener = new Consumer<>() {
                private double lastProgress = -1;
                private String lastStage;
                private Object lastStatus;

                @Override
                public synchronized void accept(Job j) {
                    if (lastStatus instanceof JobStatus last && last.terminal()) {
                        return; // the stream already ended
                    }
                    // One read of the job, which the worker keeps changing: deciding on one read and sending
                    // another could end the stream on "running" (seen terminal after emitting it running).
                    JobView view = JobView.of(j);
                    boolean statusChanged = view.status() != lastStatus;
                    // Progress events are thinned to whole percents so a fast task cannot flood the stream.
                    if (statusChanged || view.progress() - lastProgress >= 0.01 || !Objects.equals(view.stage(), lastStage)) {
                        lastProgress = view.progress();
                        lastStage = view.stage();
                        lastStatus = view.status();
                        emitter.emit(view);
                    }
                    if (view.status().terminal()) {
                        emitter.complete();
                    }
                }
            };
            AutoCloseable watch = jobs.watch(job, listener);
            emitter.onTermination(() -> {
                try {
                    watch.close();
                } catch (Exception ignored) {
                    // the stream is over either way
                }
            });
            listener.accept(job);
        });
    }

    @GET
    @Path("/jobs/{id}/files/{name}")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "A file the job produced", description = "Shown in the browser (inline); with download=1 "
            + "it is offered as a download (attachment).")
    public Response file(@PathParam("id") String id, @PathParam("name") String name,
                         @QueryParam("download") String download) {
        boolean attachment = asDownload(download);
        java.nio.file.Path path = jobs.file(id, name); // only names the job registered; never the upload
        return Response.ok(path.toFile(), contentType(name))
                .header("Content-Disposition", (attachment ? "attachment" : "inline") + "; filename=\"" + name + "\"")
                .header("Cache-Control", "private, max-age=3600")
                .build();
    }

    private static boolean asDownload(String raw) {
        if (raw == null || raw.equals("0") || raw.equalsIgnoreCase("false")) {
            return false;
        }
        if (raw.equals("1") || raw.equalsIgnoreCase("true")) {
            return true;
        }
        throw new AppException.BadOption("download", "must be 1 or 0");
    }

    @GET
    @Path("/tasks")
    @Operation(summary = "The tasks this server runs, with their options")
    public Map<String, Object> tasks() {
        Map<String, Object> out = new LinkedHashMap<>();
        jobs.tasks().forEach(t -> out.put(t.name(), Map.of("title", t.title(), "description", t.description(),
                "options", t.options())));
        return out;
    }

    @GET
    @Path("/models")
    @Operation(summary = "The model zoo's cards")
    public List<ModelCard> models() {
        return zoo.cards();
    }

    static URI location(Job job) {
        return URI.create("/api/v1/jobs/" + job.id());
    }

    private static int syncTimeout(String raw) {
        if (raw == null) {
            return DEFAULT_SYNC_TIMEOUT_S;
        }
        try {
            int t = Integer.parseInt(raw.trim());
            if (t >= 0 && t <= MAX_SYNC_TIMEOUT_S) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new AppException.BadOption(UploadForm.TIMEOUT, "must be a whole number of seconds 0.." + MAX_SYNC_TIMEOUT_S);
    }

    static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (lower.endsWith(".webp")) {
            return "image/webp";
        }
        if (lower.endsWith(".avif")) {
            return "image/avif";
        }
        if (lower.endsWith(".json")) {
            return MediaType.APPLICATION_JSON;
        }
        return MediaType.APPLICATION_OCTET_STREAM;
    }
}
