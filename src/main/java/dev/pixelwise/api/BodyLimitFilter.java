package dev.pixelwise.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.batch.BatchesConfig;
import dev.pixelwise.imaging.ImageLimits;
import dev.pixelwise.problem.AppException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Oversized uploads never reach a resource: a declared Content-Length over the limit is refused
 * before the body is read, and a body that grows past it while streaming (chunked) is cut off by
 * Vert.x's body limit; both answer 413 as problem+json instead of an empty response.
 */
@ApplicationScoped
public class BodyLimitFilter {

    private final ImageLimits limits;
    private final BatchesConfig batches;
    private final ObjectMapper json;

    public BodyLimitFilter(ImageLimits limits, BatchesConfig batches, ObjectMapper json) {
        this.limits = limits;
        this.batches = batches;
        this.json = json;
    }

    /** A batch's body holds many images; every other body one. */
    private long limit(RoutingContext ctx) {
        return UploadReader.isBatch(ctx) ? batches.maxTotalSize().asLongValue() : limits.maxUploadSize().asLongValue();
    }

    void register(@Observes Filters filters) {
        filters.register(this::checkDeclaredLength, 1000);
    }

    void failures(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                tooLarge(ctx, "The upload is larger than the limit of " + limit(ctx) + " bytes");
            } else {
                ctx.next();
            }
        });
    }

    private void checkDeclaredLength(RoutingContext ctx) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                long length = Long.parseLong(declared.trim());
                if (length > limit(ctx)) {
                    tooLarge(ctx, "The upload is " + length + " bytes; the limit is " + limit(ctx));
                    return;
                }
            } catch (NumberFormatException ignored) {
                // Vert.x rejects malformed lengths itself
            }
        }
        ctx.next();
    }

    private void tooLarge(RoutingContext ctx, String detail) {
        ProblemMapper.send(ctx, new AppException.PayloadTooLarge(detail), json);
    }
}
