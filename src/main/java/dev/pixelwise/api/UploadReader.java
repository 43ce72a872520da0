package dev.pixelwise.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.batch.BatchesConfig;
import dev.pixelwise.imaging.ImageLimits;
import dev.pixelwise.problem.AppException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;
import io.vertx.core.http.HttpMethod;

/**
 * How upload bodies are received, so that slow clients cost neither threads nor disk for long.
 * <ul>
 * <li>Multipart bodies are read by Vert.x's body handler on the event loop, before any resource
 * runs; Quarkus REST then takes the parsed form. Its own parser would read the body in a blocking
 * loop on a worker thread for as long as the client takes, and keeps a half-received upload file
 * when the connection drops; Vert.x deletes it.</li>
 * <li>A raw image body ({@code Content-Type: image/*} or {@code application/octet-stream}) sent to
 * {@code POST /api/v1/{task}} or {@code /api/v1/jobs} is streamed to a file in the uploads folder
 * the same way, under the same size limit (413); the resource finds it under {@link #RAW_BODY} and
 * it is deleted when the request ends unless a job took it.</li>
 * <li>A body must arrive within {@code pixelwise.limits.upload-timeout}, however steadily it
 * trickles: then 408 and the connection is closed. ({@code quarkus.http.idle-timeout} only cuts
 * off a client that stops sending altogether.)</li>
 * </ul>
 */
@ApplicationScoped
public class UploadReader {

    /** After the API key check and the declared-length check (filters are ordered by -priority), before any resource. */
    static final int ROUTE_ORDER = -100;
    /** Routing-context entry: the {@link Path} a raw image body was stored in. */
    static final String RAW_BODY = "pixelwise.raw-body";
    /** Where a raw body is the upload: the synchronous task endpoints and the job queue. */
    private static final Pattern RAW_UPLOAD_PATH = Pattern.compile("/api/v1/[^/]+");
    private static final Logger LOG = Logger.getLogger(UploadReader.class);

    private final ImageLimits limits;
    private final FormLimits forms;
    private final ObjectMapper json;
    private final BodyHandler multipart;
    /** A batch's form carries many images: its own, larger cap. */
    private final BodyHandler batchMultipart;
    private final String uploadsDirectory;

    public UploadReader(ImageLimits limits, FormLimits forms, ObjectMapper json, BatchesConfig batches,
                        @ConfigProperty(name = "quarkus.http.body.uploads-directory") String uploadsDirectory) {
        this.limits = limits;
        this.forms = forms;
        this.json = json;
        if (limits.uploadTimeout().toMillis() < 1) {
            throw new IllegalStateException("pixelwise.limits.upload-timeout must be positive, was " + limits.uploadTimeout());
        }
        this.uploadsDirectory = uploadsDirectory;
        this.multipart = BodyHandler.create(uploadsDirectory)
                .setBodyLimit(limits.maxUploadSize().asLongValue()) // over it: 413, mapped by BodyLimitFilter
                .setDeleteUploadedFilesOnEnd(true)
                .setMergeFormAttributes(false);
        this.batchMultipart = BodyHandler.create(uploadsDirectory)
                .setBodyLimit(batches.maxTotalSize().asLongValue())
                .setDeleteUploadedFilesOnEnd(true)
                .setMergeFormAttributes(false);
    }

    /** Where a multipart body is a batch of many images. */
    static boolean isBatch(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.POST && BATCH_PATH.equals(ctx.normalizedPath());
    }

    static final String BATCH_PATH = "/api/v1/batches";

    void deadline(@Observes Filters filters) {
        filters.register(this::watch, 900);
    }

    void bodies(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(ctx -> {
            if (isMultipart(ctx)) {
                AppException unreadable = forms.checkContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
                if (unreadable != null) {
                    refuse(ctx, unreadable);
                } else {
                    (isBatch(ctx) ? batchMultipart : multipart).handle(ctx); // continues once the whole body is in
                }
            } else if (isRawUpload(ctx) && !isBatch(ctx)) {
                storeRaw(ctx);
            } else {
                ctx.next();
            }
        });
        router.route().order(ROUTE_ORDER).failureHandler(ctx -> {
            AppException formProblem = isMultipart(ctx) ? forms.problemFor(ctx.failure(), ctx.statusCode() == 400) : null;
            if (ctx.response().ended() || ctx.failure() instanceof HttpClosedException) {
                // Cut off by the deadline or the idle timeout, or the client left: there is nobody to
                // answer, and a routine disconnect is not worth an error with a stack trace.
                LOG.debugf("Upload to %s ended early: %s", ctx.request().path(), String.valueOf(ctx.failure()));
            } else if (formProblem != null && !ctx.response().headWritten()) {
                refuse(ctx, formProblem);
            } else {
                ctx.next();
            }
        });
    }

    private static boolean isMultipart(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "multipart/form-data", 0, 19);
    }

    static boolean isRawUpload(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return ctx.request().method() == HttpMethod.POST && type != null
                && (type.regionMatches(true, 0, "image/", 0, 6)
                    || type.regionMatches(true, 0, "application/octet-stream", 0, 24))
                && RAW_UPLOAD_PATH.matcher(ctx.normalizedPath()).matches();
    }

    /**
     * Streams a raw body to a new file without holding a thread, with backpressure, and stops at the
     * upload limit with 413 (a declared Content-Length over it never gets here: BodyLimitFilter).
     */
    private void storeRaw(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        long limit = limits.maxUploadSize().asLongValue();
        String name = Path.of(uploadsDirectory, "raw-" + UUID.randomUUID() + ".upload").toString();
        ctx.addEndHandler(done -> ctx.vertx().fileSystem().delete(name).onFailure(moved -> {
            // a job took the file (moved into its folder), or it was never created
        }));
        ctx.vertx().fileSystem().mkdirs(uploadsDirectory)
                .compose(dir -> ctx.vertx().fileSystem().open(name, new OpenOptions().setCreateNew(true).setWrite(true)))
                .onFailure(ctx::fail)
                .onSuccess(file -> {
                    long[] received = {0};
                    boolean[] failed = {false};
                    request.handler(chunk -> {
                        if (failed[0]) {
                            return; // over the limit: the rest is discarded
                        }
                        received[0] += chunk.length();
                        if (received[0] > limit) {
                            failed[0] = true;
                            file.close();
                            ctx.fail(413); // answered as problem JSON by BodyLimitFilter
                            return;
                        }
                        write(request, file, chunk);
                    });
                    request.exceptionHandler(e -> {
                        file.close();
                        if (!failed[0]) {
                            failed[0] = true;
                            ctx.fail(e);
                        }
                    });
                    request.endHandler(end -> {
                        if (failed[0]) {
                            return;
                        }
                        file.close().onFailure(ctx::fail).onSuccess(closed -> {
                            ctx.put(RAW_BODY, Path.of(name));
                            ctx.next();
                        });
                    });
                    request.resume();
                });
    }

    private static void write(HttpServerRequest request, AsyncFile file, Buffer chunk) {
        file.write(chunk);
        if (file.writeQueueFull()) {
            request.pause();
            file.drainHandler(drained -> request.resume());
        }
    }

    /**
     * Answers a form that breaks a framing limit. Anyone can send one as often as they like, so it
     * is worth one short line at DEBUG, never a stack trace.
     */
    private void refuse(RoutingContext ctx, AppException problem) {
        LOG.debugf("Refused a form sent to %s: %s", ctx.request().path(), problem.getMessage());
        ProblemMapper.send(ctx, problem, json);
    }

    private void watch(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!request.isEnded()) {
            // The timer runs on this request's event loop, so it never races the body handler.
            long timer = ctx.vertx().setTimer(limits.uploadTimeout().toMillis(), id -> cutOff(ctx));
            ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
        }
        ctx.next();
    }

    private void cutOff(RoutingContext ctx) {
        if (ctx.request().isEnded() || ctx.response().ended()) {
            return; // the body arrived; the request is merely slow to answer (a synchronous job)
        }
        if (ctx.response().headWritten()) {
            drop(ctx);
        } else {
            ProblemMapper.send(ctx, new AppException.UploadTimedOut("The request body did not arrive within "
                    + limits.uploadTimeout().toSeconds() + " s"), json).onComplete(written -> drop(ctx));
        }
    }

    /** Stops reading the rest of the body: the stream under HTTP/2, the connection under HTTP/1. */
    private static void drop(RoutingContext ctx) {
        if (ctx.request().version() == HttpVersion.HTTP_2) {
            ctx.response().reset();
        } else {
            ctx.request().connection().close();
        }
    }
}
