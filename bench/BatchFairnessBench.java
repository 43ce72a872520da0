import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Is a batch fair to everyone else? Clients each send single quantize jobs one after another (the
 * synchronous endpoint, default options but k) for a while: once with the server otherwise idle,
 * once while a batch of many images runs. Prints each phase's queue wait (the job's startedAt −
 * createdAt) and end-to-end time percentiles and the ratio of the p95 waits (issue #15: ≤ 2×).
 * Usage: java BatchFairnessBench.java BASE_URL [CLIENTS] [SECONDS] [BATCH_IMAGES]
 */
public class BatchFairnessBench {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final Pattern CREATED = Pattern.compile("\"createdAt\":\"([^\"]+)\"");
    static final Pattern STARTED = Pattern.compile("\"startedAt\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int batchImages = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        System.out.println("CPU: " + cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores; " + clients
                + " clients sending single jobs (quantize k=16, 240×180) for " + seconds + " s per phase; batch: "
                + batchImages + " images 480×360, quantize k=16");
        for (int i = 0; i < 5; i++) {
            single(base, png(1000 + i, 240, 180));
        }
        List<long[]> idle = phase(base, clients, seconds);
        String batch = submitBatch(base, batchImages);
        List<long[]> busy = phase(base, clients, seconds);
        String status = get(base + "/api/v1/batches/" + batch);
        int done = count(status, "\"done\":(\\d+)");
        HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/batches/" + batch)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        System.out.println("\n| phase | jobs | wait p50 ms | wait p95 ms | wait p99 ms | e2e p50 ms | e2e p95 ms | 429s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        row("idle server", idle);
        row("batch of " + batchImages + " running (" + done + " done during the phase)", busy);
        double ratio = (double) pct(busy, 0, 95) / Math.max(1, pct(idle, 0, 95));
        System.out.printf(Locale.ROOT, "%np95 wait with the batch / without: %.2f× (target ≤ 2×)%n", ratio);
    }

    static void row(String name, List<long[]> r) {
        long rejected = r.stream().filter(x -> x[2] > 0).count();
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d |%n", name, r.size(), pct(r, 0, 50),
                pct(r, 0, 95), pct(r, 0, 99), pct(r, 1, 50), pct(r, 1, 95), rejected);
    }

    /** {wait ms, e2e ms, 429 count} per finished job. */
    static List<long[]> phase(String base, int clients, int seconds) throws Exception {
        List<long[]> out = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger seed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        out.add(single(base, png(seed.incrementAndGet(), 240, 180)));
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return out;
    }

    static long[] single(String base, byte[] image) throws Exception {
        long t0 = System.nanoTime();
        long rejected = 0;
        while (true) {
            HttpResponse<String> r = HTTP.send(multipart(base + "/api/v1/quantize?timeout=300", Map.of("k", "16"),
                    List.of(image)), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429) {
                rejected++;
                long after = r.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(after * 1000);
                continue;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("single job: " + r.statusCode() + " " + r.body());
            }
            long e2e = (System.nanoTime() - t0) / 1_000_000;
            Matcher c = CREATED.matcher(r.body());
            Matcher s = STARTED.matcher(r.body());
            long wait = c.find() && s.find() ? Duration.between(Instant.parse(c.group(1)), Instant.parse(s.group(1))).toMillis() : -1;
            return new long[] {wait, e2e, rejected};
        }
    }

    static String submitBatch(String base, int n) throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(png(50_000 + i, 480, 360));
        }
        HttpResponse<String> r = HTTP.send(multipart(base + "/api/v1/batches", Map.of("task", "quantize", "k", "16"), images),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("batch: " + r.statusCode() + " " + r.body());
        }
        Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
        m.find();
        return m.group(1);
    }

    static HttpRequest multipart(String url, Map<String, String> fields, List<byte[]> images) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        int i = 0;
        for (byte[] image : images) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"img-" + (i++)
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(image);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    /** A photo-like picture: soft overlapping shapes in many colours. */
    static byte[] png(int seed, int w, int h) throws Exception {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < 60; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 90 + r.nextInt(120)));
            g.fillOval(r.nextInt(w) - w / 4, r.nextInt(h) - h / 4, r.nextInt(w / 2) + 8, r.nextInt(h / 2) + 8);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static int count(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static long pct(List<long[]> r, int column, int p) {
        long[] v = r.stream().mapToLong(x -> x[column]).sorted().toArray();
        if (v.length == 0) {
            return -1;
        }
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }

    static String cpu() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }
}
