package dev.pixelwise.api;

import dev.pixelwise.imaging.ImageLimits;
import dev.pixelwise.work.JobService;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.Task;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;
import org.eclipse.microprofile.openapi.models.tags.Tag;
import org.eclipse.microprofile.openapi.models.headers.Header;

/**
 * Completes the scanned API document with what annotations cannot say: one operation per task
 * ({@code POST /api/v1/quantize}, ...) with its options (from {@link Task#options()}, the same list
 * the pages and the validation use), its limits and its result schema; the upload bodies as a form
 * and as a raw image instead of RESTEasy's {@code MultipartFormDataInput}; and no schema that is not
 * referenced (the Java types that input dragged in: {@code Path}, {@code FileSystem}, ...).
 * Runs once at start-up, when the tasks are known.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class OpenApiTasks implements OASFilter {

    static final String TASK_PATH = "/api/v1/{task}";
    static final String JOBS_PATH = "/api/v1/jobs";
    static final String RERUN_PATH = "/api/v1/jobs/{id}/rerun";
    static final String EXAMPLES_PATH = "/api/v1/collections/{id}/examples";
    private static final String SCHEMAS = "#/components/schemas/";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        JobService jobs = Arc.container().instance(JobService.class).get();
        ImageLimits limits = Arc.container().instance(ImageLimits.class).get();
        Collection<Task<?>> tasks = jobs.tasks();
        if (api.getComponents() == null) {
            api.setComponents(OASFactory.createComponents());
        }
        api.getComponents().addSchema("Problem", problemSchema());
        PathItem generic = api.getPaths().getPathItem(TASK_PATH);
        api.getPaths().removePathItem(TASK_PATH);
        for (Task<?> task : tasks) {
            api.getPaths().addPathItem("/api/v1/" + task.name(),
                    OASFactory.createPathItem().POST(taskOperation(task, generic == null ? null : generic.getPOST(), limits, api)));
        }
        PathItem queue = api.getPaths().getPathItem(JOBS_PATH);
        if (queue != null && queue.getPOST() != null) {
            queue.getPOST().requestBody(jobsBody(tasks, limits)).addParameter(query("task", "The task (with a raw image body)",
                    OASFactory.createSchema().addType(SchemaType.STRING).enumeration(new ArrayList<>(names(tasks)))));
            problems(queue.getPOST().getResponses(), List.of("400", "404", "413", "415", "422", "429"));
        }
        PathItem rerun = api.getPaths().getPathItem(RERUN_PATH);
        if (rerun != null && rerun.getPOST() != null) {
            rerun.getPOST().requestBody(OASFactory.createRequestBody().required(false).content(OASFactory.createContent()
                    .addMediaType("multipart/form-data", media(OASFactory.createSchema().addType(SchemaType.OBJECT)
                            .description("The task's options, as for the task's own operation")
                            .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING))))
                    .addMediaType("application/x-www-form-urlencoded", media(OASFactory.createSchema().addType(SchemaType.OBJECT)
                            .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING))))));
        }
        PathItem examples = api.getPaths().getPathItem(EXAMPLES_PATH);
        if (examples != null && examples.getPOST() != null) {
            Schema images = OASFactory.createSchema().addType(SchemaType.ARRAY).items(imageSchema(limits))
                    .description("One or more images, or zips of images, each part named 'image'");
            examples.getPOST().requestBody(OASFactory.createRequestBody().required(true).content(OASFactory.createContent()
                    .addMediaType("multipart/form-data", media(OASFactory.createSchema().addType(SchemaType.OBJECT)
                            .required(List.of("label", UploadForm.IMAGE))
                            .addProperty("label", OASFactory.createSchema().addType(SchemaType.STRING)
                                    .description("The label these examples teach").examples(List.of("birds")))
                            .addProperty(UploadForm.IMAGE, images)))));
        }
        PathItem batches = api.getPaths().getPathItem(UploadReader.BATCH_PATH);
        if (batches != null && batches.getPOST() != null) {
            Schema images = OASFactory.createSchema().addType(SchemaType.ARRAY).items(imageSchema(limits))
                    .description("The images, each part named 'image': images, or zips of images (each entry one image)");
            batches.getPOST().requestBody(OASFactory.createRequestBody().required(true).content(OASFactory.createContent()
                    .addMediaType("multipart/form-data", media(OASFactory.createSchema().addType(SchemaType.OBJECT)
                            .description("The task, its options as further fields (one setting for every image), and the images")
                            .required(List.of(UploadForm.TASK, UploadForm.IMAGE))
                            .addProperty(UploadForm.TASK, OASFactory.createSchema().addType(SchemaType.STRING)
                                    .enumeration(new ArrayList<>(names(tasks))).examples(List.of("quantize")))
                            .addProperty(UploadForm.IMAGE, images)
                            .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING))))));
            problems(batches.getPOST().getResponses(), List.of("400", "404", "413", "415"));
        }
        documentAccess(api);
        removeUnreferenced(api);
    }

    /**
     * What every API operation shares: optional API keys (required once the server is given some:
     * 401 without one, 429 past the key's rate), 404 for an unknown job, the server and the tags.
     */
    private static void documentAccess(OpenAPI api) {
        if (api.getServers() == null || api.getServers().isEmpty()) {
            api.addServer(OASFactory.createServer().url("/").description("This server"));
        }
        api.getComponents()
                .addSecurityScheme("apiKey", OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER)
                        .name(ApiKeyFilter.X_API_KEY)
                        .description("Needed only when the server is configured with keys (pixelwise.auth.api-keys)"))
                .addSecurityScheme("bearer", OASFactory.createSecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("The same key as 'Authorization: Bearer <key>'"));
        // Either key header, or none at all on a server without keys.
        api.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme("apiKey"),
                OASFactory.createSecurityRequirement().addScheme("bearer"),
                OASFactory.createSecurityRequirement()));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("tasks", "One operation per task: upload an image, wait for the result");
        tags.put("jobs", "Queued jobs: submit, follow, cancel, fetch files, re-run");
        tags.put("batches", "Many images, one task and one setting: follow them together, download one zip");
        tags.put("collections", "Your own labels taught from a few examples, for classify's collection option");
        List<Tag> all = new ArrayList<>(
                api.getTags() == null ? List.of() : api.getTags());
        tags.forEach((name, description) -> all.stream().filter(t -> name.equals(t.getName())).findFirst()
                .ifPresentOrElse(t -> t.setDescription(description),
                        () -> all.add(OASFactory.createTag().name(name).description(description))));
        api.setTags(all);
        api.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            item.getOperations().values().forEach(op -> {
                if (op.getResponses() == null) {
                    op.setResponses(OASFactory.createAPIResponses());
                }
                problems(op.getResponses(), path.contains("{id}") ? List.of("401", "404", "429") : List.of("401", "429"));
            });
        });
    }

    private static List<String> names(Collection<Task<?>> tasks) {
        return tasks.stream().map(Task::name).toList();
    }

    private static Operation taskOperation(Task<?> task, Operation generic, ImageLimits limits, OpenAPI api) {
        String name = task.name();
        Operation op = OASFactory.createOperation()
                .operationId("run" + Character.toUpperCase(name.charAt(0)) + name.substring(1))
                .summary(task.title())
                .description(task.description() + "\n\nSend the image as multipart field `image` with the options as "
                        + "fields, or as the raw request body (`Content-Type: image/*` or `application/octet-stream`) "
                        + "with the options as query parameters. Waits up to `timeout` seconds for the job. With "
                        + "`Accept: image/*` a finished job is answered with the task's main file itself; the job is "
                        + "then in the `Pixelwise-Job-Id`, `Location` and `Link` headers.\n\n"
                        + "    curl --data-binary @in.png -H 'Content-Type: image/png' -H 'Accept: image/png' "
                        + "'http://localhost:8080/api/v1/" + name + "' -o out.png\n\n" + limitsText(limits))
                .addTag("tasks");
        if (generic != null && generic.getSecurity() != null) {
            op.setSecurity(generic.getSecurity());
        }
        for (OptionSpec option : task.options()) {
            op.addParameter(query(option.name(), "With a raw image body: " + optionText(option), optionSchema(option)));
        }
        op.addParameter(query(UploadForm.TIMEOUT, "With a raw image body: " + TIMEOUT_TEXT, timeoutSchema()));

        Schema form = OASFactory.createSchema().addType(SchemaType.OBJECT).addRequired(UploadForm.IMAGE)
                .addProperty(UploadForm.IMAGE, imageSchema(limits));
        task.options().forEach(o -> form.addProperty(o.name(), optionSchema(o).description(optionText(o))));
        form.addProperty(UploadForm.TIMEOUT, timeoutSchema().description(TIMEOUT_TEXT));
        op.requestBody(OASFactory.createRequestBody().required(true).content(OASFactory.createContent()
                .addMediaType("multipart/form-data", media(form))
                .addMediaType("image/*", media(imageSchema(limits)))
                .addMediaType("application/octet-stream", media(imageSchema(limits)))));

        Schema finished = OASFactory.createSchema().allOf(List.of(ref("JobView"), OASFactory.createSchema()
                .addProperty("result", resultSchema(task, api))));
        APIResponses responses = OASFactory.createAPIResponses()
                .addAPIResponse("200", OASFactory.createAPIResponse()
                        .description("The finished job (JSON), or with Accept: image/* the task's main file")
                        .content(OASFactory.createContent()
                                .addMediaType("application/json", media(finished))
                                .addMediaType("image/png", media(OASFactory.createSchema().addType(SchemaType.STRING)
                                        .contentMediaType("image/png"))))
                        .addHeader("Pixelwise-Job-Id", header("The job's id (image answers)"))
                        .addHeader("Location", header("The job's URL")))
                .addAPIResponse("202", OASFactory.createAPIResponse()
                        .description("Still running when the wait ended: poll Location")
                        .content(OASFactory.createContent().addMediaType("application/json", media(ref("JobView"))))
                        .addHeader("Location", header("The job's URL")));
        problems(responses, List.of("400", "404", "406", "408", "413", "415", "422", "429", "503"));
        return op.responses(responses);
    }

    private static final String TIMEOUT_TEXT = "Seconds to wait for the job (0.." + JobResource.MAX_SYNC_TIMEOUT_S
            + ", default " + JobResource.DEFAULT_SYNC_TIMEOUT_S + "); a job still running then is answered 202.";

    private static Schema timeoutSchema() {
        return OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(BigDecimal.ZERO)
                .maximum(BigDecimal.valueOf(JobResource.MAX_SYNC_TIMEOUT_S))
                .defaultValue(JobResource.DEFAULT_SYNC_TIMEOUT_S);
    }

    private static String limitsText(ImageLimits limits) {
        return "Limits: at most " + limits.maxUploadSize().asLongValue() + " bytes and " + limits.maxPixels()
                + " pixels per image; the body must arrive within " + limits.uploadTimeout().toSeconds() + " s.";
    }

    private static RequestBody jobsBody(Collection<Task<?>> tasks, ImageLimits limits) {
        Schema form = OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("The task, the image and the task's options as further fields (see the task's own operation)")
                .required(List.of(UploadForm.TASK, UploadForm.IMAGE))
                .addProperty(UploadForm.TASK, OASFactory.createSchema().addType(SchemaType.STRING)
                        .enumeration(new ArrayList<>(names(tasks))).examples(List.of("quantize")))
                .addProperty(UploadForm.IMAGE, imageSchema(limits))
                .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING));
        return OASFactory.createRequestBody().required(true).content(OASFactory.createContent()
                .addMediaType("multipart/form-data", media(form))
                .addMediaType("image/*", media(imageSchema(limits)))
                .addMediaType("application/octet-stream", media(imageSchema(limits))));
    }

    private static Schema imageSchema(ImageLimits limits) {
        return OASFactory.createSchema().addType(SchemaType.STRING).contentMediaType("application/octet-stream")
                .description("The image (PNG, JPEG, GIF, BMP, WebP, TIFF...), at most " + limits.maxUploadSize().asLongValue()
                        + " bytes and " + limits.maxPixels() + " pixels");
    }

    static Schema optionSchema(OptionSpec o) {
        Schema s = OASFactory.createSchema();
        switch (o.kind()) {
            case INTEGER -> s.addType(SchemaType.INTEGER);
            case DECIMAL -> s.addType(SchemaType.NUMBER);
            case BOOLEAN -> s.addType(SchemaType.BOOLEAN);
            case CHOICE -> s.addType(SchemaType.STRING).enumeration(new ArrayList<>(o.choices()));
            case TEXT -> s.addType(SchemaType.STRING);
        }
        if (o.min() != null) {
            s.minimum(BigDecimal.valueOf(o.min()).stripTrailingZeros());
        }
        if (o.max() != null) {
            s.maximum(BigDecimal.valueOf(o.max()).stripTrailingZeros());
        }
        Object typed = typed(o, o.defaultValue());
        if (typed != null) {
            s.defaultValue(typed);
            s.examples(List.of(typed));
        }
        return s;
    }

    /** The default as the JSON type the schema declares, so a linter (and a client generator) accepts it. */
    private static Object typed(OptionSpec o, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return switch (o.kind()) {
                case INTEGER -> Long.parseLong(value.trim());
                case DECIMAL -> new BigDecimal(value.trim()).stripTrailingZeros();
                case BOOLEAN -> Boolean.parseBoolean(value.trim());
                case CHOICE, TEXT -> value;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String optionText(OptionSpec o) {
        String help = o.help() == null || o.help().isBlank() ? "" : ": " + o.help();
        return o.label() + help;
    }

    /** The result type's schema when the scan produced one (every task of the app's own); any object otherwise. */
    private static Schema resultSchema(Task<?> task, OpenAPI api) {
        org.eclipse.microprofile.openapi.annotations.media.Schema named =
                task.resultType().getAnnotation(org.eclipse.microprofile.openapi.annotations.media.Schema.class);
        String name = named != null && !named.name().isEmpty() ? named.name() : task.resultType().getSimpleName();
        Map<String, Schema> known = api.getComponents().getSchemas();
        if (known != null && known.containsKey(name)) {
            return ref(name).description("The result of " + task.name());
        }
        return OASFactory.createSchema().addType(SchemaType.OBJECT).description("The result of " + task.name());
    }

    private static Parameter query(String name, String description, Schema schema) {
        return OASFactory.createParameter().name(name).in(Parameter.In.QUERY).required(false)
                .description(description).schema(schema);
    }

    private static Header header(String description) {
        return OASFactory.createHeader().description(description)
                .schema(OASFactory.createSchema().addType(SchemaType.STRING));
    }

    private static void problems(APIResponses responses, List<String> statuses) {
        if (responses == null) {
            return;
        }
        Map<String, String> why = new LinkedHashMap<>();
        why.put("400", "A bad option or form (the problem's 'field' names it)");
        why.put("401", "API keys are on and the request has no valid one");
        why.put("404", "No such task or job (jobs expire)");
        why.put("406", "Accept asks for an image the task does not produce");
        why.put("408", "The body did not arrive in time");
        why.put("413", "The upload or the form is over a limit");
        why.put("415", "Not an image format this server reads");
        why.put("422", "An image that cannot be processed");
        why.put("429", "The queue is full or the key's rate is used up");
        why.put("503", "A model or the queue is unavailable");
        for (String status : statuses) {
            if (responses.getAPIResponse(status) == null) {
                responses.addAPIResponse(status, OASFactory.createAPIResponse().description(why.get(status))
                        .content(OASFactory.createContent().addMediaType("application/problem+json", media(ref("Problem")))));
            }
        }
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(SchemaType.STRING);
        return OASFactory.createSchema().addType(SchemaType.OBJECT).description("RFC 9457 problem details")
                .addProperty("type", OASFactory.createSchema().addType(SchemaType.STRING).format("uri"))
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("instance", string)
                .addProperty("field", OASFactory.createSchema().addType(SchemaType.STRING)
                        .description("The form field or option at fault (400)"))
                .addProperty("retryAfter", OASFactory.createSchema().addType(SchemaType.INTEGER))
                .examples(List.of(Map.of("type", "https://pixelwise.dev/problems/bad-option", "title", "Invalid option",
                        "status", 400, "detail", "k: must be between 2 and 256", "instance", "/api/v1/quantize", "field", "k")));
    }

    private static MediaType media(Schema schema) {
        return OASFactory.createMediaType().schema(schema);
    }

    private static Schema ref(String name) {
        return OASFactory.createSchema().ref(SCHEMAS + name);
    }

    /** Drops every component schema no operation reaches (directly or through other schemas). */
    static void removeUnreferenced(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents() == null ? null : api.getComponents().getSchemas();
        if (schemas == null || api.getPaths() == null) {
            return;
        }
        Deque<Schema> todo = new ArrayDeque<>();
        for (PathItem item : api.getPaths().getPathItems().values()) {
            for (Operation op : item.getOperations().values()) {
                if (op.getParameters() != null) {
                    op.getParameters().forEach(p -> add(todo, p.getSchema()));
                }
                if (op.getRequestBody() != null) {
                    addContent(todo, op.getRequestBody().getContent());
                }
                if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
                    for (APIResponse r : op.getResponses().getAPIResponses().values()) {
                        addContent(todo, r.getContent());
                        if (r.getHeaders() != null) {
                            r.getHeaders().values().forEach(h -> add(todo, h.getSchema()));
                        }
                    }
                }
            }
        }
        Set<String> reached = new HashSet<>();
        while (!todo.isEmpty()) {
            Schema s = todo.pop();
            if (s.getRef() != null && s.getRef().startsWith(SCHEMAS)) {
                String name = s.getRef().substring(SCHEMAS.length());
                if (reached.add(name)) {
                    add(todo, schemas.get(name));
                }
            }
            if (s.getProperties() != null) {
                s.getProperties().values().forEach(p -> add(todo, p));
            }
            add(todo, s.getItems());
            add(todo, s.getAdditionalPropertiesSchema());
            add(todo, s.getNot());
            for (List<Schema> list : Arrays.asList(s.getAllOf(), s.getOneOf(), s.getAnyOf(), s.getPrefixItems())) {
                if (list != null) {
                    list.forEach(x -> add(todo, x));
                }
            }
        }
        for (String name : List.copyOf(schemas.keySet())) {
            if (!reached.contains(name)) {
                api.getComponents().removeSchema(name);
            }
        }
    }

    private static void addContent(Deque<Schema> todo, Content content) {
        if (content != null && content.getMediaTypes() != null) {
            content.getMediaTypes().values().forEach(m -> add(todo, m.getSchema()));
        }
    }

    private static void add(Deque<Schema> todo, Schema schema) {
        if (schema != null) {
            todo.push(schema);
        }
    }
}
