package dev.pixelwise.problem;

/**
 * The one family of errors the app raises on purpose. Each carries the HTTP status and a message
 * that is safe to show a user; {@code ProblemMapper} turns it into RFC 9457 problem JSON or an
 * error page, and a failed job stores it as its {@link Problem}.
 */
public abstract sealed class AppException extends RuntimeException
        permits AppException.BadOption, AppException.NotFound, AppException.PayloadTooLarge,
        AppException.UnsupportedFormat, AppException.UnprocessableImage, AppException.QueueFull,
        AppException.JobTimedOut, AppException.ModelUnavailable, AppException.Unauthorized,
        AppException.RateLimited, AppException.UploadTimedOut, AppException.QueueUnavailable,
        AppException.MalformedForm, AppException.FormTooLarge, AppException.Forbidden,
        AppException.NotAcceptable {

    private final int status;
    private final String type;
    private final String title;

    protected AppException(int status, String type, String title, String detail, Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public Problem toProblem(String instance) {
        return new Problem(Problem.TYPE_BASE + type, title, status, getMessage(), instance, field(), retryAfterSeconds());
    }

    public String field() {
        return null;
    }

    public Long retryAfterSeconds() {
        return null;
    }

    /** 400: a form field or option has a value we cannot use. */
    public static final class BadOption extends AppException {
        private final String field;

        public BadOption(String field, String detail) {
            super(400, "bad-option", "Invalid option", field + ": " + detail, null);
            this.field = field;
        }

        @Override
        public String field() {
            return field;
        }
    }

    /** 404: unknown job, file or task. */
    public static final class NotFound extends AppException {
        public NotFound(String detail) {
            super(404, "not-found", "Not found", detail, null);
        }
    }

    /** 406: the client asked for a representation this answer does not have (e.g. an image of inspect). */
    public static final class NotAcceptable extends AppException {
        public NotAcceptable(String detail) {
            super(406, "not-acceptable", "Not acceptable", detail, null);
        }
    }

    /** 413: the upload is larger than the configured byte limit. */
    public static final class PayloadTooLarge extends AppException {
        public PayloadTooLarge(String detail) {
            super(413, "too-large", "Upload too large", detail, null);
        }
    }

    /** 415: the bytes are not an image format we read (whatever the name or Content-Type says). */
    public static final class UnsupportedFormat extends AppException {
        public UnsupportedFormat(String detail) {
            super(415, "unsupported-format", "Unsupported image format", detail, null);
        }
    }

    /** 422: a format we read, but the image is corrupt, truncated, or over a pixel/time limit. */
    public static final class UnprocessableImage extends AppException {
        public UnprocessableImage(String detail) {
            this(detail, null);
        }

        public UnprocessableImage(String detail, Throwable cause) {
            super(422, "unprocessable-image", "Image cannot be processed", detail, cause);
        }
    }

    /** 429: the work queue is full; try again after the estimated drain time. */
    public static final class QueueFull extends AppException {
        /** The header a refused client gets its place in line in, and sends back to keep it. */
        public static final String TICKET_HEADER = "Pixelwise-Ticket";
        private final long retryAfterSeconds;
        private final String ticket;

        public QueueFull(long retryAfterSeconds) {
            this(retryAfterSeconds, null, 0);
        }

        /** With a place in line: {@code ahead} clients were refused before this one and are still waiting. */
        public QueueFull(long retryAfterSeconds, String ticket, int ahead) {
            super(429, "queue-full", "Too many jobs", ticket == null
                    ? "The work queue is full; retry in about " + retryAfterSeconds + " s"
                    : "The work queue is full; " + (ahead == 0 ? "you are next" : ahead + " ahead of you")
                    + ". Retry in about " + retryAfterSeconds + " s with the header " + TICKET_HEADER + ": " + ticket
                    + " to keep your place", null);
            this.retryAfterSeconds = retryAfterSeconds;
            this.ticket = ticket;
        }

        @Override
        public Long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** The place in line to send back, or null. */
        public String ticket() {
            return ticket;
        }
    }

    /** 503: a job ran past its time limit and was stopped. */
    public static final class JobTimedOut extends AppException {
        public JobTimedOut(String detail) {
            super(503, "job-timeout", "Job timed out", detail, null);
        }

        /** Every 503 says when to come back; a busy server may finish the same job later. */
        @Override
        public Long retryAfterSeconds() {
            return 60L;
        }
    }

    /** 503: the model a job needs is not on this server (yet); the message says why. */
    public static final class ModelUnavailable extends AppException {
        public ModelUnavailable(String detail) {
            super(503, "model-unavailable", "Model unavailable", detail, null);
        }

        @Override
        public Long retryAfterSeconds() {
            return 30L;
        }
    }

    /** 401: API keys are on and the request carries none, or an unknown one. */
    public static final class Unauthorized extends AppException {
        public Unauthorized(String detail) {
            super(401, "unauthorized", "API key required", detail, null);
        }
    }

    /** 403: a page form without its CSRF token, or with another page's (api.Csrf). */
    public static final class Forbidden extends AppException {
        public Forbidden(String detail) {
            super(403, "forbidden", "Request refused", detail, null);
        }
    }

    /** 429: this API key used up its request budget; try again when its bucket has a token. */
    public static final class RateLimited extends AppException {
        private final long retryAfterSeconds;

        public RateLimited(long retryAfterSeconds) {
            super(429, "rate-limited", "Too many requests",
                    "This API key is over its request rate; retry in about " + retryAfterSeconds + " s", null);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public Long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** 408: the request body was still arriving when the upload deadline passed. */
    public static final class UploadTimedOut extends AppException {
        public UploadTimedOut(String detail) {
            super(408, "upload-timeout", "Upload too slow", detail, null);
        }
    }

    /** 503: the shared job queue (Redis) is unreachable or too busy right now; nothing was queued. */
    public static final class QueueUnavailable extends AppException {
        public QueueUnavailable(String detail, Throwable cause) {
            super(503, "queue-unavailable", "Job queue unavailable", detail, cause);
        }

        @Override
        public Long retryAfterSeconds() {
            return 5L;
        }
    }

    /** 400: the multipart body cannot be read as a form (no boundary, broken framing, an over-long part header). */
    public static final class MalformedForm extends AppException {
        public MalformedForm(String detail) {
            super(400, "malformed-form", "Malformed multipart form", detail, null);
        }
    }

    /** 413: the form is over one of its framing limits (field count, field size); the detail names it. */
    public static final class FormTooLarge extends AppException {
        public FormTooLarge(String detail) {
            super(413, "form-too-large", "Form over a limit", detail, null);
        }
    }
}
