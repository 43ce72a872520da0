package dev.pixelwise.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only pages for the quantize result page: a job JSON shaped like the full quantize result
 * (formats, recommendation, quality bar, error map, options used) and one shaped like an old result,
 * with every file generated here, so the page can be tested without the backend producing it.
 * Served at /test-fixture/quantize/{job}/page, /{job} (the JSON) and /{job}/files/{file}.
 */
@Path("/test-fixture/quantize")
public class QuantizeFixtureResource {

    static final int WIDTH = 96;
    static final int HEIGHT = 64;
    /** The k = 4 palette; the picture is four bands, so each colour covers a quarter of the pixels. */
    static final int[] K4 = {0x1f4e79, 0xc55a11, 0x70ad47, 0xffd966};
    static final int K4_BAND_PIXELS = WIDTH / 4 * HEIGHT;
    static final double K4_P99 = 3.5;

    /** The form field k of the last POST to …/rerun. */
    static volatile String lastRerunK;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, byte[]> FILES = files();

    @GET
    @Path("{job}/page")
    @Produces(MediaType.TEXT_HTML)
    public String page(@PathParam("job") String job) {
        return """
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Quantize fixture</title>
                <link rel="stylesheet" href="/static/app.css"></head>
                <body><main id="main"><section class="result" data-result><div class="quantize">
                <link rel="stylesheet" href="/static/compare-viewer.css">
                <link rel="stylesheet" href="/static/quantize.css">
                <script type="module" src="/static/quantize.js"></script>
                <div data-quantize-app data-job="/test-fixture/quantize/%s"></div>
                </div></section></main></body></html>
                """.formatted(job.replaceAll("[^a-z]", ""));
    }

    @GET
    @Path("{job}")
    @Produces(MediaType.APPLICATION_JSON)
    public String job(@PathParam("job") String job) throws IOException {
        Map<String, Object> result = switch (job) {
            case "full" -> fullResult();
            case "old" -> oldResult();
            default -> throw new NotFoundException();
        };
        return JSON.writeValueAsString(Map.of("id", job, "task", "quantize", "status", "succeeded", "progress", 1.0,
                "result", result));
    }

    @GET
    @Path("{job}/files/{file}")
    public Response file(@PathParam("file") String file) {
        byte[] bytes = FILES.get(file);
        if (bytes == null) {
            throw new NotFoundException();
        }
        String type = file.endsWith(".webp") ? "image/webp" : file.endsWith(".jpg") ? "image/jpeg" : "image/png";
        return Response.ok(bytes, type).build();
    }

    @POST
    @Path("{job}/rerun")
    @Consumes({MediaType.MULTIPART_FORM_DATA, MediaType.APPLICATION_FORM_URLENCODED})
    @Produces(MediaType.APPLICATION_JSON)
    public Response rerun(@RestForm("k") String k) {
        lastRerunK = k;
        return Response.accepted(Map.of("id", "fixturererun", "status", "queued"))
                .location(URI.create("/api/v1/jobs/fixturererun")).build();
    }

    // ---------------------------------------------------------------- the results

    private static Map<String, Object> original(boolean withFormats) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("width", WIDTH);
        o.put("height", HEIGHT);
        o.put("bytes", 9000);
        o.put("format", "png");
        o.put("uniqueColors", WIDTH * HEIGHT);
        o.put("losslessBytes", FILES.get("original.png").length);
        o.put("file", "original.png");
        if (withFormats) {
            o.put("losslessEstimated", false);
            o.put("formats", List.of(
                    format("webp", 50, "original-q50.webp", 31.0, 0.90, 2.9, null),
                    format("webp", 80, "original-q80.webp", 36.0, 0.95, 1.9, null),
                    format("jpeg", 50, "original-q50.jpg", 30.0, 0.88, 3.1, null),
                    format("jpeg", 80, "original-q80.jpg", 34.0, 0.93, 2.2, null)));
        }
        return o;
    }

    private static Map<String, Object> format(String format, Integer quality, String file, double psnr, double ssim,
                                              double deltaE, String matchedTo) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("format", format);
        f.put("quality", quality);
        f.put("bytes", FILES.get(file).length);
        f.put("psnr", psnr);
        f.put("ssim", ssim);
        f.put("deltaE", deltaE);
        f.put("file", file);
        f.put("matchedTo", matchedTo);
        return f;
    }

    private static Map<String, Object> variant(int k, double psnr, double ssim, double deltaE, boolean withFormats) {
        Map<String, Object> v = new LinkedHashMap<>();
        String file = "k" + k + ".png";
        v.put("k", k);
        v.put("file", file);
        v.put("bytes", FILES.get(file).length);
        v.put("bitsPerPixel", FILES.get(file).length * 8.0 / (WIDTH * HEIGHT));
        v.put("savedVsOriginal", 0.5);
        v.put("savedVsLossless", 0.6);
        v.put("psnr", psnr);
        v.put("ssim", ssim);
        v.put("deltaE", deltaE);
        v.put("iterations", 7);
        v.put("inertia", 1000.0 / k);
        v.put("converged", "tolerance");
        v.put("lossless", false);
        List<Map<String, Object>> palette = new ArrayList<>();
        int[] colours = k == 4 ? K4 : spread(k);
        for (int c : colours) {
            palette.add(Map.of("color", String.format("#%06x", c), "share", 1.0 / colours.length));
        }
        v.put("palette", palette);
        v.put("timingsMs", Map.of("cluster", 3));
        if (withFormats) {
            v.put("deltaEP99", k == 4 ? K4_P99 : 2.0);
            v.put("errorMap", "k" + k + "-error.png");
            v.put("formats", List.of(
                    format("webp", matchedQuality(k), "k" + k + ".webp", psnr + 4, ssim + 0.02, deltaE - 0.8, "k" + k),
                    format("jpeg", matchedQuality(k), "k" + k + ".jpg", psnr + 2, ssim + 0.01, deltaE - 0.4, "k" + k),
                    format("webp-lossless", null, "k" + k + "-lossless.webp", psnr, ssim, deltaE, "k" + k)));
        }
        return v;
    }

    private static Map<String, Object> fullResult() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("original", original(true));
        r.put("variants", List.of(variant(4, 24.0, 0.80, 4.2, true), variant(16, 30.0, 0.90, 2.6, true)));
        r.put("suggestedK", null);
        r.put("elbowK", 4);
        r.put("target", null);
        r.put("qualityBar", Map.of("metric", "deltaE", "value", 2.3));
        r.put("recommendation", Map.of("format", "webp", "quality", 80, "bytes", FILES.get("original-q80.webp").length,
                "file", "original-q80.webp", "reason", "WebP of the original is the smallest file under the bar",
                "meetsBar", true));
        r.put("timingsMs", Map.of("decode", 1, "cluster", 4, "formats", 9, "total", 20));
        r.put("optionsUsed", Map.of("k", "4,16", "colorSpace", "lab", "formats", "png,webp,jpeg", "qualityBar", "deltaE<=2.3"));
        return r;
    }

    /** What a result looked like before formats: no formats, error map, bar or recommendation. */
    private static Map<String, Object> oldResult() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("original", original(false));
        r.put("variants", List.of(variant(4, 24.0, 0.80, 4.2, false), variant(16, 30.0, 0.90, 2.6, false)));
        r.put("suggestedK", 4);
        r.put("target", null);
        r.put("timingsMs", Map.of("total", 20));
        return r;
    }

    // ---------------------------------------------------------------- the files

    /** The quality standing in for "the original at k's byte count". */
    private static int matchedQuality(int k) {
        return k == 4 ? 40 : 70;
    }

    private static int[] spread(int k) {
        int[] colours = new int[k];
        for (int i = 0; i < k; i++) {
            colours[i] = (i * 255 / (k - 1)) << 16 | (255 - i * 255 / (k - 1)) << 8 | 0x80;
        }
        return colours;
    }

    /** Four vertical bands with a diagonal ripple, so the original is not itself a 4-colour image. */
    private static BufferedImage picture() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int base = K4[x * 4 / WIDTH];
                int ripple = (x + y) % 7 - 3;
                int r = clamp((base >> 16 & 0xff) + ripple * 3);
                int g = clamp((base >> 8 & 0xff) + ripple * 2);
                int b = clamp((base & 0xff) - ripple * 3);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** Each pixel replaced by the nearest of the palette's colours (RGB distance). */
    private static BufferedImage remap(BufferedImage src, int[] palette) {
        BufferedImage out = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = src.getRGB(x, y);
                int best = palette[0];
                long bestD = Long.MAX_VALUE;
                for (int c : palette) {
                    long dr = (p >> 16 & 0xff) - (c >> 16 & 0xff);
                    long dg = (p >> 8 & 0xff) - (c >> 8 & 0xff);
                    long db = (p & 0xff) - (c & 0xff);
                    long d = dr * dr + dg * dg + db * db;
                    if (d < bestD) {
                        bestD = d;
                        best = c;
                    }
                }
                out.setRGB(x, y, best);
            }
        }
        return out;
    }

    private static Map<String, byte[]> files() {
        BufferedImage original = picture();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("original.png", encode(original, "png", null));
        for (int q : new int[] {50, 80}) {
            files.put("original-q" + q + ".webp", encode(original, "webp", q));
            files.put("original-q" + q + ".jpg", encode(original, "jpeg", q));
        }
        for (int k : new int[] {4, 16}) {
            BufferedImage paletted = remap(original, k == 4 ? K4 : spread(k));
            files.put("k" + k + ".png", encode(paletted, "png", null));
            files.put("k" + k + ".webp", encode(original, "webp", matchedQuality(k)));
            files.put("k" + k + ".jpg", encode(original, "jpeg", matchedQuality(k)));
            files.put("k" + k + "-lossless.webp", encode(paletted, "webp", null));
            files.put("k" + k + "-error.png", encode(errorMap(original, paletted), "png", null));
        }
        return Map.copyOf(files);
    }

    /** Red where the two differ most, like the server's ΔE map (here simply the RGB distance). */
    private static BufferedImage errorMap(BufferedImage a, BufferedImage b) {
        BufferedImage out = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                int d = Math.abs((p >> 16 & 0xff) - (q >> 16 & 0xff)) + Math.abs((p >> 8 & 0xff) - (q >> 8 & 0xff))
                        + Math.abs((p & 0xff) - (q & 0xff));
                int v = clamp(d * 8);
                out.setRGB(x, y, v << 16 | (255 - v) / 4);
            }
        }
        return out;
    }

    /** PNG, JPEG or WebP (lossy at {@code quality}, lossless when it is null). */
    private static byte[] encode(BufferedImage img, String format, Integer quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (!format.equals("png")) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                String[] types = param.getCompressionTypes();
                if (types != null && types.length > 0) {
                    param.setCompressionType(format.equals("webp") ? (quality == null ? "Lossless" : "Lossy") : types[0]);
                }
                if (quality != null) {
                    param.setCompressionQuality(quality / 100f);
                }
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
