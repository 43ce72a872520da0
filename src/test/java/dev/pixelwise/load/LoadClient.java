package dev.pixelwise.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

/**
 * One simulated user, as a well-behaved API client works: submit a job (async), poll its status
 * with a growing interval until it ends, and on 429 (or a 503 with Retry-After) wait as long as
 * the server asks before trying again. Stops submitting at the deadline or when the run's request
 * budget is spent; a job already accepted is still followed to its end (up to the job timeout).
 */
final class LoadClient implements Runnable {

    /** First poll after this long; each next poll waits 1.5× longer, up to {@link #POLL_MAX}. */
    static final Duration POLL_FIRST = Duration.ofMillis(50);
    static final Duration POLL_MAX = Duration.ofMillis(500);
    /** Without a Retry-After header, a 429/503/transport failure is retried after this long. */
    static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final int index;
    private final LoadRun.Options options;
    private final HttpClient http;
    private final LoadTasks fixtures;
    private final LoadStats stats;
    private final long deadlineNanos;
    private final Random random;

    LoadClient(int index, LoadRun.Options options, HttpClient http, LoadTasks fixtures, LoadStats stats, long deadlineNanos) {
        this.index = index;
        this.options = options;
        this.http = http;
        this.fixtures = fixtures;
        this.stats = stats;
        this.deadlineNanos = deadlineNanos;
        this.random = new Random(options.seed() * 1_000_003L + index);
    }

    @Override
    public void run() {
        try {
            while (mayStartJob()) {
                oneJob(LoadTasks.pick(options.mix(), random));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Rounds of one job per task, one at a time, outside the measurement (models load, the JIT
     * warms). Returns what happened, e.g. {@code {inspect=2 succeeded, ...}}.
     */
    static String prime(LoadRun.Options o, HttpClient http, LoadTasks fixtures) throws InterruptedException {
        LoadStats scratch = new LoadStats();
        LoadClient c = new LoadClient(-1, o, http, fixtures, scratch, System.nanoTime() + o.jobTimeout().toNanos());
        for (int round = 0; round < o.primeRounds(); round++) {
            for (String task : o.mix().keySet()) {
                c.oneJob(task);
            }
        }
        StringBuilder b = new StringBuilder();
        for (String task : o.mix().keySet()) {
            LoadStats.TaskCounters t = scratch.task(task);
            b.append(task).append(' ').append(t.succeeded.sum()).append('/').append(o.primeRounds()).append(" succeeded");
            t.failures.forEach((k, v) -> b.append(", failed ").append(k).append(" ×").append(v.sum()));
            b.append("; ");
        }
        return b.toString();
    }

    private boolean mayStartJob() {
        return System.nanoTime() < deadlineNanos && stats.requests.get() < options.maxRequests()
                && !Thread.currentThread().isInterrupted();
    }

    private void oneJob(String task) throws InterruptedException {
        LoadStats.TaskCounters counters = stats.task(task);
        long start = System.nanoTime();
        String id = submit(task, counters);
        if (id == null) {
            return;
        }
        counters.submitted.increment();
        follow(task, id, start, counters);
    }

    /** The accepted job's id, or null when the job was refused for good or the run ended first. */
    private String submit(String task, LoadStats.TaskCounters counters) throws InterruptedException {
        LoadTasks.Profile profile = LoadTasks.PROFILES.get(task);
        Multipart body = new Multipart();
        body.field("task", task);
        profile.fields().forEach(body::field);
        body.file("image", "load-" + task + ".png", "image/png", fixtures.image(task, random));
        byte[] bytes = body.bytes();
        String ticket = null;
        long firstRefusal = 0;
        while (true) {
            // a well-behaved client comes back when told, with the place in line it was given
            HttpRequest.Builder builder = HttpRequest.newBuilder(options.baseUrl().resolve("/api/v1/jobs"))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", body.contentType())
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (ticket != null) {
                builder.header(TICKET_HEADER, ticket);
            }
            HttpRequest request = builder.build();
            if (!mayStartJob()) {
                counters.abandoned.increment();
                return null;
            }
            Answer a = send(request);
            if (a == null) {
                pause(DEFAULT_BACKOFF);
                continue;
            }
            if (a.status == 202 || a.status == 200 || a.status == 201) {
                if (firstRefusal != 0) {
                    stats.retryWaits.add((System.nanoTime() - firstRefusal) / 1_000_000);
                }
                Object id = Json.get(a.json(), "id");
                if (id instanceof String s) {
                    return s;
                }
                stats.unexpected("submit " + task + ": " + a.status + " without a job id: " + a.snippet());
                counters.rejected.increment();
                return null;
            }
            if (a.status == 429 || a.status == 503) {
                if (firstRefusal == 0) {
                    firstRefusal = System.nanoTime();
                }
                if (a.ticket() != null) {
                    ticket = a.ticket();
                }
                pause(a.retryAfter() != null ? a.retryAfter() : DEFAULT_BACKOFF);
                continue;
            }
            stats.unexpected("submit " + task + ": " + a.status + " " + a.snippet());
            counters.rejected.increment();
            pause(Duration.ofMillis(200)); // a broken server must not be hammered in a tight loop
            return null;
        }
    }

    /** Polls until the job ends or the job timeout passes; records the outcome. */
    private void follow(String task, String id, long startNanos, LoadStats.TaskCounters counters) throws InterruptedException {
        URI uri = options.baseUrl().resolve("/api/v1/jobs/" + id);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json").GET().build();
        long giveUp = System.nanoTime() + options.jobTimeout().toNanos();
        Duration wait = POLL_FIRST;
        String last = "queued";
        while (System.nanoTime() < giveUp) {
            Thread.sleep(wait.toMillis());
            wait = Duration.ofMillis(Math.min(POLL_MAX.toMillis(), (long) (wait.toMillis() * 1.5)));
            Answer a = send(request);
            if (a == null) {
                continue;
            }
            if (a.status == 429 || a.status == 503) {
                pause(a.retryAfter() != null ? a.retryAfter() : DEFAULT_BACKOFF);
                continue;
            }
            if (a.status != 200) {
                stats.unexpected("poll " + task + " " + id + ": " + a.status + " " + a.snippet());
                if (a.status == 404) {
                    counters.failures.computeIfAbsent("lost (404 while polling)", k -> new LongAdder())
                            .increment();
                    return;
                }
                continue;
            }
            Object job = a.json();
            Object status = Json.get(job, "status");
            last = String.valueOf(status);
            switch (last) {
                case "succeeded" -> {
                    counters.succeeded.increment();
                    counters.endToEnd.add(System.nanoTime() - startNanos);
                    Long server = serverNanos(job);
                    if (server != null) {
                        counters.server.add(server);
                    }
                    return;
                }
                case "failed" -> {
                    Object error = Json.get(job, "error");
                    Object st = Json.get(error, "status");
                    String type = typeName(Json.get(error, "type"));
                    String key = (st instanceof Double d ? String.valueOf(d.intValue()) : "?") + " " + type;
                    counters.failures.computeIfAbsent(key, k -> new LongAdder()).increment();
                    if (!(st instanceof Double d) || d.intValue() != 503) {
                        stats.unexpected("job " + task + " " + id + " failed: " + a.snippet());
                    }
                    return;
                }
                case "cancelled" -> {
                    counters.cancelled.increment();
                    stats.unexpected("job " + task + " " + id + " cancelled though nobody cancelled it");
                    return;
                }
                case "queued", "running" -> {
                    // still going
                }
                default -> stats.unexpected("poll " + task + " " + id + ": unknown status " + a.snippet());
            }
        }
        stats.hung(task, id, last);
    }

    /** createdAt → finishedAt as the server recorded them (queueing plus running, no HTTP). */
    private static Long serverNanos(Object job) {
        try {
            Object created = Json.get(job, "createdAt");
            Object finished = Json.get(job, "finishedAt");
            if (created instanceof String c && finished instanceof String f) {
                return Duration.between(Instant.parse(c), Instant.parse(f)).toNanos();
            }
        } catch (DateTimeParseException e) {
            // the report shows no server time for it
        }
        return null;
    }

    /** Sleeps {@code d} plus up to 10 % jitter, so clients told the same Retry-After do not return in step. */
    private void pause(Duration d) throws InterruptedException {
        long ms = Math.min(d.toMillis(), options.maxRetryWait().toMillis());
        Thread.sleep(ms + (ms > 0 ? random.nextInt((int) Math.max(1, ms / 10)) : 0));
    }

    private Answer send(HttpRequest request) throws InterruptedException {
        stats.requests.incrementAndGet();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Answer a = new Answer(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null),
                    r.headers().firstValue(TICKET_HEADER).orElse(null));
            stats.response(a.status, a.retryAfterRaw, a.status / 100 == 2 ? null : typeName(Json.get(a.json(), "type")));
            return a;
        } catch (IOException e) {
            stats.transportError(e);
            stats.unexpected(request.method() + " " + request.uri().getPath() + ": " + e);
            return null;
        }
    }

    /** The last path segment of a problem type URI, e.g. "queue-full". */
    static String typeName(Object type) {
        if (!(type instanceof String s)) {
            return "-";
        }
        return s.substring(s.lastIndexOf('/') + 1);
    }

    /** The place in line a 429 gives (the server's AppException.QueueFull.TICKET_HEADER). */
    static final String TICKET_HEADER = "Pixelwise-Ticket";

    private record Answer(int status, String body, String retryAfterRaw, String ticket) {
        /** The body as JSON; null when it is empty or not JSON. */
        Object json() {
            try {
                return body == null || body.isBlank() ? null : Json.parse(body);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** Retry-After in delta-seconds (the form this server sends); null when absent or not a number. */
        Duration retryAfter() {
            if (retryAfterRaw == null) {
                return null;
            }
            try {
                return Duration.ofSeconds(Long.parseLong(retryAfterRaw.trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        String snippet() {
            String b = body == null ? "" : body.replaceAll("\\s+", " ");
            return b.length() > 300 ? b.substring(0, 300) + "…" : b;
        }
    }

    /** A multipart/form-data body built in memory (the fixtures are small). */
    static final class Multipart {
        private final String boundary = "pixelwise-load-" + Long.toHexString(System.nanoTime());
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void field(String name, String value) {
            text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
        }

        void file(String name, String filename, String type, byte[] content) {
            text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n");
            out.writeBytes(content);
            text("\r\n");
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            copy.writeBytes(out.toByteArray());
            copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return copy.toByteArray();
        }

        private void text(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
