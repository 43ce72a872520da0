import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.imaging.ImageQuality;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Quantize as users get it: the packaged app over HTTP with default options, files as served,
 * against Debian's pngquant --nofs at the same k, in one run.
 *
 * <p>Tables: (1) bytes, PSNR and mean CIEDE2000 per image and k, ours vs pngquant; (2) WebP and
 * JPEG at our bytes (from the job's own matched-size files); (3) soft-alpha images composited on
 * white and black; (4) end-to-end time, upload to finished job, of k = 16 and of all eight k, vs the
 * pngquant command. Usage: java -cp ... QuantizeE2EBench BASE_URL [--quick | --timing]
 */
public class QuantizeE2EBench {

    static final Path OUT = Path.of("target/bench/e2e");
    static final Path PHOTOS = Path.of("../shared/images");
    static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1: the JDK client would otherwise try an h2c upgrade, which the server answers with a 500 on a multipart POST (noted in docs)
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String base;

    public static void main(String[] args) throws Exception {
        base = args[0];
        boolean quick = List.of(args).contains("--quick");
        boolean timingOnly = List.of(args).contains("--timing");
        boolean alphaOnly = List.of(args).contains("--alpha");
        Files.createDirectories(OUT);
        List<Path> photos = new ArrayList<>();
        photos.add(collage());
        for (String name : List.of("kite_and_cold.jpg", "parrot.jpg", "cat.bmp", "grace_hopper.bmp", "owl.jpg", "hot_dog.jpg")) {
            photos.add(asPng(PHOTOS.resolve(name)));
        }
        if (quick) {
            photos = photos.subList(1, 3);
        }
        System.out.println("CPU: " + cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores; pngquant "
                + exec("pngquant", "--version").trim());
        // warm the app up
        for (int i = 0; i < 3; i++) {
            quantize(photos.get(photos.size() - 1), Map.of("k", "16"));
        }
        if (timingOnly) {
            timing(photos.get(0), 2);
            return;
        }
        if (alphaOnly) {
            alphaTable(false);
            return;
        }

        int[] ks = {16, 64, 256};
        System.out.println("\n| image | k | our bytes | pngquant bytes | bytes ratio | our PSNR | pngquant PSNR | our ΔE | pngquant ΔE | WebP PSNR at our bytes | JPEG PSNR at our bytes | WebP ΔE | JPEG ΔE |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        double logRatio = 0;
        int n = 0;
        int psnrWins = 0;
        int deltaWins = 0;
        for (Path photo : photos) {
            BufferedImage img = ImageIO.read(photo.toFile());
            int[] original = argb(img);
            JsonNode job = quantize(photo, Map.of("k", "16,64,256"));
            for (JsonNode v : job.at("/result/variants")) {
                int k = v.get("k").asInt();
                byte[] ours = file(job, v.get("file").asText());
                int[] oursPx = argb(ImageIO.read(new ByteArrayInputStream(ours)));
                Path pq = OUT.resolve(stem(photo) + "-pq" + k + ".png");
                exec("pngquant", String.valueOf(k), "--nofs", "--force", "--output", pq.toString(), photo.toString());
                int[] pqPx = argb(ImageIO.read(pq.toFile()));
                long pqBytes = Files.size(pq);
                double psnrO = ImageQuality.psnr(original, oursPx);
                double psnrP = ImageQuality.psnr(original, pqPx);
                double dO = ImageQuality.meanDeltaE2000(original, oursPx);
                double dP = ImageQuality.meanDeltaE2000(original, pqPx);
                String webp = "—", jpeg = "—", webpD = "—", jpegD = "—";
                for (JsonNode f : v.path("formats")) {
                    String fmt = f.get("format").asText();
                    if (fmt.equals("webp")) {
                        webp = String.format(Locale.ROOT, "%.2f", f.get("psnr").asDouble());
                        webpD = String.format(Locale.ROOT, "%.2f", f.get("deltaE").asDouble());
                    } else if (fmt.equals("jpeg")) {
                        jpeg = String.format(Locale.ROOT, "%.2f", f.get("psnr").asDouble());
                        jpegD = String.format(Locale.ROOT, "%.2f", f.get("deltaE").asDouble());
                    }
                }
                double ratio = (double) ours.length / pqBytes;
                logRatio += Math.log(ratio);
                n++;
                psnrWins += psnrO >= psnrP ? 1 : 0;
                deltaWins += dO <= dP ? 1 : 0;
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.3f | %.2f | %.2f | %.3f | %.3f | %s | %s | %s | %s |%n",
                        photo.getFileName(), k, ours.length, pqBytes, ratio, psnrO, psnrP, dO, dP, webp, jpeg, webpD, jpegD);
            }
        }
        System.out.printf(Locale.ROOT, "%nGeometric mean bytes ratio (ours / pngquant): %.3f over %d cases; PSNR >= pngquant in %d, ΔE <= pngquant in %d%n",
                Math.exp(logRatio / n), n, psnrWins, deltaWins);

        alphaTable(quick);
        timing(photos.get(0), quick ? 1 : 3);
    }

    /** Soft-alpha images (made here), composited on white and black, ours vs pngquant at the same k. */
    static void alphaTable(boolean quick) throws Exception {
        Map<String, BufferedImage> images = new LinkedHashMap<>();
        images.put("basn6a08.png", ImageIO.read(Path.of("../shared/conformance/pngsuite/basn6a08.png").toFile()));
        images.put("logo-shadow.png", logo(320, 200));
        images.put("icon-shadow.png", icon(64));
        images.put("badge-gradient.png", badge(240, 96));
        System.out.println("\n| image | k | our bytes | pngquant bytes | our alpha levels | pngquant alpha levels | our PSNR on white | pngquant on white | our PSNR on black | pngquant on black | our PSNR on both | pngquant on both |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        int cells = 0, wins = 0, bothWins = 0;
        for (var e : images.entrySet()) {
            Path in = OUT.resolve(e.getKey());
            ImageIO.write(e.getValue(), "png", in.toFile());
            int[] original = argb(e.getValue());
            for (int k : quick ? new int[] {16} : new int[] {8, 16, 64}) {
                JsonNode job = quantize(in, Map.of("k", String.valueOf(k), "formats", "png"));
                byte[] ours = file(job, job.at("/result/variants/0/file").asText());
                int[] o = argb(ImageIO.read(new ByteArrayInputStream(ours)));
                Path pq = OUT.resolve(stem(in) + "-pq" + k + ".png");
                exec("pngquant", String.valueOf(k), "--nofs", "--force", "--output", pq.toString(), in.toString());
                int[] p = argb(ImageIO.read(pq.toFile()));
                double ow = ImageQuality.psnr(on(original, 0xFFFFFF), on(o, 0xFFFFFF));
                double pw = ImageQuality.psnr(on(original, 0xFFFFFF), on(p, 0xFFFFFF));
                double ob = ImageQuality.psnr(on(original, 0), on(o, 0));
                double pb = ImageQuality.psnr(on(original, 0), on(p, 0));
                double oBoth = both(ow, ob), pBoth = both(pw, pb);
                cells += 2;
                wins += (ow >= pw ? 1 : 0) + (ob >= pb ? 1 : 0);
                bothWins += oBoth >= pBoth ? 1 : 0;
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", e.getKey(), k,
                        ours.length, Files.size(pq), alphaLevels(o), alphaLevels(p), ow, pw, ob, pb, oBoth, pBoth);
            }
        }
        System.out.printf(Locale.ROOT, "%nComposited PSNR >= pngquant in %d of %d cells (each background); on both backgrounds together (mean squared error) in %d of %d%n",
                wins, cells, bothWins, cells / 2);
    }

    /** PSNR of the mean squared error over the two backgrounds, from each background's PSNR. */
    static double both(double psnrWhite, double psnrBlack) {
        double mse = (Math.pow(10, -psnrWhite / 10) + Math.pow(10, -psnrBlack / 10)) / 2;
        return -10 * Math.log10(mse);
    }

    /** Upload to finished job for k = 16 and for all eight k (default options), against the pngquant command. */
    static void timing(Path photo, int rounds) throws Exception {
        long pq = Long.MAX_VALUE, one = Long.MAX_VALUE, eight = Long.MAX_VALUE, onePng = Long.MAX_VALUE, eightPng = Long.MAX_VALUE;
        JsonNode lastOne = null, lastEight = null, lastOnePng = null, lastEightPng = null;
        String all = "2,4,8,16,32,64,128,256";
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            exec("pngquant", "16", "--nofs", "--force", "--output", OUT.resolve("timing-pq.png").toString(), photo.toString());
            pq = Math.min(pq, (System.nanoTime() - t0) / 1_000_000);
            t0 = System.nanoTime();
            lastOne = quantize(photo, Map.of("k", "16"));
            one = Math.min(one, (System.nanoTime() - t0) / 1_000_000);
            t0 = System.nanoTime();
            lastEight = quantize(photo, Map.of("k", all));
            eight = Math.min(eight, (System.nanoTime() - t0) / 1_000_000);
            // not the default: the palette PNG alone, without the other formats at matched size
            t0 = System.nanoTime();
            lastOnePng = quantize(photo, Map.of("k", "16", "formats", "png"));
            onePng = Math.min(onePng, (System.nanoTime() - t0) / 1_000_000);
            t0 = System.nanoTime();
            lastEightPng = quantize(photo, Map.of("k", all, "formats", "png"));
            eightPng = Math.min(eightPng, (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.printf(Locale.ROOT, "%n%s (%d bytes), best of %d:%n", photo.getFileName(), Files.size(photo), rounds);
        System.out.println("| measure | ms | ratio |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| pngquant 16 --nofs (command) | %d | 1 |%n", pq);
        System.out.printf(Locale.ROOT, "| ours k=16, default options, upload to finished job | %d | %.2f× pngquant |%n", one, (double) one / pq);
        System.out.printf(Locale.ROOT, "| ours all eight k, default options | %d | %.2f× our k=16 |%n", eight, (double) eight / one);
        System.out.printf(Locale.ROOT, "| ours k=16, formats=png (not the default) | %d | %.2f× pngquant |%n", onePng, (double) onePng / pq);
        System.out.printf(Locale.ROOT, "| ours all eight k, formats=png (not the default) | %d | %.2f× our k=16 formats=png |%n", eightPng, (double) eightPng / onePng);
        System.out.println("k=16 stages (ms): " + lastOne.at("/result/timingsMs"));
        System.out.println("eight k stages (ms): " + lastEight.at("/result/timingsMs"));
        System.out.println("k=16 formats=png stages (ms): " + lastOnePng.at("/result/timingsMs"));
        System.out.println("eight k formats=png stages (ms): " + lastEightPng.at("/result/timingsMs"));
        floor(photo, pq, lastOne);
    }

    /**
     * What the default k=16 job must encode at least, by the peers' own command-line encoders on the raw pixels
     * (no PNG decode): the original as WebP at the curve's q50 and q90 and at the matched size's quality,
     * as JPEG at the same three, and the palette image as lossless WebP at the job's effort. Their CPU
     * alone, against the target's wall time on these cores, says whether 0.5× pngquant can be met with
     * every comparison the default shows.
     */
    static void floor(Path photo, long pqMs, JsonNode job) throws Exception {
        BufferedImage img = ImageIO.read(photo.toFile());
        Path ppm = OUT.resolve("floor.ppm");
        writePpm(img, ppm);
        Path palette = OUT.resolve("floor-palette.png");
        Files.write(palette, file(job, job.at("/result/variants/0/file").asText()));
        JsonNode formats = job.at("/result/variants/0/formats");
        int webpQ = 75, jpegQ = 75;
        for (JsonNode f : formats) {
            if (f.path("format").asText().equals("webp")) {
                webpQ = f.path("quality").asInt();
            } else if (f.path("format").asText().equals("jpeg")) {
                jpegQ = f.path("quality").asInt();
            }
        }
        List<List<String>> commands = new ArrayList<>();
        for (int q : new int[] {50, 90, webpQ}) {
            commands.add(List.of("cwebp", "-quiet", "-q", String.valueOf(q), ppm.toString(), "-o", OUT.resolve("floor.webp").toString()));
        }
        for (int q : new int[] {50, 90, jpegQ}) {
            commands.add(List.of("cjpeg", "-quality", String.valueOf(q), "-outfile", OUT.resolve("floor.jpg").toString(), ppm.toString()));
        }
        commands.add(List.of("cwebp", "-quiet", "-lossless", "-m", "1", "-q", "25", palette.toString(), "-o", OUT.resolve("floor-l.webp").toString()));
        long cpuMs = 0;
        // one encoder at a time, each single-threaded: its wall time is its CPU time
        System.out.println("\nThe default k=16 job's encodes by the peers' encoders (ms, one at a time):");
        for (List<String> c : commands) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (p.exitValue() != 0) {
                System.out.println("  " + String.join(" ", c) + ": not measured (exit " + p.exitValue() + ")");
                continue;
            }
            cpuMs += ms;
            System.out.printf(Locale.ROOT, "  %s: %d ms%n", String.join(" ", c.subList(0, Math.min(c.size(), 6))), ms);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "Encodes alone: %d ms of CPU, %d ms spread over %d cores; the target (0.5× pngquant) is %d ms wall%n",
                cpuMs, cpuMs / cores, cores, pqMs / 2);
    }

    static void writePpm(BufferedImage img, Path out) throws Exception {
        int w = img.getWidth(), h = img.getHeight();
        int[] px = argb(img);
        byte[] header = ("P6\n" + w + " " + h + "\n255\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = new byte[3 * px.length];
        for (int i = 0; i < px.length; i++) {
            body[3 * i] = (byte) (px[i] >>> 16);
            body[3 * i + 1] = (byte) (px[i] >>> 8);
            body[3 * i + 2] = (byte) px[i];
        }
        try (var o = Files.newOutputStream(out)) {
            o.write(header);
            o.write(body);
        }
    }

    // ---- HTTP ----

    static JsonNode quantize(Path image, Map<String, String> fields) throws Exception {
        String boundary = "----pixelwise" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var f : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes());
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                + image.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes());
        body.writeBytes(Files.readAllBytes(image));
        body.writeBytes("\r\n".getBytes());
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"task\"\r\n\r\nquantize\r\n").getBytes());
        // queued, then polled every 20 ms: a waiting request would be cut by the server's 60 s idle timeout
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(withClosing(body, boundary))).build();
        HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 202) {
            throw new IllegalStateException("quantize " + image + " " + fields + ": " + res.statusCode() + " " + res.body());
        }
        String id = JSON.readTree(res.body()).get("id").asText();
        while (true) {
            JsonNode job = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String status = job.path("status").asText();
            if (status.equals("succeeded")) {
                return job;
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                throw new IllegalStateException("quantize " + image + " " + fields + ": " + job);
            }
            Thread.sleep(20);
        }
    }

    static byte[] withClosing(ByteArrayOutputStream body, String boundary) {
        body.writeBytes(("--" + boundary + "--\r\n").getBytes());
        return body.toByteArray();
    }

    static byte[] file(JsonNode job, String name) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + job.get("id").asText() + "/files/" + name)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    // ---- images ----

    static int[] argb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    static int[] on(int[] argb, int background) {
        int[] out = new int[argb.length];
        for (int i = 0; i < argb.length; i++) {
            int a = argb[i] >>> 24;
            int c = 0xFF000000;
            for (int shift = 0; shift <= 16; shift += 8) {
                int fg = (argb[i] >>> shift) & 0xFF;
                int bg = (background >>> shift) & 0xFF;
                c |= ((fg * a + bg * (255 - a) + 127) / 255) << shift;
            }
            out[i] = c;
        }
        return out;
    }

    static int alphaLevels(int[] argb) {
        Set<Integer> levels = new HashSet<>();
        for (int c : argb) {
            levels.add(c >>> 24);
        }
        return levels.size();
    }

    /** An anti-aliased logo: a rounded badge with a ring and text, and a soft drop shadow. */
    static BufferedImage logo(int w, int h) {
        BufferedImage shadow = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D s = shadow.createGraphics();
        s.setColor(new Color(0, 0, 0, 150));
        s.fill(new RoundRectangle2D.Double(24, 26, w - 40, h - 40, 40, 40));
        s.dispose();
        BufferedImage out = blur(blur(shadow, 9), 9);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(30, 110, 220), w, h, new Color(120, 40, 200)));
        g.fill(new RoundRectangle2D.Double(16, 16, w - 40, h - 40, 40, 40));
        g.setColor(new Color(255, 200, 40));
        g.setStroke(new BasicStroke(6));
        g.draw(new Ellipse2D.Double(34, 40, 80, 80));
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 44));
        g.drawString("Pixel", 130, 100);
        g.dispose();
        return out;
    }

    static BufferedImage icon(int size) {
        BufferedImage shadow = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D s = shadow.createGraphics();
        s.setColor(new Color(0, 0, 0, 170));
        s.fill(new Ellipse2D.Double(size * 0.14, size * 0.18, size * 0.72, size * 0.72));
        s.dispose();
        BufferedImage out = blur(shadow, 5);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(230, 60, 60));
        g.fill(new Ellipse2D.Double(size * 0.1, size * 0.1, size * 0.7, size * 0.7));
        g.setColor(new Color(255, 255, 255, 200));
        g.fill(new Ellipse2D.Double(size * 0.25, size * 0.2, size * 0.2, size * 0.15));
        g.dispose();
        return out;
    }

    /** A badge whose alpha falls off in a gradient from left to right. */
    static BufferedImage badge(int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(20, 160, 90, 255), w, 0, new Color(20, 160, 90, 0)));
        g.fill(new RoundRectangle2D.Double(4, 4, w - 8, h - 8, h / 2.0, h / 2.0));
        g.dispose();
        return out;
    }

    static BufferedImage blur(BufferedImage in, int size) {
        float[] k = new float[size * size];
        java.util.Arrays.fill(k, 1f / k.length);
        return new ConvolveOp(new Kernel(size, size, k), ConvolveOp.EDGE_NO_OP, null).filter(in, null);
    }

    /** A 4000×3000 collage of the shared photos: the 12 MP case with real photographic colour. */
    static Path collage() throws Exception {
        Path out = OUT.resolve("collage-12mp.png");
        if (Files.exists(out)) {
            return out;
        }
        var files = PHOTOS.toFile().listFiles((d, n) -> n.endsWith(".jpg") || n.endsWith(".bmp"));
        java.util.Arrays.sort(files);
        int w = 4000, h = 3000, cols = 4, rows = 3, i = 0;
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                g.drawImage(ImageIO.read(files[i++ % files.length]), c * w / cols, r * h / rows, w / cols, h / rows, null);
            }
        }
        g.dispose();
        ImageIO.write(canvas, "png", out.toFile());
        return out;
    }

    static Path asPng(Path photo) throws Exception {
        Path out = OUT.resolve(stem(photo) + ".png");
        if (!Files.exists(out)) {
            BufferedImage in = ImageIO.read(photo.toFile());
            BufferedImage rgb = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(in, 0, 0, null);
            ImageIO.write(rgb, "png", out.toFile());
        }
        return out;
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }

    static String cpu() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    static String exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0 && rc != 99) { // pngquant 99: quality below --quality (not used here)
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + rc + ": " + out);
        }
        return out;
    }
}
