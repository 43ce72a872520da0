package dev.pixelwise.load;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A load run against a Pixelwise server: N clients submit jobs of a weighted task mix for a
 * while, each following its job to the end, while {@link MetricsSampler} watches the server.
 * JDK only (java.net.http), so it runs from target/test-classes alone:
 * <pre>java -cp target/test-classes dev.pixelwise.load.LoadRun --base-url http://127.0.0.1:8080 --clients 64 --duration 60s</pre>
 * It talks to loopback only unless {@code --allow-remote} is given. Exit code 0 when every answer
 * was 2xx, 429 or 503 and every job ended; 2 otherwise; 1 for bad arguments.
 */
public final class LoadRun {

    private LoadRun() {
    }

    /**
     * @param maxRequests  HTTP requests (submits, polls, retries) after which no new job is submitted;
     *                     jobs already accepted are still polled to their end
     * @param mix          task → weight
     * @param dataDir      the server's pixelwise.jobs.data-dir, when local, to count its files; may be null
     * @param warmup       samples before this are left out of the growth comparison
     * @param jobTimeout   an accepted job not ended after this long is reported as hung (more than the server's 5 min)
     * @param maxRetryWait the longest a client sleeps on one Retry-After
     * @param settle       after the last job, keep sampling this long (threads, files going back down)
     * @param jsonOut      where the JSON summary goes; may be null
     * @param appPid       the server's process id when it runs on this machine (for its RSS); may be null
     * @param primeRounds  before the clock starts, this many rounds of one job per task, one at a time
     *                     (models load, the JIT warms); not counted
     */
    public record Options(URI baseUrl, int clients, Duration duration, long maxRequests, Map<String, Integer> mix, long seed,
                          boolean allowRemote, Path dataDir, Duration sampleEvery, Duration warmup, Duration jobTimeout,
                          Duration maxRetryWait, Duration settle, Path jsonOut, Long appPid, int primeRounds) {

        public static final String DEFAULT_MIX = "inspect=1,quantize=1,classify=1,upscale=1,segment=1";

        public Options {
            if (clients < 1 || clients > 4096) {
                throw new IllegalArgumentException("clients must be 1..4096, was " + clients);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            if (primeRounds < 0) {
                throw new IllegalArgumentException("prime rounds must be ≥ 0");
            }
            if (maxRequests < 1) {
                throw new IllegalArgumentException("max requests must be at least 1");
            }
            mix = Collections.unmodifiableMap(new LinkedHashMap<>(mix)); // order fixed, so a seed repeats a run
        }

        /** 64 clients for 60 s, every task alike, seed 1, samples every 5 s, no data folder, no JSON file. */
        public static Options defaults(URI baseUrl) {
            return new Options(baseUrl, 64, Duration.ofSeconds(60), 1_000_000, LoadTasks.parseMix(DEFAULT_MIX), 1, false, null,
                    Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(6), Duration.ofSeconds(30), Duration.ofSeconds(5), null, null, 0);
        }

        public Options withClients(int n) {
            return new Options(baseUrl, n, duration, maxRequests, mix, seed, allowRemote, dataDir, sampleEvery, warmup,
                    jobTimeout, maxRetryWait, settle, jsonOut, appPid, primeRounds);
        }

        public Options withDuration(Duration d) {
            return new Options(baseUrl, clients, d, maxRequests, mix, seed, allowRemote, dataDir, sampleEvery, warmup,
                    jobTimeout, maxRetryWait, settle, jsonOut, appPid, primeRounds);
        }

        public Options withDataDir(Path dir) {
            return new Options(baseUrl, clients, duration, maxRequests, mix, seed, allowRemote, dir, sampleEvery, warmup,
                    jobTimeout, maxRetryWait, settle, jsonOut, appPid, primeRounds);
        }

        public Options withSampling(Duration every, Duration warmupTime, Duration settleTime) {
            return new Options(baseUrl, clients, duration, maxRequests, mix, seed, allowRemote, dataDir, every, warmupTime,
                    jobTimeout, maxRetryWait, settleTime, jsonOut, appPid, primeRounds);
        }

        public Options withJobTimeout(Duration timeout) {
            return new Options(baseUrl, clients, duration, maxRequests, mix, seed, allowRemote, dataDir, sampleEvery, warmup,
                    timeout, maxRetryWait, settle, jsonOut, appPid, primeRounds);
        }

        public Options withAppPid(Long pid) {
            return new Options(baseUrl, clients, duration, maxRequests, mix, seed, allowRemote, dataDir, sampleEvery, warmup,
                    jobTimeout, maxRetryWait, settle, jsonOut, pid, primeRounds);
        }

        public Options withPrimeRounds(int rounds) {
            return new Options(baseUrl, clients, duration, maxRequests, mix, seed, allowRemote, dataDir, sampleEvery, warmup,
                    jobTimeout, maxRetryWait, settle, jsonOut, appPid, rounds);
        }

        public Options withJsonOut(Path file) {
            return new Options(baseUrl, clients, duration, maxRequests, mix, seed, allowRemote, dataDir, sampleEvery, warmup,
                    jobTimeout, maxRetryWait, settle, file, appPid, primeRounds);
        }
    }

    /**
     * Latencies in ms of succeeded jobs: e2e = client's first submit attempt (429 waits included)
     * until it saw the job end (poll granularity included); server = the job's createdAt → finishedAt.
     * failures: failed jobs by problem status and type.
     */
    public record TaskSummary(long submitted, long succeeded, long failed, Map<String, Long> failures, long cancelled,
                              long hung, long abandoned, long rejected, Double e2eP50Ms, Double e2eP99Ms, Double e2eMaxMs,
                              Double serverP50Ms, Double serverP99Ms) {
    }

    /**
     * http: every answer by status ("io:…" for transport failures, counted in httpOther); problems:
     * every non-2xx answer by status, problem type and Retry-After presence; retryAfterSeconds: the
     * Retry-After values received and how often. jobsPerSecond = succeeded
     * jobs / elapsed seconds (load phase plus the drain of accepted jobs).
     */
    public record Summary(String baseUrl, String startedAt, int clients, double durationSeconds, double elapsedSeconds,
                          long seed, Map<String, Integer> mix, long requests, Map<String, Long> http, long http2xx,
                          long http429, long http503, long httpOther, Map<String, Long> problems,
                          Map<String, Long> retryAfterSeconds, Map<String, Long> retryWaitMs, long succeeded,
                          double jobsPerSecond, Map<String, TaskSummary> tasks, List<String> hungJobs, long unexpected,
                          List<String> unexpectedSamples, MetricsSampler.Report resources) {

        /** Every answer was 2xx, 429 or 503, nothing surprising was seen, and every accepted job ended. */
        public boolean clean() {
            return httpOther == 0 && unexpected == 0 && hungJobs.isEmpty();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadRun: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(1);
            return;
        }
        Summary summary = run(options);
        print(summary, System.out);
        if (options.jsonOut() != null) {
            System.out.println("JSON summary: " + options.jsonOut().toAbsolutePath());
        }
        System.exit(summary.clean() ? 0 : 2);
    }

    /** Runs the load, writes the JSON summary if asked, and returns the summary. */
    public static Summary run(Options o) throws InterruptedException {
        requireLoopback(o.baseUrl(), o.allowRemote());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        LoadTasks fixtures = new LoadTasks(o.seed());
        if (o.primeRounds() > 0) {
            System.err.println("Priming: " + LoadClient.prime(o, http, fixtures));
        }
        LoadStats stats = new LoadStats();
        MetricsSampler sampler = new MetricsSampler(http, o.baseUrl(), o.dataDir(), o.appPid(), o.sampleEvery());
        String startedAt = Instant.now().toString();
        sampler.sampleNow();
        sampler.start();
        long start = System.nanoTime();
        long deadline = start + o.duration().toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < o.clients(); i++) {
            Thread t = new Thread(new LoadClient(i, o, http, fixtures, stats, deadline), "load-client-" + i);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
        double loadEnd = sampler.secondsSinceStart() + o.duration().toMillis() / 1000.0;
        try {
            for (Thread t : clients) {
                t.join();
            }
        } finally {
            clients.forEach(Thread::interrupt);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Thread.sleep(o.settle().toMillis());
        sampler.stop();
        Summary summary = stats.summary(o, startedAt, elapsed,
                sampler.report(o.warmup().toMillis() / 1000.0, Math.min(loadEnd, sampler.secondsSinceStart())));
        if (o.jsonOut() != null) {
            try {
                Path parent = o.jsonOut().toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Files.writeString(o.jsonOut(), Json.write(summary));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write " + o.jsonOut(), e);
            }
        }
        return summary;
    }

    /** Refuses a base URL whose host is not a loopback address (every address it resolves to). */
    static void requireLoopback(URI base, boolean allowRemote) {
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("The base URL must be http(s): " + base);
        }
        if (allowRemote) {
            return;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(base.getHost())) {
                if (!a.isLoopbackAddress()) {
                    throw new IllegalArgumentException(base.getHost() + " is " + a.getHostAddress()
                            + ", not loopback; pass --allow-remote to load a server elsewhere");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Unknown host in " + base, e);
        }
    }

    static final String USAGE = """
            Usage: java -cp target/test-classes dev.pixelwise.load.LoadRun --base-url URL [options]
              --clients N          concurrent clients (64)
              --duration D         how long clients submit new jobs, e.g. 60s, 10m (60s)
              --max-requests N     stop submitting after this many HTTP requests (1000000)
              --mix T=W,...        task weights among inspect, quantize, classify, upscale, segment (all 1)
              --seed N             fixtures and task choices (1)
              --data-dir PATH      the server's pixelwise.jobs.data-dir, to count its files
              --sample-every D     metrics poll interval (5s)
              --warmup D           left out of the growth comparison (0s)
              --settle D           keep sampling after the last job (5s)
              --job-timeout D      report an accepted job as hung after this long (6m)
              --max-retry-wait D   longest sleep on one Retry-After (30s)
              --json PATH          write the JSON summary here
              --app-pid PID        the server's pid, when local, to sample its RSS from /proc
              --prime N            first, N rounds of one job per task, one at a time, not counted (0)
              --allow-remote       allow a base URL that is not loopback
            """;

    static Options parse(String[] args) {
        URI base = null;
        String mix = Options.DEFAULT_MIX;
        int clients = 64;
        Duration duration = Duration.ofSeconds(60);
        long maxRequests = 1_000_000;
        long seed = 1;
        boolean allowRemote = false;
        Path dataDir = null;
        Duration every = Duration.ofSeconds(5);
        Duration warmup = Duration.ZERO;
        Duration settle = Duration.ofSeconds(5);
        Duration jobTimeout = Duration.ofMinutes(6);
        Duration maxRetryWait = Duration.ofSeconds(30);
        Path json = null;
        int prime = 0;
        Long pid = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--allow-remote")) {
                allowRemote = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException("usage");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--base-url" -> base = URI.create(v.endsWith("/") ? v : v + "/");
                case "--clients" -> clients = Integer.parseInt(v);
                case "--duration" -> duration = duration(v);
                case "--max-requests" -> maxRequests = Long.parseLong(v);
                case "--mix" -> mix = v;
                case "--seed" -> seed = Long.parseLong(v);
                case "--data-dir" -> dataDir = Path.of(v);
                case "--sample-every" -> every = duration(v);
                case "--warmup" -> warmup = duration(v);
                case "--settle" -> settle = duration(v);
                case "--job-timeout" -> jobTimeout = duration(v);
                case "--max-retry-wait" -> maxRetryWait = duration(v);
                case "--json" -> json = Path.of(v);
                case "--prime" -> prime = Integer.parseInt(v);
                case "--app-pid" -> pid = Long.valueOf(v);
                default -> throw new IllegalArgumentException("Unknown option " + a);
            }
        }
        if (base == null) {
            throw new IllegalArgumentException("--base-url is required");
        }
        Options o = new Options(base, clients, duration, maxRequests, LoadTasks.parseMix(mix), seed, allowRemote, dataDir, every,
                warmup, jobTimeout, maxRetryWait, settle, json, pid, prime);
        requireLoopback(o.baseUrl(), o.allowRemote());
        return o;
    }

    /** "90" (seconds), "90s", "500ms", "10m". */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(s));
    }

    /** The compact human table. */
    public static void print(Summary s, PrintStream out) {
        out.printf(Locale.ROOT, "%nPixelwise load: %d clients, %.0f s of submitting, %.1f s in all, seed %d, %s%n",
                s.clients(), s.durationSeconds(), s.elapsedSeconds(), s.seed(), s.baseUrl());
        out.printf(Locale.ROOT, "HTTP: %d requests; 2xx %d, 429 %d, 503 %d, other %d  %s%n", s.requests(), s.http2xx(),
                s.http429(), s.http503(), s.httpOther(), s.http());
        s.problems().forEach((k, v) -> out.printf(Locale.ROOT, "  non-2xx %-45s %d%n", k, v));
        if (!s.retryAfterSeconds().isEmpty()) {
            out.printf(Locale.ROOT, "  Retry-After seconds received: %s%n", s.retryAfterSeconds());
        }
        if (!s.retryWaitMs().isEmpty()) {
            out.printf(Locale.ROOT, "  Refused, then accepted (first 429 → 202), ms: %s%n", s.retryWaitMs());
        }
        out.printf(Locale.ROOT, "Jobs: %d succeeded, %.2f jobs/s%n%n", s.succeeded(), s.jobsPerSecond());
        out.printf(Locale.ROOT, "%-9s %9s %9s %7s %5s %9s %8s %10s %10s %10s %10s %10s%n", "task", "submitted", "succeeded",
                "failed", "hung", "abandoned", "rejected", "e2e p50", "e2e p99", "e2e max", "srv p50", "srv p99");
        s.tasks().forEach((task, t) -> out.printf(Locale.ROOT, "%-9s %9d %9d %7d %5d %9d %8d %10s %10s %10s %10s %10s%n",
                task, t.submitted(), t.succeeded(), t.failed(), t.hung(), t.abandoned(), t.rejected(), ms(t.e2eP50Ms()),
                ms(t.e2eP99Ms()), ms(t.e2eMaxMs()), ms(t.serverP50Ms()), ms(t.serverP99Ms())));
        s.tasks().forEach((task, t) -> t.failures().forEach((k, v) ->
                out.printf(Locale.ROOT, "  %s failed: %s × %d%n", task, k, v)));
        MetricsSampler.Report r = s.resources();
        if (r != null) {
            out.printf(Locale.ROOT, "%nServer (%d samples every %.0f s)  start → end (max)%n", r.samples(), r.everySeconds());
            out.printf(Locale.ROOT, "  heap used MB      %s   of max %s%n", mb(r.heapUsed()), r.heapMaxBytes() < 0 ? "?"
                    : String.valueOf(r.heapMaxBytes() >> 20));
            out.printf(Locale.ROOT, "  heap committed MB %s%n", mb(r.heapCommitted()));
            out.printf(Locale.ROOT, "  gc live data MB   %s%n", mb(r.gcLiveData()));
            if (r.rss().max() > 0) {
                out.printf(Locale.ROOT, "  process RSS MB    %s%n", mb(r.rss()));
            }
            out.printf(Locale.ROOT, "  live threads      %s%n", plain(r.threads()));
            out.printf(Locale.ROOT, "  open files        %s%n", plain(r.openFiles()));
            out.printf(Locale.ROOT, "  files in data dir %s%n", plain(r.filesOnDisk()));
            out.printf(Locale.ROOT, "  queue depth       %s%n", plain(r.queueDepth()));
            if (r.growth() != null) {
                MetricsSampler.Growth g = r.growth();
                out.printf(Locale.ROOT, "  growth, first vs last %.0f s window (t=%.0f…%.0f s):%n", g.windowSeconds(),
                        g.firstWindowStart(), g.lastWindowEnd());
                g.metrics().forEach((k, d) -> out.printf(Locale.ROOT, "    %-16s %14.1f → %14.1f  (%+.1f)%n", k, d.first(),
                        d.last(), d.change()));
            }
        }
        if (!s.hungJobs().isEmpty()) {
            out.println("\nHung jobs:");
            s.hungJobs().forEach(h -> out.println("  " + h));
        }
        if (s.unexpected() > 0) {
            out.printf(Locale.ROOT, "%nUnexpected answers: %d (first %d)%n", s.unexpected(), s.unexpectedSamples().size());
            s.unexpectedSamples().forEach(u -> out.println("  " + u));
        }
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static String mb(MetricsSampler.Range r) {
        return String.format(Locale.ROOT, "%d → %d (%d)", r.start() >> 20, r.end() >> 20, r.max() >> 20);
    }

    private static String plain(MetricsSampler.Range r) {
        return String.format(Locale.ROOT, "%d → %d (%d)", r.start(), r.end(), r.max());
    }
}
