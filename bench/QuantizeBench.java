import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.quantize.ColorSpace;
import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.quantize.KMeansParams;
import dev.pixelwise.quantize.PaletteQuantizer;
import dev.pixelwise.quantize.Prepared;
import dev.pixelwise.quantize.QuantizedImage;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Quantize benchmark (run through bench/quantize.sh): our k=16 against pngquant 16 --nofs and
 * scikit-learn KMeans(16) on all pixels, on a 12-megapixel collage and the shared photos, one run.
 * Times are wall-clock, best of 3 (scikit-learn: one run); PSNR is over RGB for every tool alike.
 */
public class QuantizeBench {

    static final Path OUT = Path.of("target/bench");
    static final Path PHOTOS = Path.of("../shared/images");
    static final int[] ALL_K = {2, 4, 8, 16, 32, 64, 128, 256};

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Files.createDirectories(OUT);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        PaletteQuantizer quantizer = new PaletteQuantizer(pool, threads);
        List<Path> inputs = new ArrayList<>();
        inputs.add(collage(4000, 3000));
        for (String name : List.of("kite_and_cold.jpg", "parrot.jpg", "cat.bmp", "grace_hopper.bmp", "owl.jpg", "hot_dog.jpg")) {
            inputs.add(asPng(PHOTOS.resolve(name)));
        }
        StringBuilder md = new StringBuilder();
        md.append("| image | MP | ours lab ms | ours rgb ms | encode ms | pngquant ms | sklearn ms | ours/pngquant | sklearn/ours | PSNR lab | PSNR rgb | PSNR pngquant | PSNR sklearn | 8 k ms | 8k / k16 |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Path input : inputs) {
            BufferedImage img = ImageIO.read(input.toFile());
            int w = img.getWidth();
            int h = img.getHeight();
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            KMeansParams lab = KMeansParams.defaults();
            KMeansParams rgb = lab.withColorSpace(ColorSpace.RGB);

            Run oursLab = ours(quantizer, argb, w, h, lab, new int[]{16});
            Run oursRgb = ours(quantizer, argb, w, h, rgb, new int[]{16});
            Run allK = ours(quantizer, argb, w, h, lab, ALL_K);
            long encode = encodeMillis(oursLab.last, input);

            Path pq = OUT.resolve(stem(input) + "-pngquant16.png");
            long pngquant = best(3, () -> exec("pngquant", "16", "--nofs", "--force", "--output", pq.toString(), input.toString()));
            double psnrPq = psnr(argb, pq);

            long sklearn = -1;
            double psnrSk = Double.NaN;
            if (!quick) {
                Path sk = OUT.resolve(stem(input) + "-sklearn16.png");
                String line = execOut("/usr/bin/python3", "bench/sklearn_quantize.py", input.toString(), "16", sk.toString());
                sklearn = Math.round(Double.parseDouble(line.replaceAll(".*seconds=", "").trim()) * 1000);
                psnrSk = psnr(argb, sk);
            }
            String row = String.format(Locale.ROOT,
                    "| %s | %.1f | %d | %d | %d | %d | %s | %.3f | %s | %.2f | %.2f | %.2f | %s | %d | %.2f |",
                    input.getFileName(), w * (double) h / 1e6, oursLab.millis, oursRgb.millis, encode, pngquant,
                    sklearn < 0 ? "–" : Long.toString(sklearn), (double) oursLab.millis / pngquant,
                    sklearn < 0 ? "–" : String.format(Locale.ROOT, "%.0f×", (double) sklearn / oursRgb.millis),
                    oursLab.psnr, oursRgb.psnr, psnrPq, Double.isNaN(psnrSk) ? "–" : String.format(Locale.ROOT, "%.2f", psnrSk),
                    allK.millis, (double) allK.millis / oursLab.millis);
            System.out.println(row);
            md.append(row).append('\n');
        }
        String header = String.format(Locale.ROOT, "%n%d threads, %s, %s%n", threads, System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        Files.writeString(OUT.resolve("quantize.md"), md + header);
        System.out.println(header);
        pool.shutdown();
    }

    record Run(long millis, double psnr, QuantizedImage last) {
    }

    /** prepare + quantize for every k (no PNG encode), best of 3 after one warm-up. */
    static Run ours(PaletteQuantizer q, int[] argb, int w, int h, KMeansParams params, int[] ks) {
        QuantizedImage[] last = new QuantizedImage[1];
        Runnable once = () -> {
            Prepared p = q.prepare(argb, w, h, params);
            for (int k : ks) {
                last[0] = q.quantize(p, k, () -> false);
            }
        };
        once.run();
        long millis = best(3, once);
        return new Run(millis, ImageQuality.psnr(argb, last[0].toArgb()), last[0]);
    }

    static long encodeMillis(QuantizedImage q, Path input) {
        Path out = OUT.resolve(stem(input) + "-ours16.png");
        return best(2, () -> ImageEncoder.writeIndexedPng(q.width(), q.height(), q.paletteArgb(), q.indices(), out));
    }

    static long best(int runs, Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t) / 1_000_000);
        }
        return best;
    }

    static double psnr(int[] original, Path quantized) {
        try {
            BufferedImage b = ImageIO.read(quantized.toFile());
            return ImageQuality.psnr(original, b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static void exec(String... cmd) {
        execOut(cmd);
    }

    static String execOut(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out.lines().reduce((a, b) -> b).orElse("");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** A 4000×3000 collage of the shared photos, so the 12 MP case has real photographic colour. */
    static Path collage(int w, int h) throws Exception {
        Path out = OUT.resolve("collage-12mp.png");
        if (Files.exists(out)) {
            return out;
        }
        File[] files = PHOTOS.toFile().listFiles((d, n) -> n.endsWith(".jpg") || n.endsWith(".bmp"));
        java.util.Arrays.sort(files);
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        int cols = 4;
        int rows = 3;
        int i = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                BufferedImage tile = ImageIO.read(files[i++ % files.length]);
                g.drawImage(tile, c * w / cols, r * h / rows, w / cols, h / rows, null);
            }
        }
        g.dispose();
        ImageIO.write(canvas, "png", out.toFile());
        return out;
    }

    static Path asPng(Path photo) throws Exception {
        Path out = OUT.resolve(stem(photo) + ".png");
        if (!Files.exists(out)) {
            ImageIO.write(ImageIO.read(photo.toFile()), "png", out.toFile());
        }
        return out;
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }
}
