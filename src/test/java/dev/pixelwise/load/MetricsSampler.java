package dev.pixelwise.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Polls the server's Prometheus page every few seconds during a run (heap used, live threads,
 * open files, queue) and counts the files under the job data folder when it is local. Calls
 * nothing that changes the server (no forced GC): "after GC" figures are the heap's lowest
 * sample in a window and the JVM's own old-generation live size after its last major GC.
 */
final class MetricsSampler {

    /**
     * One poll; jobsEnded = the server's count of jobs that succeeded, failed or were cancelled;
     * rssBytes = the server process's resident set (heap, ND4J's off-heap buffers, code), read from
     * /proc when its pid is known, since /q/metrics has no RSS; RSS minus heapCommitted is roughly
     * the native part; -1 where the value was not available (metric missing, folder unreadable). */
    record Sample(double t, long heapUsed, long heapCommitted, long heapMax, long gcLiveData, long threads, long openFiles,
                  long filesOnDisk, long queueDepth, long workersBusy, long jobsEnded, long rssBytes) {
    }

    /** Start (first sample), end (last sample), max over the run. */
    record Range(long start, long end, long max) {
    }

    /**
     * Growth between the first and last window after warm-up, both inside the load phase.
     * heapFloor and filesOnDiskFloor = lowest sample in the window (what survived the app's own
     * collections, and the expiry sweeps); the others are window means (gcLiveData: the JVM's live
     * old-gen size after its last major GC); jobsPerSecond = jobs the server ended per second in the window.
     */
    record Growth(double windowSeconds, double firstWindowStart, double lastWindowEnd,
                  Map<String, Delta> metrics) {
    }

    /** A metric's value in the first and the last window, and last − first. */
    record Delta(double first, double last, double change) {
    }

    record Report(int samples, double everySeconds, long heapMaxBytes, Range heapUsed, Range heapCommitted,
                  Range gcLiveData, Range rss,
                  Range threads, Range openFiles, Range filesOnDisk, Range queueDepth, Growth growth, List<Sample> series) {
    }

    private final HttpClient http;
    private final URI metrics;
    private final Path dataDir;
    private final Path procStatus;
    private final Duration every;
    private final List<Sample> samples = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private Thread thread;

    /** @param appPid the server's process id when it runs on this machine, for its RSS; null if unknown */
    MetricsSampler(HttpClient http, URI base, Path dataDir, Long appPid, Duration every) {
        this.http = http;
        this.metrics = base.resolve("/q/metrics");
        this.dataDir = dataDir;
        this.procStatus = appPid == null ? null : Path.of("/proc", appPid.toString(), "status");
        this.every = every;
    }

    void start() {
        thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    sampleNow();
                    Thread.sleep(every.toMillis());
                }
            } catch (InterruptedException e) {
                // stop() asked us to end
            }
        }, "load-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops polling and takes one final sample. */
    void stop() throws InterruptedException {
        thread.interrupt();
        thread.join();
        sampleNow();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - t0) / 1e9;
    }

    void sampleNow() throws InterruptedException {
        double t = secondsSinceStart();
        Map<String, Double> m = Map.of();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                m = parse(r.body());
            }
        } catch (IOException e) {
            // a sample with -1s shows the gap
        }
        Sample s = new Sample(t, get(m, "heap_used"), get(m, "heap_committed"), get(m, "heap_max"), get(m, "jvm_gc_live_data_size_bytes"),
                get(m, "jvm_threads_live_threads"), get(m, "process_files_open_files"), countFiles(),
                get(m, "pixelwise_queue_depth"), get(m, "pixelwise_workers_busy"), get(m, "jobs_ended"), rss());
        synchronized (samples) {
            samples.add(s);
        }
    }

    private static long get(Map<String, Double> m, String key) {
        Double v = m.get(key);
        return v == null ? -1 : Math.round(v);
    }

    /** The unlabelled gauges by name, heap used/max summed over the heap pools, and jobs ended summed over tasks. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        double heapUsed = 0;
        double heapMax = 0;
        double heapCommitted = 0;
        boolean sawHeap = false;
        double jobsEnded = 0;
        boolean sawJobs = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = line.substring(0, space);
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (name.startsWith("jvm_memory_used_bytes{") && name.contains("area=\"heap\"")) {
                heapUsed += value;
                sawHeap = true;
            } else if (name.startsWith("jvm_memory_committed_bytes{") && name.contains("area=\"heap\"")) {
                heapCommitted += value;
            } else if (name.startsWith("jvm_memory_max_bytes{") && name.contains("area=\"heap\"") && value > 0) {
                heapMax += value; // G1 reports -1 for eden and survivor; old gen carries -Xmx
            } else if (name.startsWith("pixelwise_jobs_total{") && (name.contains("status=\"succeeded\"")
                    || name.contains("status=\"failed\"") || name.contains("status=\"cancelled\""))) {
                jobsEnded += value;
                sawJobs = true;
            } else if (!name.contains("{")) {
                out.put(name, value);
            }
        }
        if (sawJobs) {
            out.put("jobs_ended", jobsEnded);
        }
        if (sawHeap) {
            out.put("heap_used", heapUsed);
            out.put("heap_max", heapMax);
            out.put("heap_committed", heapCommitted);
        }
        return out;
    }

    /** VmRSS from /proc/PID/status in bytes; -1 without a pid or on a system without /proc. */
    private long rss() {
        if (procStatus == null) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // the kernel reports kB
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone or unreadable: -1
        }
        return -1;
    }

    /** Regular files under the data folder; -1 when there is none to look at. Tolerates files vanishing mid-walk. */
    private long countFiles() {
        if (dataDir == null || !Files.isDirectory(dataDir)) {
            return -1;
        }
        long[] n = {0};
        try {
            Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        n[0]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return n[0];
    }

    /**
     * @param warmupSeconds  samples before this are left out of the growth comparison
     * @param loadEndSeconds the load phase's end (drain and settle samples are left out of growth)
     */
    Report report(double warmupSeconds, double loadEndSeconds) {
        List<Sample> all;
        synchronized (samples) {
            all = List.copyOf(samples);
        }
        long heapMax = all.stream().mapToLong(Sample::heapMax).max().orElse(-1);
        return new Report(all.size(), every.toMillis() / 1000.0, heapMax,
                range(all, Sample::heapUsed), range(all, Sample::heapCommitted), range(all, Sample::gcLiveData), range(all, Sample::rssBytes), range(all, Sample::threads),
                range(all, Sample::openFiles), range(all, Sample::filesOnDisk), range(all, Sample::queueDepth),
                growth(all, warmupSeconds, loadEndSeconds), all);
    }

    private static Range range(List<Sample> all, ToDoubleFunction<Sample> f) {
        if (all.isEmpty()) {
            return new Range(-1, -1, -1);
        }
        long max = (long) all.stream().mapToDouble(f).max().orElse(-1);
        return new Range((long) f.applyAsDouble(all.get(0)), (long) f.applyAsDouble(all.get(all.size() - 1)), max);
    }

    /** Null when the load phase after warm-up holds fewer than 4 samples. Windows are 60 s, or a third of that phase if shorter. */
    static Growth growth(List<Sample> all, double warmup, double loadEnd) {
        List<Sample> phase = all.stream().filter(s -> s.t() >= warmup && s.t() <= loadEnd).toList();
        if (phase.size() < 4) {
            return null;
        }
        double from = phase.get(0).t();
        double to = phase.get(phase.size() - 1).t();
        double window = Math.min(60, (to - from) / 3);
        List<Sample> first = phase.stream().filter(s -> s.t() <= from + window).toList();
        List<Sample> last = phase.stream().filter(s -> s.t() >= to - window).toList();
        Map<String, Delta> out = new LinkedHashMap<>();
        out.put("heapFloorBytes", delta(min(first, Sample::heapUsed), min(last, Sample::heapUsed)));
        out.put("gcLiveDataBytes", delta(mean(first, Sample::gcLiveData), mean(last, Sample::gcLiveData)));
        out.put("rssBytes", delta(mean(first, Sample::rssBytes), mean(last, Sample::rssBytes)));
        out.put("rssMinusHeapCommittedBytes", delta(mean(first, s -> nonHeap(s)), mean(last, s -> nonHeap(s))));
        out.put("threads", delta(mean(first, Sample::threads), mean(last, Sample::threads)));
        out.put("openFiles", delta(mean(first, Sample::openFiles), mean(last, Sample::openFiles)));
        out.put("filesOnDisk", delta(mean(first, Sample::filesOnDisk), mean(last, Sample::filesOnDisk)));
        out.put("filesOnDiskFloor", delta(min(first, Sample::filesOnDisk), min(last, Sample::filesOnDisk)));
        out.put("jobsPerSecond", delta(rate(first), rate(last)));
        return new Growth(window, from, to, out);
    }

    private static Delta delta(double first, double last) {
        return new Delta(first, last, last - first);
    }

    private static double min(List<Sample> s, ToDoubleFunction<Sample> f) {
        return s.stream().mapToDouble(f).filter(v -> v >= 0).min().orElse(Double.NaN);
    }

    private static double nonHeap(Sample s) {
        return s.rssBytes() < 0 || s.heapCommitted() < 0 ? -1 : s.rssBytes() - s.heapCommitted();
    }

    private static double rate(List<Sample> s) {
        Sample a = s.get(0);
        Sample b = s.get(s.size() - 1);
        return a.jobsEnded() < 0 || b.t() <= a.t() ? Double.NaN : (b.jobsEnded() - a.jobsEnded()) / (b.t() - a.t());
    }

    private static double mean(List<Sample> s, ToDoubleFunction<Sample> f) {
        return s.stream().mapToDouble(f).filter(v -> v >= 0).average().orElse(Double.NaN);
    }
}
