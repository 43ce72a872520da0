package dev.pixelwise.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * When {@code pixelwise.auth.api-keys} is set, every {@code /api/**} request needs one of the keys
 * ({@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}) and each key has its own
 * token bucket. Only the API is guarded: pages, {@code /static}, {@code /q/health},
 * {@code /q/metrics} and the API docs stay open, so a keyed deployment's pages (which call the API
 * without a key) are not supported; put them behind the proxy's own login if they must be public.
 * Keys are never logged and are compared as SHA-256 digests in constant time.
 */
@ApplicationScoped
public class ApiKeyFilter {

    static final int MIN_KEY_LENGTH = 16;
    static final String X_API_KEY = "X-Api-Key";
    private static final String CHALLENGE = "Bearer realm=\"pixelwise\"";

    private final byte[][] keyDigests;
    private final TokenBucket[] buckets;
    private final ObjectMapper json;

    public ApiKeyFilter(AuthConfig config, ObjectMapper json) {
        this.json = json;
        List<String> keys = config.apiKeys().orElse(List.of()).stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
        if (config.rateLimit() < 1) {
            throw new IllegalStateException("pixelwise.auth.rate-limit must be at least 1 request per minute, was "
                    + config.rateLimit());
        }
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).length() < MIN_KEY_LENGTH) {
                // Say which entry, never the key itself.
                throw new IllegalStateException("pixelwise.auth.api-keys: key " + (i + 1) + " of " + keys.size()
                        + " is shorter than " + MIN_KEY_LENGTH + " characters");
            }
        }
        this.keyDigests = keys.stream().map(ApiKeyFilter::sha256).toArray(byte[][]::new);
        long now = System.nanoTime();
        this.buckets = keys.stream().map(k -> new TokenBucket(config.rateLimit(), config.rateLimit() / 60.0, now))
                .toArray(TokenBucket[]::new);
    }

    void register(@Observes Filters filters) {
        if (keyDigests.length > 0) {
            // After SecurityHeaders (2000), so refusals carry them; before the body limit (1000), so
            // an unauthenticated upload is refused before its size is even considered.
            filters.register(this::check, 1500);
        }
    }

    private void check(RoutingContext ctx) {
        if (!guards(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        String presented = presentedKey(ctx.request());
        int key = presented == null ? -1 : indexOf(presented);
        if (key < 0) {
            ctx.response().putHeader("WWW-Authenticate", presented == null ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"");
            ProblemMapper.send(ctx, new AppException.Unauthorized(presented == null
                    ? "This server needs an API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'"
                    : "The API key is not valid"), json);
            return;
        }
        long waitNanos = buckets[key].tryTake(System.nanoTime());
        if (waitNanos > 0) {
            ProblemMapper.send(ctx, new AppException.RateLimited(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)), json);
            return;
        }
        ctx.next();
    }

    /**
     * True for the API, failing closed: a path is guarded if any segment, percent-decoded,
     * lower-cased and without matrix parameters ({@code ;x}, which routing ignores), is
     * {@code api}. No page, static file or job id has such a segment, and no spelling of an API
     * path (doubled or encoded slashes, {@code /api;x/}, case) slips past.
     */
    static boolean guards(String normalizedPath) {
        String path;
        try {
            path = java.net.URLDecoder.decode(normalizedPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return true;
        }
        for (String segment : path.toLowerCase(Locale.ROOT).replace('\\', '/').split("/")) {
            int matrix = segment.indexOf(';');
            if ((matrix < 0 ? segment : segment.substring(0, matrix)).equals("api")) {
                return true;
            }
        }
        return false;
    }

    private static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        String header = request.getHeader(X_API_KEY);
        return header == null ? null : header.trim();
    }

    /** The configured key's index, or -1; every key is compared, so timing says nothing of which or how close. */
    private int indexOf(String presented) {
        byte[] digest = sha256(presented);
        int found = -1;
        for (int i = 0; i < keyDigests.length; i++) {
            if (MessageDigest.isEqual(keyDigests[i], digest)) {
                found = i;
            }
        }
        return found;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
