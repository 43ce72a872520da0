package dev.pixelwise.collections;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.problem.Problem;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The collections API: thin mapping from HTTP to {@link CollectionService}. */
@Path("/api/v1/collections")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "collections")
@Blocking
public class CollectionResource {

    /** Body of a create: the name. */
    public record NewCollection(String name) {
    }

    /** Body of a PATCH: what changes (absent: unchanged). */
    public record Change(Double threshold) {
    }

    private final CollectionService collections;

    public CollectionResource(CollectionService collections) {
        this.collections = collections;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a collection", description = "{\"name\": \"...\"}; answers 201 with the empty collection.")
    public Response createCollection(NewCollection body) {
        CollectionView c = collections.create(body == null ? null : body.name());
        return Response.created(URI.create("/api/v1/collections/" + c.id())).entity(c).build();
    }

    @GET
    @Operation(summary = "The caller's collections, newest first")
    public List<CollectionView> listCollections() {
        return collections.list();
    }

    @GET
    @Path("/{id}")
    public CollectionView getCollection(@PathParam("id") String id) {
        return collections.get(id);
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the unknown threshold", description = "{\"threshold\": 0.4}: the cosine similarity "
            + "to the nearest label's mean below which a classification answers unknown.")
    public CollectionView changeCollection(@PathParam("id") String id, Change body) {
        if (body == null || body.threshold() == null) {
            collections.get(id); // 404 first
            throw new AppException.BadOption("threshold", "is required");
        }
        return collections.setThreshold(id, body.threshold());
    }

    @DELETE
    @Path("/{id}")
    public Response deleteCollection(@PathParam("id") String id) {
        collections.delete(id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/examples")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Teach a label", description = "Multipart: 'label' and one or more 'image' files (or zips of "
            + "images). Each image is embedded and kept as its embedding only. Answers with the updated collection.")
    public CollectionView addExamples(@PathParam("id") String id, MultipartFormDataInput input) {
        collections.get(id); // 404 before reading the form
        String label = null;
        List<CollectionService.Upload> images = new ArrayList<>();
        for (Map.Entry<String, Collection<FormValue>> entry : input.getValues().entrySet()) {
            for (FormValue value : entry.getValue()) {
                switch (entry.getKey()) {
                    case "label" -> {
                        if (value.isFileItem() || label != null) {
                            throw new AppException.BadOption("label", "send one label, as text");
                        }
                        label = value.getValue();
                    }
                    case "image" -> {
                        if (!value.isFileItem()) {
                            throw new AppException.BadOption("image", "must be a file");
                        }
                        images.add(new CollectionService.Upload(value.getFileItem().getFile(), value.getFileName()));
                    }
                    default -> throw new AppException.BadOption(entry.getKey(), "is not a field of this form ('label', 'image')");
                }
            }
        }
        return collections.addNamedExamples(id, label, images);
    }

    /**
     * A body that is not the JSON asked for. Quarkus's own mapper answers these with plain JSON; the API
     * answers every problem as problem+json.
     */
    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, UriInfo uri) {
        Problem p = new AppException.BadOption("body", "is not the JSON this endpoint takes ("
                + e.getOriginalMessage().replaceAll("\\s+", " ") + ")").toProblem(uri.getRequestUri().getPath());
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    @DELETE
    @Path("/{id}/labels/{label}")
    public CollectionView deleteLabel(@PathParam("id") String id, @PathParam("label") String label) {
        return collections.deleteLabel(id, label);
    }

    @DELETE
    @Path("/{id}/labels/{label}/examples/{example}")
    @Operation(summary = "Delete one example", description = "By its id (labels[].items[].id). A number up to 4 digits "
            + "that is no example's id is read as a position in the label, from 0, in the order added, as in the "
            + "first version of this API.")
    public CollectionView deleteExample(@PathParam("id") String id, @PathParam("label") String label,
                                        @PathParam("example") String example) {
        return collections.deleteExample(id, label, example);
    }
}
