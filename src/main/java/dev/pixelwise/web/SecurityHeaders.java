package dev.pixelwise.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Headers every page and API answer carries. The strict policy (no inline script or style) is
 * left off the /q/ tools, whose Swagger UI needs inline script.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    void register(@Observes Filters filters) {
        filters.register(ctx -> {
            var headers = ctx.response().headers();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "same-origin");
            headers.set("X-Frame-Options", "DENY");
            if (!ctx.request().path().startsWith("/q/")) {
                headers.set("Content-Security-Policy", CSP);
            }
            ctx.next();
        }, 2000);
    }
}
