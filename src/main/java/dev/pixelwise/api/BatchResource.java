package dev.pixelwise.api;

import dev.pixelwise.batch.BatchService;
import dev.pixelwise.batch.BatchView;
import dev.pixelwise.problem.AppException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Batches over HTTP: thin mapping to {@link BatchService}. */
@Path("/api/v1/batches")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "batches")
public class BatchResource {

    private final BatchService batches;

    public BatchResource(BatchService batches) {
        this.batches = batches;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Blocking
    @Operation(summary = "Queue a batch", description = "Multipart: task, the task's options as fields (one setting "
            + "for every image), sharedPalette (quantize), and many 'image' parts, each an image or a zip of images. "
            + "Answers 202 with the batch; each image becomes a job, fed to the queue a few at a time. An image that "
            + "is refused or fails fails alone.")
    public Response submitBatch(MultipartFormDataInput input) {
        String task = null;
        Map<String, String> fields = new LinkedHashMap<>();
        List<BatchService.Upload> uploads = new ArrayList<>();
        for (Map.Entry<String, Collection<FormValue>> entry : input.getValues().entrySet()) {
            String name = entry.getKey();
            for (FormValue value : entry.getValue()) {
                if (value.isFileItem()) {
                    if (!UploadForm.IMAGE.equals(name)) {
                        throw new AppException.BadOption(name, "only the 'image' fields may carry files");
                    }
                    String fileName = value.getFileName();
                    if (fileName != null && fileName.length() > UploadForm.MAX_FILE_NAME_LENGTH) {
                        throw new AppException.BadOption(UploadForm.IMAGE, "a file name has " + fileName.length()
                                + " characters; at most " + UploadForm.MAX_FILE_NAME_LENGTH + " are allowed");
                    }
                    uploads.add(new BatchService.Upload(fileName, value.getFileItem().getFile()));
                } else if (UploadForm.TASK.equals(name)) {
                    task = value.getValue();
                } else if (fields.putIfAbsent(name, value.getValue()) != null) {
                    throw new AppException.BadOption(name, "given more than once");
                }
            }
        }
        if (task == null || task.isBlank()) {
            throw new AppException.BadOption(UploadForm.TASK, "is required");
        }
        BatchView batch = batches.submit(task.trim(), uploads, fields);
        return Response.accepted(batch).type(MediaType.APPLICATION_JSON)
                .location(URI.create(batch.links().get("self"))).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A batch: counts, and every image with its job, status and one-line result")
    public BatchView getBatch(@PathParam("id") String id) {
        return batches.get(id);
    }

    @DELETE
    @Path("/{id}")
    @Blocking
    @Operation(summary = "Cancel a batch: images not yet queued never run, running ones are cancelled")
    public BatchView cancelBatch(@PathParam("id") String id) {
        return batches.cancel(id);
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(summary = "Server-sent events: 'batch' with the batch at once, 'child' each time an image's job ends "
            + "(counts and that image), and 'done' with the batch when every image has ended")
    public Multi<OutboundSseEvent> batchEvents(@PathParam("id") String id, @Context Sse sse) {
        BatchView now = batches.get(id); // 404 before the stream starts
        return Multi.createFrom().emitter(emitter -> {
            emitter.emit(event(sse, "batch", BatchView.class, now));
            AutoCloseable watch = batches.watch(id, new BatchService.Listener() {
                @Override
                public void child(BatchView.ChildEvent event) {
                    emitter.emit(event(sse, "child", BatchView.ChildEvent.class, event));
                }

                @Override
                public void finished(BatchView batch) {
                    emitter.emit(event(sse, "done", BatchView.class, batch));
                    emitter.complete();
                }
            });
            emitter.onTermination(() -> {
                try {
                    watch.close();
                } catch (Exception ignored) {
                    // the stream is over either way
                }
            });
        });
    }

    private static <T> OutboundSseEvent event(Sse sse, String name, Class<T> type, T data) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE).data(type, data).build();
    }

    @GET
    @Path("/{id}/archive")
    @Produces("application/zip")
    @Blocking
    @Operation(summary = "Every file the batch produced as one zip, with results.json and results.csv",
            description = "Streamed while it is written; holds the images finished so far.")
    public Response batchArchive(@PathParam("id") String id) {
        batches.get(id); // 404 as problem+json, before the zip starts
        StreamingOutput body = out -> batches.archive(id, out);
        return Response.ok(body, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"batch-" + id + ".zip\"").build();
    }
}
