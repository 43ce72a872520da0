package dev.pixelwise.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.CurrentRequest;
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
import java.util.Set;
import java.net.URLDecoder;
import java.net.URLEncoder;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;

/**
 * When {@code pixelwise.auth.api-keys} is set, every {@code /api/**} request needs one of the keys
 * ({@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}) and each key has its own
 * token bucket: in this node's memory, or with {@code pixelwise.queue=redis} in Redis, shared by
 * every API node (see {@link RedisTokenBuckets}). Keys are never logged and are compared as SHA-256
 * digests in constant time.
 *
 * <p>The pages need a page session instead ({@link PageSessions}, set by the unlock page): without
 * one, every page but {@link #OPEN_PAGES} redirects to {@code /unlock}. A page session also lets the
 * pages' own calls to the API through (progress, results, files, "try other k"); what it sends
 * with an unsafe method must carry the CSRF header, and spends its key's budget, as does the upload
 * form. Reads with a page session are not counted: one result page loads many files.
 * {@code /static}, {@code /q/**} (health, metrics, API docs) and the models and about pages stay open.
 */
@ApplicationScoped
public class ApiKeyFilter {

    static final int MIN_KEY_LENGTH = 16;
    static final String X_API_KEY = "X-Api-Key";
    /** Routing-context entry holding the number of the key whose page session the request carries. */
    public static final String PAGE_KEY = "pixelwise.page-key";
    /** First path segments of the pages that need no session (everything else does: fail closed). */
    static final Set<String> OPEN_PAGES = Set.of("unlock", "lock", "models", "about", "static", "q", "favicon.ico",
            "favicon.svg");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
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
    private final String[] owners;
    private final ObjectMapper json;
    private final PageSessions sessions;

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
        this.sessions = new PageSessions(keys);
        this.rate = config.rateLimit();
        // Named alike on every node whatever the order of its keys, and never by the key or its plain digest.
        this.sharedNames = keys.stream().map(k -> HexFormat.of().formatHex(sha256("pixelwise rate limit\0" + k), 0, 16))
                .toArray(String[]::new);
        this.owners = keys.stream().map(k -> HexFormat.of().formatHex(sha256("pixelwise owner\0" + k), 0, 16))
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

    /** True when keys are configured, so the pages need unlocking. */
    public boolean enabled() {
        return keyDigests.length > 0;
    }

    /** A page session cookie value for {@code presentedKey}, or null when it is not one of the keys. */
    public String unlock(String presentedKey) {
        int key = presentedKey == null || presentedKey.isBlank() ? -1 : indexOf(presentedKey.trim());
        return key < 0 ? null : sessions.issue(key, System.currentTimeMillis() / 1000);
    }

    private void check(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        Cookie cookie = ctx.request().getCookie(PageSessions.COOKIE);
        int session = cookie == null ? -1 : sessions.verify(cookie.getValue(), System.currentTimeMillis() / 1000);
        if (session >= 0) {
            ctx.put(PAGE_KEY, session);
            ctx.put(CurrentRequest.OWNER, owners[session]);
        }
        boolean safe = SAFE_METHODS.contains(ctx.request().method().name());
        if (!guards(path)) {
            if (opensWithoutSession(path) || (session >= 0 && safe)) {
                ctx.next();
            } else if (session < 0) {
                toUnlock(ctx, path, safe);
            } else {
                admit(ctx, session, true); // the upload form (or another page POST) starts work
            }
            return;
        }
        String presented = presentedKey(ctx.request());
        if (presented == null && session >= 0) {
            if (safe) {
                ctx.next();
            } else if (Csrf.matches(ctx, ctx.request().getHeader(Csrf.HEADER))) {
                admit(ctx, session, false);
            } else {
                // The cookie alone does not do: a page's script sends the token too.
                ProblemMapper.send(ctx, new AppException.Forbidden("A page session may change something only with the page's "
                        + Csrf.HEADER + " header; reload the page, or use an API key"), json);
            }
            return;
        }
        int key = presented == null ? -1 : indexOf(presented);
        if (key >= 0) {
            ctx.put(CurrentRequest.OWNER, owners[key]); // the key presented decides, not a page session beside it
        }
        if (key < 0) {
            ctx.response().putHeader("WWW-Authenticate", presented == null ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"");
            ProblemMapper.send(ctx, new AppException.Unauthorized(presented == null
                    ? "This server needs an API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'"
                    : "The API key is not valid"), json);
            return;
        }
        admit(ctx, key, false);
    }

    /** Lets the request on if key number {@code key} has a token left; a page is answered as a page. */
    private void admit(RoutingContext ctx, int key, boolean page) {
        if (shared != null) {
            takeShared(ctx, key, page);
            return;
        }
        long waitNanos = buckets[key].tryTake(System.nanoTime());
        if (waitNanos > 0) {
            refuse(ctx, new AppException.RateLimited(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)), page);
            return;
        }
        ctx.next();
    }

    private void refuse(RoutingContext ctx, AppException e, boolean page) {
        if (page) {
            sendPage(ctx, e);
        } else {
            ProblemMapper.send(ctx, e, json);
        }
    }

    /**
     * A refusal a person reads: answered below JAX-RS, so a plain page rather than the templated
     * one (whose layout needs the request scope). The body of the upload is never read.
     */
    private static void sendPage(RoutingContext ctx, AppException e) {
        var response = ctx.response().setStatusCode(e.status()).putHeader("Content-Type", "text/html; charset=utf-8");
        if (e.retryAfterSeconds() != null) {
            response.putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        if (!ctx.request().isEnded()) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        var problem = e.toProblem(ctx.request().path());
        response.end("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html(problem.title())
                + " · Pixelwise</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main id=\"main\">"
                + "<section class=\"error\" role=\"alert\"><h1>" + html(problem.title()) + "</h1><p>" + html(problem.detail())
                + "</p><p><a href=\"/\">Back to the upload page</a></p></section></main></body></html>");
    }

    private static String html(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * A locked page goes to the unlock page, which comes back here afterwards; a POST (whose body is
     * never read) comes back to its page, not to the POST.
     */
    private static void toUnlock(RoutingContext ctx, String path, boolean safe) {
        String back = safe ? ctx.request().uri() : path.endsWith("/cancel") ? path.substring(0, path.length() - "/cancel".length()) : "/";
        String location = "/unlock?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
        var response = ctx.response().setStatusCode(303).putHeader("Location", location);
        if (!ctx.request().isEnded()) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end();
    }

    /**
     * True for the pages a locked browser may see: those whose first segment (percent-decoded,
     * lower-cased, without matrix parameters) is in {@link #OPEN_PAGES} and with no {@code ..}
     * segment. Anything else, the home page and the job pages included, needs a session.
     */
    static boolean opensWithoutSession(String normalizedPath) {
        String path;
        try {
            path = URLDecoder.decode(normalizedPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        String first = null;
        for (String segment : path.toLowerCase(Locale.ROOT).replace('\\', '/').split("/")) {
            int matrix = segment.indexOf(';');
            String name = matrix < 0 ? segment : segment.substring(0, matrix);
            if (name.equals("..") || name.equals(".")) {
                return false;
            }
            if (first == null && !segment.isEmpty()) {
                first = name; // "" for "/;x", which is the home page
            }
        }
        return first != null && OPEN_PAGES.contains(first);
    }

    /**
     * Asks Redis without blocking the event loop (Quarkus holds the request body back meanwhile).
     * Without Redis there is no budget to check, and the API cannot work anyway: 503.
     */
    private void takeShared(RoutingContext ctx, int key, boolean page) {
        Context context = Vertx.currentContext();
        shared.take(sharedNames[key], rate, rate / 60.0).ifNoItem().after(SHARED_BUCKET_WAIT).fail().subscribe().with(
                taken -> onContext(context, () -> {
                    if (taken.taken()) {
                        ctx.next();
                    } else {
                        refuse(ctx, new AppException.RateLimited(taken.retryAfterSeconds()), page);
                    }
                }),
                failure -> onContext(context, () -> {
                    LOG.warnf("Redis call failed: %s", failure.toString());
                    refuse(ctx, new AppException.QueueUnavailable(
                            "The rate limit cannot be checked right now (Redis is unavailable); retry shortly", failure), page);
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
