package dev.pixelwise.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.problem.ErrorPage;
import dev.pixelwise.problem.Problem;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import io.vertx.core.Future;
import java.io.IOException;

/**
 * The one error mapping: problem+json for the API, a readable page for browsers on page routes.
 * Bad input is always an {@link AppException} or a JAX-RS 4xx; anything else is a bug and is logged.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response app(AppException e, UriInfo uri, HttpHeaders headers) {
        Response r = respond(e.toProblem(instance(uri)), uri, headers);
        if (e instanceof AppException.QueueFull full && full.ticket() != null) {
            return Response.fromResponse(r).header(AppException.QueueFull.TICKET_HEADER, full.ticket()).build();
        }
        return r;
    }

    @ServerExceptionMapper
    public Response jaxrs(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type != null ? type.getReasonPhrase() : "Error";
        String detail = status == 404 ? "Nothing is at " + uri.getRequestUri().getPath()
                : status == 415 ? "This endpoint expects multipart/form-data with an 'image' file"
                        + (uri.getPath().matches("/?api/v1/[^/]+") ? ", or the image itself as the body (image/* or "
                        + "application/octet-stream, options as query parameters)" : "")
                : e.getMessage();
        return respond(Problem.of(status, "http-" + status, title, detail, instance(uri)), uri, headers);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri, HttpHeaders headers) {
        if (e instanceof IOException && "Request too large".equals(e.getMessage())) {
            // A chunked body ran past the HTTP limit: Vert.x already answered 413 and closed the connection.
            return respond(new AppException.PayloadTooLarge("The upload is larger than the limit").toProblem(instance(uri)),
                    uri, headers);
        }
        LOG.error("Unexpected error", e);
        return respond(Problem.of(500, "internal", "Internal error", "Something went wrong on our side", instance(uri)),
                uri, headers);
    }

    static Response problemResponse(Problem problem) {
        Response.ResponseBuilder r = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.retryAfter() != null) {
            r.header("Retry-After", problem.retryAfter());
        }
        return r.build();
    }

    /**
     * The same problem JSON for answers written below JAX-RS by the Vert.x filters (body limit, API
     * key, upload deadline). The connection is closed when the client may still be sending a body
     * that will never be read.
     */
    static Future<Void> send(RoutingContext ctx, AppException e, ObjectMapper json) {
        Problem problem = e.toProblem(ctx.request().path());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            body = "{\"status\":" + problem.status() + "}";
        }
        HttpServerResponse response = ctx.response().setStatusCode(problem.status())
                .putHeader(io.vertx.core.http.HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (problem.retryAfter() != null) {
            response.putHeader("Retry-After", String.valueOf(problem.retryAfter()));
        }
        if (!ctx.request().isEnded()) {
            response.putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, "close");
        }
        return response.end(body);
    }

    private static Response respond(Problem problem, UriInfo uri, HttpHeaders headers) {
        if (wantsPage(uri, headers)) {
            Response.ResponseBuilder r = Response.status(problem.status()).type(MediaType.TEXT_HTML_TYPE)
                    .entity(ErrorPage.render(problem));
            if (problem.retryAfter() != null) {
                r.header("Retry-After", problem.retryAfter());
            }
            return r.build();
        }
        return problemResponse(problem);
    }

    private static boolean wantsPage(UriInfo uri, HttpHeaders headers) {
        String path = uri.getPath();
        if (path.startsWith("/api") || path.startsWith("api") || path.startsWith("/q/")) {
            return false;
        }
        return headers.getAcceptableMediaTypes().stream().anyMatch(m -> m.isCompatible(MediaType.TEXT_HTML_TYPE)
                && !m.isWildcardType());
    }

    private static String instance(UriInfo uri) {
        return uri.getRequestUri().getPath();
    }
}
