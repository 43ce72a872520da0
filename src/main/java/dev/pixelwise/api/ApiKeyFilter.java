package dev.pixelwise.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.Node;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.net.URLDecoder;

/**
 * When {@code pixelwise.auth.api-keys} is set, every {@code /api/**} request needs one of the keys
 * ({@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}) and each key has its own
 * token bucket: in this node's memory, or with {@code pixelwise.queue=redis} in Redis, shared by
 * every API node (see {@link RedisTokenBuckets}). Only the API is guarded: pages, {@code /static}, {@code /q/health},
 * {@code /q/metrics} and the API docs stay open, so a keyed deployment's pages (which call the API
 * without a key) are not supported; put them behind the proxy's own login if they must be public.
 * Keys are never logged and are compared as SHA-256 digests in constant time.
 */
@ApplicationScoped
public class ApiKeyFilter {

    static final int MIN_KEY_LENGTH = 16;
    static final String X_API_KEY = "X-Api-Key";
    private static final String CHALLENGE = "Bearer realm=\"pixelwise\"";
    /** A Redis that answers nothing for this long counts as down. */
    private static final Duration SHARED_BUCKET_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);

    private final byte[][] keyDigests;
    private final int rate;
    private final TokenBucket[] buckets;
    /** Null unless the queue is Redis; then the buckets there count, not {@link #buckets}. */
    private final RedisTokenBuckets shared;
    private final String[] sharedNames;
    private final ObjectMapper json;

    @Inject
    public ApiKeyFilter(AuthConfig config, ObjectMapper json, Node node, Instance<RedisTokenBuckets> redis) {
        this(config, json, node.queue() == Node.Queue.REDIS ? redis.get() : null);
    }

    ApiKeyFilter(AuthConfig config, ObjectMapper json, RedisTokenBuckets shared) {
        this.json = json;
        this.shared = shared;
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
        this.rate = config.rateLimit();
        // Named alike on every node whatever the order of its keys, and never by the key or its plain digest.
        this.sharedNames = keys.stream().map(k -> HexFormat.of().formatHex(sha256("pixelwise rate limit\0" + k), 0, 16))
                .toArray(String[]::new);
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
        if (shared != null) {
            takeShared(ctx, key);
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
     * Asks Redis without blocking the event loop (Quarkus holds the request body back meanwhile).
     * Without Redis there is no budget to check, and the API cannot work anyway: 503.
     */
    private void takeShared(RoutingContext ctx, int key) {
        Context context = Vertx.currentContext();
        shared.take(sharedNames[key], rate, rate / 60.0).ifNoItem().after(SHARED_BUCKET_WAIT).fail().subscribe().with(
                taken -> onContext(context, () -> {
                    if (taken.taken()) {
                        ctx.next();
                    } else {
                        ProblemMapper.send(ctx, new AppException.RateLimited(taken.retryAfterSeconds()), json);
                    }
                }),
                failure -> onContext(context, () -> {
                    LOG.warnf("Redis call failed: %s", failure.toString());
                    ProblemMapper.send(ctx, new AppException.QueueUnavailable(
                            "The rate limit cannot be checked right now (Redis is unavailable); retry shortly", failure), json);
                }));
    }

    /** The routing goes on in the request's own context, not the Redis client's. */
    private static void onContext(Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
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
            path = URLDecoder.decode(normalizedPath.replace("+", "%2B"), StandardCharsets.UTF_8);
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
