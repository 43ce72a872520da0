package dev.pixelwise.web;

import dev.pixelwise.api.Csrf;
import dev.pixelwise.api.JobView;
import dev.pixelwise.api.UploadForm;
import dev.pixelwise.imaging.ImageLimits;
import dev.pixelwise.work.Job;
import dev.pixelwise.work.JobService;
import dev.pixelwise.work.Task;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.pixelwise.work.NodeReport;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.zoo.ModelCard;
import dev.pixelwise.zoo.ModelZoo;

/** The pages: home (upload form) and job (progress, then result). Thin, like the API. Forms carry a CSRF token. */
@Path("/")
@CsrfProtected
@Produces(MediaType.TEXT_HTML)
public class PageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance home(List<TaskForm> tasks, String selected, long maxUploadMb, double maxMegapixels);

        static native TemplateInstance job(JobView job, String title, String resultHtml, boolean running, TaskForm form);

        static native TemplateInstance models(List<ModelCard> models);

        static native TemplateInstance about(NodeReport node, long maxUploadMb, double maxMegapixels);

        static native TemplateInstance batches(List<TaskForm> tasks, String selected, String batchId, long maxUploadMb,
                                               double maxMegapixels);

        static native TemplateInstance collections(String collectionId, long maxUploadMb, double maxMegapixels);
    }

    /** A task as the home page shows it. */
    public record TaskForm(String name, String title, String description, List<OptionSpec> options) {
        static TaskForm of(Task<?> t) {
            return new TaskForm(t.name(), t.title(), t.description(), t.options());
        }
    }

    private final JobService jobs;
    private final ImageLimits limits;
    private final Engine engine;
    private final ModelZoo zoo;

    public PageResource(JobService jobs, ImageLimits limits, Engine engine, ModelZoo zoo) {
        this.jobs = jobs;
        this.limits = limits;
        this.engine = engine;
        this.zoo = zoo;
    }

    @GET
    @Path("/models")
    @Operation(hidden = true)
    public TemplateInstance models() {
        return Templates.models(zoo.cards());
    }

    @GET
    @Path("/about")
    @Blocking
    @Operation(hidden = true)
    public TemplateInstance about() {
        return Templates.about(jobs.about(), limits.maxUploadSize().asLongValue() >> 20, limits.maxPixels() / 1e6);
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance home(@QueryParam("task") String task) {
        List<TaskForm> forms = jobs.tasks().stream()
                .map(TaskForm::of).toList();
        String selected = task != null && forms.stream().anyMatch(f -> f.name().equals(task)) ? task
                : forms.isEmpty() ? "" : forms.get(0).name();
        return Templates.home(forms, selected, limits.maxUploadSize().asLongValue() / (1024 * 1024),
                limits.maxPixels() / 1e6);
    }

    /**
     * Many images, one task (batch.js sends them to /api/v1/batches). {@code id} names a batch to show: the
     * page is rendered alike and the script fills the table from the API, so a batch address can be shared.
     */
    @GET
    @Path("/batches")
    @Operation(hidden = true)
    public TemplateInstance batches(@QueryParam("task") String task, @QueryParam("id") String id) {
        List<TaskForm> forms = jobs.tasks().stream().map(TaskForm::of).toList();
        String selected = task != null && forms.stream().anyMatch(f -> f.name().equals(task)) ? task
                : forms.stream().map(TaskForm::name).filter("quantize"::equals).findFirst()
                        .orElse(forms.isEmpty() ? "" : forms.get(0).name());
        return Templates.batches(forms, selected, id == null || id.isBlank() ? null : id,
                limits.maxUploadSize().asLongValue() / (1024 * 1024), limits.maxPixels() / 1e6);
    }

    /**
     * The user's collections (labels taught from a few examples), or one of them with {@code id}. Rendered
     * alike either way: collections.js fills the page from /api/v1/collections, as batch.js does for batches,
     * so the API's ownership and errors are the page's too.
     */
    @GET
    @Path("/collections")
    @Operation(hidden = true)
    public TemplateInstance collections(@QueryParam("id") String id) {
        return Templates.collections(id == null || id.isBlank() ? null : id.strip(),
                limits.maxUploadSize().asLongValue() / (1024 * 1024), limits.maxPixels() / 1e6);
    }

    /** One collection's own address (the same page as /collections?id=…). */
    @GET
    @Path("/collections/{id}")
    @Operation(hidden = true)
    public TemplateInstance collection(@PathParam("id") String id) {
        return collections(id);
    }

    @POST
    @Path("/jobs")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(hidden = true)
    public Response submit(MultipartFormDataInput input) {
        UploadForm form = UploadForm.parse(input, null, limits);
        Job job = jobs.submit(form.task(), form.image(), optionsOf(jobs.task(form.task()), form.options()));
        return Response.seeOther(URI.create("/jobs/" + job.id())).build();
    }

    /**
     * The upload form posts to /jobs, so after an error page the address bar may hold it: opening
     * (or reloading) it goes to the form rather than answering 405.
     */
    @GET
    @Path("/jobs")
    @Operation(hidden = true)
    public Response jobsAddress() {
        return Response.seeOther(URI.create("/")).build();
    }

    @GET
    @Path("/jobs/{id}")
    @Operation(hidden = true)
    public TemplateInstance job(@PathParam("id") String id) {
        Job job = jobs.get(id);
        Task<?> task = jobs.task(job.task());
        String resultHtml = null;
        if (job.result() != null) {
            Template template = engine.getTemplate("results/" + job.task());
            if (template != null) {
                resultHtml = template.data("job", JobView.of(job)).data("result", job.result()).render();
            }
        }
        return Templates.job(JobView.of(job), task.title(), resultHtml, !job.status().terminal(), TaskForm.of(task));
    }

    /** "Run again with other options" without scripts: the job's own upload with the form's options. */
    @POST
    @Path("/jobs/{id}/rerun")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking
    @Operation(hidden = true)
    public Response rerun(@PathParam("id") String id, MultivaluedMap<String, String> form) {
        Task<?> task = jobs.task(jobs.get(id).task());
        Job job = jobs.rerun(id, optionsOf(task, UploadForm.singleValued(form)));
        return Response.seeOther(URI.create("/jobs/" + job.id())).build();
    }

    @POST
    @Path("/jobs/{id}/cancel")
    @Operation(hidden = true)
    public Response cancel(@PathParam("id") String id) {
        jobs.cancel(id);
        return Response.seeOther(URI.create("/jobs/" + id)).build();
    }

    /**
     * The form names each option {@code task.option} so one form can hold every task's fields;
     * keep the chosen task's and drop the rest. A browser sends every input, so an empty one means
     * "not set" and is dropped (the API refuses empty fields). An unticked checkbox sends nothing,
     * so a boolean option missing from the form is false.
     */
    static Map<String, String> optionsOf(Task<?> task, Map<String, String> fields) {
        Map<String, String> options = new LinkedHashMap<>();
        String prefix = task.name() + ".";
        fields.forEach((name, value) -> {
            if (value == null || value.isBlank() || name.equals(Csrf.FIELD)) {
                return; // the CSRF token was checked by CsrfFilter; it is no option
            }
            if (name.startsWith(prefix)) {
                options.put(name.substring(prefix.length()), value);
            } else if (!name.contains(".")) {
                options.put(name, value);
            }
        });
        task.options().stream().filter(o -> o.kind() == OptionSpec.Kind.BOOLEAN)
                .forEach(o -> options.putIfAbsent(o.name(), "false"));
        return options;
    }
}
