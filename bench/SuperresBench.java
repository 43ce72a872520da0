import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.zoo.Int8Ranges;
import dev.pixelwise.zoo.Precision;
import dev.pixelwise.zoo.tfjs.TfjsGraph;
import dev.pixelwise.zoo.tfjs.TfjsImporter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;

/**
 * Super-resolution benchmark (run through bench/superres.sh; a benchmark, not a timed test), in one run:
 *
 * <ol>
 * <li><b>Speed</b>: esrgan-slim x4 on 256×256 and 512×512 crops and esrgan-thick x4 on a 256×256 crop (issue #18's size) of
 * kite_and_cold.jpg, through the app's tiled path ({@code TiledUpscaler}, the default tile (-Dtile= to change), its CONTEXT, the
 * network adapter of {@code SuperResModels}), against the same weights in PyTorch CPU float32
 * (bench/esrgan_torch_bench.py, torch.set_num_threads(2)) on the identical 8-bit input. 2 warm-up runs,
 * then 5 timed; median and best. Also the untiled single forward on both sides, and PyTorch cut into the
 * same tiles. Max |Δ| of the raw outputs (0..255 scale) proves it is the same network.</li>
 * <li><b>Self-check</b> on the shared photos as {@code UpscaleTask.selfCheck}: crop to a multiple of 4,
 * shrink ×4 ({@code ImageOps.shrinkBicubic}, antialiased bicubic), enlarge back with esrgan-medium x4 (tiled) and
 * with bicubic; PSNR and SSIM against the crop, plus mean Sobel gradient magnitude of the luma relative
 * to the original as a sharpness number. Side-by-side crops are written for a look.</li>
 * </ol>
 *
 * <p>{@code TiledUpscaler} is package-private and a single-file program runs in its own class loader
 * (another runtime package even under the same package name), so it is reached by reflection, the
 * network being a {@link Proxy} of its {@code Network} interface.
 *
 * <p>Options: {@code --skip-speed}, {@code --skip-selfcheck}. The peak RSS of a 2048×2048 x4 job is measured
 * on the app itself by bench/upscale-rss.sh, which bench/superres.sh runs afterwards.
 */
public class SuperresBench {

    static final Path OUT = Path.of("target/bench");
    static final Path PHOTOS = Path.of("../shared/images");
    static final Path ZOO = Path.of(System.getProperty("user.home"), ".cache", "pixelwise", "models");
    /** What the DL4J side computes in: -Dprecision=auto|fp32|bf16|int8, default auto (the app's default). */
    static final Precision PRECISION = Precision.resolve(System.getProperty("precision", "auto"), Precision.AUTO_UPSCALE);
    static final String NPM_VERSION = "1.0.0";
    static final int SCALE = 4;
    static final int TILE = Integer.getInteger("tile", 128); // UpscaleOptions' default tile
    static final int WARMUP = 2;
    static final int RUNS = 5;
    static final List<String> SELF_CHECK = List.of("cat.bmp", "bird.bmp", "parrot.jpg", "grace_hopper.bmp", "sunflower.bmp");

    public static void main(String[] args) throws Exception {
        List<String> opts = List.of(args);
        Files.createDirectories(OUT);
        String loadBefore = loadAverage();
        String env = String.format(Locale.ROOT, "%d cores seen by the JVM, ND4J max threads %d, OMP_NUM_THREADS=%s, "
                        + "benchmark JVM -Xmx %d MiB, OpenJDK %s",
                Runtime.getRuntime().availableProcessors(), Nd4j.getEnvironment().maxThreads(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));
        System.out.println(env + "; load average before: " + loadBefore);
        StringBuilder md = new StringBuilder();
        if (!opts.contains("--skip-speed")) {
            md.append(speed()).append('\n');
        }
        if (!opts.contains("--skip-selfcheck")) {
            md.append(selfCheck()).append('\n');
        }
        md.append("- ").append(env).append("; load average before: ").append(loadBefore)
                .append(", after: ").append(loadAverage()).append('\n');
        Files.writeString(OUT.resolve("superres.md"), md.toString());
        System.out.println();
        System.out.print(md);
        System.out.println("written to " + OUT.resolve("superres.md"));
    }

    // ---------------------------------------------------------------- 1. speed against PyTorch

    static String speed() throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("### Speed: DL4J (app's tiled path) vs PyTorch CPU, same weights, same input\n\n");
        md.append("DL4J precision: ").append(PRECISION.label()).append(" (-Dprecision=").append(System.getProperty("precision", "auto"))
                .append("; the app's default is auto). PyTorch: float32.\n\n");
        md.append("| model | input | tiles | DL4J tiled ms median (best) | DL4J untiled ms | PyTorch untiled ms | "
                + "PyTorch tiled ms | **DL4J tiled / PyTorch untiled** | DL4J tiled / PyTorch tiled | "
                + "DL4J untiled / PyTorch untiled | max abs diff raw (0..255) | tiled 8-bit vs PyTorch: max diff, differing values |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> notes = new ArrayList<>();
        BufferedImage kite = ImageIO.read(PHOTOS.resolve("kite_and_cold.jpg").toFile());
        String only = System.getProperty("only", ""); // e.g. -Donly=thick-256
        for (Object[] c : new Object[][]{{"slim", 256}, {"slim", 512}, {"thick", 256}}) {
            String family = (String) c[0];
            int size = (Integer) c[1];
            if (!(family + "-" + size).contains(only)) {
                continue;
            }
            int cx = (kite.getWidth() - size) / 2;
            int cy = (kite.getHeight() - size) / 2;
            int[] rgb = ImageOps.interleavedRgb(kite.getSubimage(cx, cy, size, size));
            Path modelJson = modelJson(family);
            String name = "esrgan-" + family + "-x4";
            System.out.println(name + " on " + size + "×" + size + " (kite_and_cold.jpg crop at " + cx + "," + cy + "), " + modelJson);

            long tLoad = System.nanoTime();
            double[] tiled;
            double[] untiled;
            float[] raw;
            int[] tiledRgb;
            int tiles;
            try (TfjsGraph graph = new TfjsImporter().loadOrImport(modelJson,
                    OUT.resolve("samediff").resolve(name + ".samediff.fb"))) {
                System.out.printf(Locale.ROOT, "  DL4J graph %s loaded in %d ms%n", graph, ms(tLoad));
                Net net = network(graph, "esrgan-" + family, PRECISION);
                Tiled.Outcome[] last = new Tiled.Outcome[1];
                tiled = timed(() -> last[0] = Tiled.upscale(net, SCALE, TILE, rgb, size, size, p -> {
                }));
                tiledRgb = ImageOps.interleavedRgb(ImageOps.wrapPackedRgb(last[0].rgb(), size * SCALE, size * SCALE));
                tiles = last[0].tiles();
                untiled = timed(() -> net.run(rgb, size, size));
                try (INDArray in = graph.inputFromRgb(rgb, size, size); INDArray out = graph.output(in, PRECISION)) {
                    raw = hwc(out, 255f / graph.outputScale());
                }
                writeFloats(OUT.resolve(name + "-dl4j.f32"), raw);
            }
            System.out.println("  DL4J tiled ms " + Arrays.toString(tiled) + ", untiled ms " + Arrays.toString(untiled));

            Path in = OUT.resolve(name + "-input.rgb");
            Path torchOut = OUT.resolve(name + "-torch.f32");
            byte[] bytes = new byte[rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                bytes[i] = (byte) rgb[i];
            }
            Files.write(in, bytes);
            JsonNode torch = runTorch(modelJson, in, size, torchOut);
            double[] tUntiled = doubles(torch.get("untiled_ms"));
            double[] tTiled = doubles(torch.get("tiled_ms"));
            float[] ref = floats(torchOut, raw.length);

            double maxRaw = 0;
            int max8 = 0;
            int differing = 0;
            for (int i = 0; i < raw.length; i++) {
                maxRaw = Math.max(maxRaw, Math.abs(raw[i] - ref[i]));
                int d = Math.abs(tiledRgb[i] - Math.max(0, Math.min(255, Math.round(ref[i]))));
                max8 = Math.max(max8, d);
                differing += d != 0 ? 1 : 0;
            }
            double dl4jTiled = median(tiled);
            String row = String.format(Locale.ROOT,
                    "| %s | %d×%d | %d | %.0f (%.0f) | %.0f (%.0f) | %.0f (%.0f) | %.0f (%.0f) | **%.2f** | %.2f | %.2f | %.2e | %d, %d of %d |",
                    name, size, size, tiles, dl4jTiled, min(tiled), median(untiled), min(untiled),
                    median(tUntiled), min(tUntiled), median(tTiled), min(tTiled),
                    dl4jTiled / median(tUntiled), dl4jTiled / median(tTiled), median(untiled) / median(tUntiled),
                    maxRaw, max8, differing, raw.length);
            System.out.println(row);
            md.append(row).append('\n');
            notes.add(String.format(Locale.ROOT, "- %s, DL4J in %s: issue #18's target DL4J tiled ≤ 1.0× PyTorch untiled: %s (%.2f×); "
                            + "PyTorch %s, %d threads%s",
                    name, PRECISION.label(), dl4jTiled <= median(tUntiled) ? "met" : "missed", dl4jTiled / median(tUntiled),
                    torch.get("torch").asText(), torch.get("threads").asInt(),
                    maxRaw == 0 ? "; raw outputs bit-identical (both engines run oneDNN's convolutions in the nChw16c "
                            + "layout: zoo.OneDnnConvolutions, PyTorch USE_MKLDNN=ON)" : ""));
        }
        md.append('\n');
        notes.forEach(n -> md.append(n).append('\n'));
        md.append(String.format(Locale.ROOT, "- %d warm-up + %d timed runs each, median (best) wall ms. DL4J tiled = "
                        + "TiledUpscaler, tile %d, context %d, network adapter of SuperResModels (8-bit RGB in/out); "
                        + "untiled = one forward of the whole crop through the same adapter. PyTorch: float32, "
                        + "torch.inference_mode(), forward only on the float tensor; \"tiled\" = the same tile cut in "
                        + "Python. max abs diff raw = DL4J untiled vs PyTorch untiled raw outputs; the 8-bit column "
                        + "compares the app's tiled 8-bit output with PyTorch's untiled output rounded and clamped.%n",
                WARMUP, RUNS, TILE, Tiled.CONTEXT));
        return md.toString();
    }

    interface Timed {
        void run() throws Exception;
    }

    static double[] timed(Timed body) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            body.run();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = Math.round((System.nanoTime() - t0) / 1e5) / 10.0;
        }
        return ms;
    }

    static JsonNode runTorch(Path modelJson, Path in, int size, Path out) throws IOException, InterruptedException {
        List<String> cmd = List.of("/usr/bin/python3", "bench/esrgan_torch_bench.py", modelJson.toString(), in.toString(),
                Integer.toString(size), Integer.toString(size), out.toString(), "--warmup", Integer.toString(WARMUP),
                "--runs", Integer.toString(RUNS), "--threads", "2", "--tile", Integer.toString(TILE),
                "--context", Integer.toString(Tiled.CONTEXT));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // PyTorch with the allocator a deployment tunes (see ClassifyBench.runPython): large activations kept
        pb.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", Integer.toString(32 << 20));
        pb.environment().putIfAbsent("MALLOC_TRIM_THRESHOLD_", Long.toString(1L << 40));
        Process p = pb.start();
        String text;
        try (InputStream s = p.getInputStream()) {
            text = new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
        int rc = p.waitFor();
        String json = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (rc != 0 || json == null) {
            throw new IllegalStateException("bench/esrgan_torch_bench.py failed (exit " + rc + "):\n" + text);
        }
        System.out.println("  torch: " + json);
        return new ObjectMapper().readTree(json);
    }

    // ---------------------------------------------------------------- 2. self-check on the shared photos

    static String selfCheck() throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("### Self-check: shrink ×4, enlarge back with esrgan-medium x4 (tiled) and with bicubic\n\n");
        md.append("| image | reference | PSNR ESRGAN | PSNR bicubic | Δ dB | PSNR ≥ bicubic − 0.5 | SSIM ESRGAN | SSIM bicubic | "
                + "gradient ESRGAN / original | gradient bicubic / original | ESRGAN ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Path modelJson = modelJson("medium");
        int met = 0;
        int sharper = 0;
        try (TfjsGraph graph = new TfjsImporter().loadOrImport(modelJson,
                OUT.resolve("samediff").resolve("esrgan-medium-x4.samediff.fb"))) {
            Net net = network(graph, "esrgan-medium", PRECISION);
            for (String file : SELF_CHECK) {
                BufferedImage source = ImageIO.read(PHOTOS.resolve(file).toFile());
                if (source.getType() != BufferedImage.TYPE_INT_RGB) { // plain RGB, as the app's decoder hands it over
                    BufferedImage c = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
                    Graphics2D g = c.createGraphics();
                    g.drawImage(source, 0, 0, null);
                    g.dispose();
                    source = c;
                }
                // As UpscaleTask.selfCheck.
                int s = SCALE;
                int w = source.getWidth() / s;
                int h = source.getHeight() / s;
                BufferedImage reference = source.getSubimage(0, 0, w * s, h * s);
                BufferedImage small = ImageOps.shrinkBicubic(reference, w, h);
                long t0 = System.nanoTime();
                int[] model = Tiled.upscale(net, s, TILE, ImageOps.interleavedRgb(small), w, h, p -> {
                }).rgb();
                long took = ms(t0);
                int[] ref = reference.getRGB(0, 0, w * s, h * s, null, 0, w * s);
                BufferedImage modelImage = ImageOps.wrapPackedRgb(model, w * s, h * s);
                int[] modelArgb = ((DataBufferInt) modelImage.getRaster().getDataBuffer()).getData();
                BufferedImage bicubicImage = ImageOps.resizeBicubic(small, w * s, h * s);
                int[] bicubic = bicubicImage.getRGB(0, 0, w * s, h * s, null, 0, w * s);
                double pM = ImageQuality.psnr(ref, modelArgb);
                double pB = ImageQuality.psnr(ref, bicubic);
                double sM = ImageQuality.ssim(ref, modelArgb, w * s, h * s);
                double sB = ImageQuality.ssim(ref, bicubic, w * s, h * s);
                double gRef = gradient(ref, w * s, h * s);
                double gM = gradient(modelArgb, w * s, h * s) / gRef;
                double gB = gradient(bicubic, w * s, h * s) / gRef;
                boolean ok = pM >= pB - 0.5;
                met += ok ? 1 : 0;
                sharper += gM > gB ? 1 : 0;
                String row = String.format(Locale.ROOT, "| %s | %d×%d | %.2f | %.2f | %+.2f | %s | %.4f | %.4f | %.2f | %.2f | %d |",
                        file, w * s, h * s, pM, pB, pM - pB, ok ? "yes" : "NO", sM, sB, gM, gB, took);
                System.out.println(row);
                md.append(row).append('\n');
                sideBySide(file, bicubicImage, modelImage, reference);
            }
        }
        md.append('\n');
        md.append(String.format(Locale.ROOT, "- PSNR target (ESRGAN ≥ bicubic − 0.5 dB): met on %d of %d; sharper by the "
                        + "gradient measure (ESRGAN > bicubic): %d of %d%n", met, SELF_CHECK.size(), sharper, SELF_CHECK.size()));
        md.append("- PSNR over RGB and SSIM as ImageQuality (the app's self-check numbers); reference = the photo cropped to a "
                + "multiple of 4; small = ImageOps.shrinkBicubic (antialiased bicubic). Gradient = mean Sobel magnitude of the luma, as a "
                + "fraction of the reference's (1.00 = as much edge energy as the original). Crops side by side "
                + "(bicubic | ESRGAN | original): target/bench/superres-selfcheck-*.png\n");
        return md.toString();
    }

    /** Mean Sobel gradient magnitude of the luma (BT.601), interior pixels. */
    static double gradient(int[] argb, int w, int h) {
        float[] y = new float[w * h];
        for (int i = 0; i < y.length; i++) {
            int p = argb[i];
            y[i] = 0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF);
        }
        double sum = 0;
        for (int r = 1; r < h - 1; r++) {
            for (int c = 1; c < w - 1; c++) {
                int i = r * w + c;
                double gx = (y[i - w + 1] + 2 * y[i + 1] + y[i + w + 1]) - (y[i - w - 1] + 2 * y[i - 1] + y[i + w - 1]);
                double gy = (y[i + w - 1] + 2 * y[i + w] + y[i + w + 1]) - (y[i - w - 1] + 2 * y[i - w] + y[i - w + 1]);
                sum += Math.sqrt(gx * gx + gy * gy);
            }
        }
        return sum / ((double) (w - 2) * (h - 2));
    }

    /** Centre crops (at most 256 px) of bicubic | ESRGAN | original, side by side. */
    static void sideBySide(String file, BufferedImage... images) throws IOException {
        int w = images[0].getWidth();
        int h = images[0].getHeight();
        int cw = Math.min(256, w);
        int ch = Math.min(256, h);
        int x = (w - cw) / 2;
        int y = (h - ch) / 2;
        BufferedImage out = new BufferedImage(cw * images.length + 4 * (images.length - 1), ch, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        for (int i = 0; i < images.length; i++) {
            g.drawImage(images[i].getSubimage(x, y, cw, ch), i * (cw + 4), 0, null);
        }
        g.dispose();
        ImageEncoder.writePng(out, OUT.resolve("superres-selfcheck-" + file.replaceAll("\\.[a-z]+$", "") + ".png"));
    }

    // ---------------------------------------------------------------- models

    /** The zoo's verified copy of models/x4 of @upscalerjs/esrgan-FAMILY, else the npm package unpacked under target/bench/npm. */
    static Path modelJson(String family) throws IOException, InterruptedException {
        Path zoo = ZOO.resolve("esrgan-" + family).resolve("x" + SCALE).resolve("model.json");
        if (complete(zoo)) {
            return zoo;
        }
        Path dir = OUT.resolve("npm").resolve(family);
        Path json = dir.resolve("package").resolve("models").resolve("x" + SCALE).resolve("model.json");
        if (!complete(json)) {
            Files.createDirectories(dir);
            String pkg = "@upscalerjs/esrgan-" + family + "@" + NPM_VERSION;
            System.out.println("npm pack " + pkg + " into " + dir);
            Process p = new ProcessBuilder("npm", "pack", pkg).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IOException("npm pack " + pkg + " failed");
            }
            String tgz = out.lines().reduce((a, b) -> b).orElseThrow();
            Process tar = new ProcessBuilder("tar", "-xzf", tgz).directory(dir.toFile()).inheritIO().start();
            if (tar.waitFor() != 0 || !complete(json)) {
                throw new IOException("unpacking " + dir.resolve(tgz) + " gave no complete " + json);
            }
        }
        return json;
    }

    /** model.json and every shard its weightsManifest names are present. */
    static boolean complete(Path modelJson) throws IOException {
        if (!Files.isRegularFile(modelJson)) {
            return false;
        }
        for (JsonNode group : new ObjectMapper().readTree(modelJson.toFile()).path("weightsManifest")) {
            for (JsonNode p : group.path("paths")) {
                if (!Files.isRegularFile(modelJson.resolveSibling(p.asText()))) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- the app's tiled path, by reflection

    /** TiledUpscaler.Network: interleaved 8-bit RGB (h × w × 3) in, (h·s) × (w·s) × 3 out. */
    interface Net {
        int[] run(int[] rgb, int width, int height);
    }

    /** SuperResModels.network: the graph as interleaved-RGB in and out, arrays closed after each call. */
    /** The graph of {@code model} at {@link #SCALE} as the app runs it: with its int8 table (when it has one). */
    static Net network(TfjsGraph graph, String model, Precision precision) {
        Int8Ranges.attach(graph, model, "x" + SCALE);
        if (graph.runnable(precision) != precision) {
            throw new IllegalStateException(precision + " does not run on " + graph + " (no calibration table?)");
        }
        return (rgb, w, h) -> {
            try (INDArray in = graph.inputFromRgb(rgb, h, w); INDArray out = graph.output(in, precision)) {
                return graph.toRgb(out);
            }
        };
    }

    /** Access to the package-private dev.pixelwise.superres.TiledUpscaler. */
    static final class Tiled {
        static final int CONTEXT;
        private static final Class<?> NETWORK;
        private static final Constructor<?> NEW;
        private static final Method UPSCALE;

        record Outcome(int[] rgb, int tiles, int retriedTiles) {
        }

        static {
            try {
                Class<?> c = Class.forName("dev.pixelwise.superres.TiledUpscaler");
                NETWORK = Class.forName("dev.pixelwise.superres.TiledUpscaler$Network");
                NEW = c.getDeclaredConstructor(NETWORK, int.class, int.class);
                NEW.setAccessible(true);
                UPSCALE = c.getDeclaredMethod("upscale", int[].class, int.class, int.class, DoubleConsumer.class);
                UPSCALE.setAccessible(true);
                Field context = c.getDeclaredField("CONTEXT");
                context.setAccessible(true);
                CONTEXT = context.getInt(null);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static Outcome upscale(Net net, int scale, int tile, int[] rgb, int w, int h, DoubleConsumer progress) {
            Object network = Proxy.newProxyInstance(NETWORK.getClassLoader(), new Class<?>[]{NETWORK}, (proxy, m, args) ->
                    switch (m.getName()) {
                        case "run" -> net.run((int[]) args[0], (Integer) args[1], (Integer) args[2]);
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "Network[" + net + "]";
                        default -> throw new UnsupportedOperationException(m.toString());
                    });
            try {
                Object outcome = UPSCALE.invoke(NEW.newInstance(network, scale, tile), rgb, w, h, progress);
                return new Outcome((int[]) call(outcome, "rgb"), (Integer) call(outcome, "tiles"),
                        (Integer) call(outcome, "retriedTiles"));
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Object call(Object target, String accessor) throws ReflectiveOperationException {
            Method m = target.getClass().getDeclaredMethod(accessor);
            m.setAccessible(true);
            return m.invoke(target);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** As UpscaleTask.rgb. */
    /** A raw output [1, 3, H, W] as HWC floats times {@code k}. */
    static float[] hwc(INDArray out, float k) {
        long[] s = out.shape();
        int plane = Math.toIntExact(s[2] * s[3]);
        float[] chw;
        try (INDArray c = out.dup('c')) {
            chw = c.data().asFloat();
        }
        float[] r = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                r[p * 3 + c] = chw[c * plane + p] * k;
            }
        }
        return r;
    }

    static void writeFloats(Path file, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(file, b.array());
    }

    static float[] floats(Path file, int expected) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        if (f.length != expected) {
            throw new IllegalStateException(file + " holds " + f.length + " floats, expected " + expected);
        }
        return f;
    }

    static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asDouble();
        }
        return d;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
