package dev.pixelwise.work;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP request a call is made in, if any, and who made it: for code below the HTTP layer that
 * must know the requester (whose collections a request may see) or write to the response (a
 * template's CSRF token). Outside a request (a job on a worker thread, a unit test without the
 * app) there is none.
 */
public final class CurrentRequest {

    /**
     * Request attribute naming who is asking (the key of the API request or of the page session),
     * for data that belongs to a key (collections): a digest of the key, alike on every node and
     * after the keys are reordered, never the key itself. Absent when keys are off.
     */
    public static final String OWNER = "pixelwise.owner";

    private CurrentRequest() {
    }

    /** The request being served, or null. */
    public static RoutingContext routing() {
        if (Arc.container() == null || !Arc.container().requestContext().isActive()) {
            return null;
        }
        try (InstanceHandle<CurrentVertxRequest> request = Arc.container().instance(CurrentVertxRequest.class)) {
            return request.isAvailable() ? request.get().getCurrent() : null;
        }
    }

    /** Who asks: the owner id the API-key filter put on the request, or null (no keys, or no request). */
    public static String owner() {
        RoutingContext routing = routing();
        return routing == null ? null : routing.get(OWNER);
    }
}
