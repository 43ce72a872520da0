package dev.pixelwise.web;

import dev.pixelwise.api.Csrf;
import dev.pixelwise.problem.AppException;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import java.util.Set;

/**
 * Refuses an unsafe request to a {@link CsrfProtected} resource unless it repeats the CSRF cookie's
 * token ({@link Csrf}). The form is read first ({@link WithFormRead}), so the token may sit in a
 * multipart upload as well as a urlencoded form: multipart bodies are already parsed by then
 * ({@code api.UploadReader}), so this costs nothing more.
 */
public class CsrfFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @ServerRequestFilter
    @WithFormRead
    public void check(ResteasyReactiveContainerRequestContext request, ResourceInfo resource, RoutingContext routing) {
        Class<?> type = resource.getResourceClass();
        if (SAFE.contains(request.getMethod()) || type == null || !type.isAnnotationPresent(CsrfProtected.class)) {
            return;
        }
        String presented = request.getHeaderString(Csrf.HEADER);
        if (presented == null) {
            presented = formField((ResteasyReactiveRequestContext) request.getServerRequestContext());
        }
        if (!Csrf.matches(routing, presented)) {
            throw new AppException.Forbidden(presented == null
                    ? "This form was sent without its security token. Reload the page and send it again."
                    : "This form's security token does not match this browser's (it may be from an older page "
                    + "or another site). Reload the page and send it again.");
        }
    }

    private static String formField(ResteasyReactiveRequestContext context) {
        Object value = context.getFormParameter(Csrf.FIELD, true, false);
        if (value instanceof FormValue form) {
            return form.isFileItem() ? null : form.getValue();
        }
        return value instanceof String text ? text : null;
    }
}
