package dev.pixelwise.web;

import dev.pixelwise.api.Csrf;
import dev.pixelwise.api.ApiKeyFilter;
import dev.pixelwise.api.PageSessions;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;

/**
 * The unlock page: with API keys on, a person types one of the keys once and the browser keeps a
 * page session ({@link PageSessions}) in an HttpOnly, SameSite=Strict cookie; "Lock" drops it.
 * With keys off there is nothing to unlock and both lead home.
 */
@Path("/")
@CsrfProtected
@Produces(MediaType.TEXT_HTML)
public class UnlockResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance unlock(String next, String error);
    }

    private final ApiKeyFilter keys;
    private final RoutingContext routing;

    public UnlockResource(ApiKeyFilter keys, RoutingContext routing) {
        this.keys = keys;
        this.routing = routing;
    }

    @GET
    @Path("/unlock")
    @Operation(hidden = true)
    public Response page(@QueryParam("next") String next) {
        if (!keys.enabled() || routing.get(ApiKeyFilter.PAGE_KEY) != null) {
            return Response.seeOther(URI.create(safeNext(next))).build();
        }
        return Response.ok(Templates.unlock(safeNext(next), null)).build();
    }

    @POST
    @Path("/unlock")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response unlock(@FormParam("key") String key, @FormParam("next") String next) {
        if (!keys.enabled()) {
            return Response.seeOther(URI.create("/")).build();
        }
        String session = keys.unlock(key);
        if (session == null) {
            // The key typed is never echoed back, not even into the field.
            return Response.status(Response.Status.UNAUTHORIZED)
                    .entity(Templates.unlock(safeNext(next), "That is not one of this server's API keys.")).build();
        }
        routing.response().addCookie(Csrf.cookie(routing, PageSessions.COOKIE, session));
        return Response.seeOther(URI.create(safeNext(next))).build();
    }

    @POST
    @Path("/lock")
    @Operation(hidden = true)
    public Response lock() {
        routing.response().addCookie(Csrf.cookie(routing, PageSessions.COOKIE, "").setMaxAge(0));
        return Response.seeOther(URI.create(keys.enabled() ? "/unlock" : "/")).build();
    }

    /** Only a path on this site, and not back to the lock itself: no open redirect through {@code next}. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.startsWith("/unlock") || next.startsWith("/lock") || next.length() > 2000
                || next.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return "/";
        }
        try {
            URI uri = URI.create(next);
            return uri.getScheme() == null && uri.getAuthority() == null ? next : "/";
        } catch (IllegalArgumentException malformed) {
            return "/";
        }
    }
}
