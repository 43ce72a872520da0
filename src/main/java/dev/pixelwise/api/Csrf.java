package dev.pixelwise.api;

import dev.pixelwise.work.CurrentRequest;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * CSRF tokens for the pages' forms ({@code inject:csrf}), by double submit: a random token in an
 * HttpOnly, SameSite=Strict cookie, which a form must repeat as the field {@value #FIELD} (or a
 * script as the header {@value #HEADER}); {@link CsrfFilter} compares the two. A foreign site can
 * make a browser send the cookie only in a same-site request (SameSite), and can never read it to
 * put it in the form. Nothing is kept server-side, so any node checks any node's token.
 *
 * <p>Not quarkus-rest-csrf: our registry serves neither it nor the quarkus-rest-qute it needs for
 * the 3.36 platform (pinning older ones would bring back the second Qute integration that
 * {@code api.TemplateWriter} replaces), and it checks every POST outside an exact-path list, so
 * it would refuse the API's own multipart uploads and could not name {@code /jobs/{id}/cancel}.
 */
@Named("csrf")
@ApplicationScoped
public class Csrf {

    public static final String COOKIE = "pixelwise-csrf";
    public static final String FIELD = "csrf-token";
    public static final String HEADER = "X-CSRF-Token";
    private static final int TOKEN_BYTES = 32;
    private static final int TOKEN_CHARS = 43; // 32 bytes in unpadded base64url
    private static final String ATTRIBUTE = "pixelwise.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * This browser's token; the first page that needs one sets the cookie. Empty outside a request
     * (a form rendered so would be refused, readably).
     */
    public String token() {
        RoutingContext routing = CurrentRequest.routing();
        if (routing == null) {
            return "";
        }
        String token = routing.get(ATTRIBUTE);
        if (token == null) {
            token = cookieToken(routing);
            if (token == null) {
                byte[] bytes = new byte[TOKEN_BYTES];
                RANDOM.nextBytes(bytes);
                token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                routing.response().addCookie(cookie(routing, COOKIE, token));
            }
            routing.put(ATTRIBUTE, token);
        }
        return token;
    }

    public String field() {
        return FIELD;
    }

    /** True when {@code presented} is this browser's cookie token (compared in constant time). */
    public static boolean matches(RoutingContext routing, String presented) {
        String expected = cookieToken(routing);
        return expected != null && presented != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), presented.trim().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A cookie only this site's requests carry and no script reads; Secure when the request came
     * over HTTPS (directly, or per the proxy's forwarded headers when Quarkus is told to trust them).
     */
    public static Cookie cookie(RoutingContext routing, String name, String value) {
        boolean https = routing.request().isSSL() || "https".equalsIgnoreCase(routing.request().scheme());
        return Cookie.cookie(name, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(https);
    }

    private static String cookieToken(RoutingContext routing) {
        Cookie cookie = routing.request().getCookie(COOKIE);
        String value = cookie == null ? null : cookie.getValue();
        return value != null && value.length() == TOKEN_CHARS && value.chars().allMatch(Csrf::isBase64Url) ? value : null;
    }

    private static boolean isBase64Url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
