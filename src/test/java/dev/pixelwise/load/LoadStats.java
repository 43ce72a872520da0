package dev.pixelwise.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What every client saw, recorded from many threads at once. */
final class LoadStats {

    /** Samples of surprising answers kept for the report (the counts are always complete). */
    static final int MAX_SAMPLES = 40;

    /** Every HTTP answer by status code; transport failures by exception name ("io:…"). */
    private final Map<String, LongAdder> http = new ConcurrentHashMap<>();
    /** Every non-2xx answer by status, problem type and whether it carried Retry-After. */
    private final Map<String, LongAdder> problems = new ConcurrentHashMap<>();
    /** Retry-After values the server sent (seconds, as sent) and how often. */
    private final Map<String, LongAdder> retryAfter = new ConcurrentHashMap<>();
    private final Map<String, TaskCounters> tasks = new ConcurrentHashMap<>();
    private final List<String> hung = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong unexpectedCount = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    /** For submits refused at least once: from the first 429 to the 202, ms. */
    final List<Long> retryWaits = Collections.synchronizedList(new ArrayList<>());

    /** Per-task outcomes. Latencies in nanoseconds of jobs that succeeded. */
    static final class TaskCounters {
        final LongAdder submitted = new LongAdder();
        final LongAdder succeeded = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder hung = new LongAdder();
        final LongAdder abandoned = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        final List<Long> endToEnd = Collections.synchronizedList(new ArrayList<>());
        final List<Long> server = Collections.synchronizedList(new ArrayList<>());
    }

    TaskCounters task(String name) {
        return tasks.computeIfAbsent(name, n -> new TaskCounters());
    }

    void response(int status, String retryAfter, String problemType) {
        http.computeIfAbsent(String.valueOf(status), k -> new LongAdder()).increment();
        if (status / 100 != 2) {
            String key = status + " " + (problemType == null ? "-" : problemType)
                    + (retryAfter != null ? " retry-after" : " no-retry-after");
            problems.computeIfAbsent(key, k -> new LongAdder()).increment();
        }
        if (retryAfter != null) {
            this.retryAfter.computeIfAbsent(retryAfter.trim(), k -> new LongAdder()).increment();
        }
    }

    void transportError(Throwable e) {
        http.computeIfAbsent("io:" + e.getClass().getSimpleName(), k -> new LongAdder()).increment();
    }

    void hung(String task, String jobId, String lastStatus) {
        task(task).hung.increment();
        hung.add(task + " " + jobId + " last seen " + lastStatus);
    }

    void unexpected(String what) {
        unexpectedCount.incrementAndGet();
        synchronized (unexpected) {
            if (unexpected.size() < MAX_SAMPLES) {
                unexpected.add(what);
            }
        }
    }

    LoadRun.Summary summary(LoadRun.Options o, String startedAt, double elapsedSeconds, MetricsSampler.Report resources) {
        Map<String, Long> httpCounts = counts(http);
        long ok = 0;
        long tooMany = 0;
        long unavailable = 0;
        long other = 0;
        for (Map.Entry<String, Long> e : httpCounts.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("2")) {
                ok += e.getValue();
            } else if (k.equals("429")) {
                tooMany += e.getValue();
            } else if (k.equals("503")) {
                unavailable += e.getValue();
            } else {
                other += e.getValue();
            }
        }
        Map<String, LoadRun.TaskSummary> perTask = new TreeMap<>();
        long completed = 0;
        for (Map.Entry<String, TaskCounters> e : tasks.entrySet()) {
            TaskCounters c = e.getValue();
            Map<String, Long> failures = counts(c.failures);
            long failed = failures.values().stream().mapToLong(Long::longValue).sum();
            List<Long> e2e = sorted(c.endToEnd);
            List<Long> srv = sorted(c.server);
            perTask.put(e.getKey(), new LoadRun.TaskSummary(c.submitted.sum(), c.succeeded.sum(), failed, failures,
                    c.cancelled.sum(), c.hung.sum(), c.abandoned.sum(), c.rejected.sum(),
                    millis(percentile(e2e, 0.50)), millis(percentile(e2e, 0.99)), millis(e2e.isEmpty() ? null : e2e.get(e2e.size() - 1)),
                    millis(percentile(srv, 0.50)), millis(percentile(srv, 0.99))));
            completed += c.succeeded.sum();
        }
        List<String> hungJobs;
        synchronized (hung) {
            hungJobs = List.copyOf(hung);
        }
        List<String> samples;
        synchronized (unexpected) {
            samples = List.copyOf(unexpected);
        }
        return new LoadRun.Summary(o.baseUrl().toString(), startedAt, o.clients(), o.duration().toMillis() / 1000.0,
                elapsedSeconds, o.seed(), o.mix(), requests.get(), httpCounts, ok, tooMany, unavailable, other,
                counts(problems), counts(retryAfter), waits(), completed, elapsedSeconds > 0 ? completed / elapsedSeconds : 0, perTask, hungJobs,
                unexpectedCount.get(), samples, resources);
    }

    private Map<String, Long> waits() {
        List<Long> w = sorted(retryWaits);
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        if (!w.isEmpty()) {
            out.put("count", (long) w.size());
            out.put("p50", percentile(w, 0.50));
            out.put("p95", percentile(w, 0.95));
            out.put("p99", percentile(w, 0.99));
            out.put("max", w.get(w.size() - 1));
        }
        return out;
    }

    private static Map<String, Long> counts(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static List<Long> sorted(List<Long> values) {
        List<Long> copy;
        synchronized (values) {
            copy = new ArrayList<>(values);
        }
        Collections.sort(copy);
        return copy;
    }

    /** Nearest-rank percentile; null when there are no values. */
    static Long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static Double millis(Long nanos) {
        return nanos == null ? null : nanos / 1e6;
    }
}
