package dev.pixelwise.imaging;

import dev.pixelwise.quantize.*;
import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/**
 * Matched-size search of FormatEncoder (run through bench/formats.sh): for each photo and each
 * palette-PNG size of k = 16 and 64 as the target, the quality the sampled search finds against a
 * plain bisection on full encodes, encodes made and time; lossless WebP of the palette image; WebP
 * and JPEG searched on two threads at once. Options as system properties: images (parrot, kite,
 * cat1080, collage12, native12), formats (webp, jpeg, avif), ks, configs (tile:maxSample:margin:maxFull),
 * noref, lossless, concurrent, steps.
 */
public class FormatsBench {
    static final Path PHOTOS = Path.of("..", "shared", "images");

    public static void main(String[] args) throws Exception {
        ImageIO.scanForPlugins();
        Map<String, BufferedImage> imgs = new LinkedHashMap<>();
        String only = System.getProperty("images", "parrot,kite,cat1080,collage12,native12");
        for (String n : only.split(",")) {
            switch (n) {
                case "parrot" -> imgs.put("parrot 512x929", read("parrot.jpg"));
                case "kite" -> imgs.put("kite_and_cold 1352x900", read("kite_and_cold.jpg"));
                case "cat1080" -> imgs.put("cat_1080p 1920x1080", read("cat_1080p.jpg"));
                case "collage12" -> imgs.put("collage 4000x3000", collage(4000, 3000));
                case "native12" -> imgs.put("native-tiles 4000x3000", nativeTiles(4000, 3000));
            }
        }
        String[] formats = System.getProperty("formats", "webp,jpeg").split(",");
        int[] ks = Arrays.stream(System.getProperty("ks", "16,64").split(",")).mapToInt(Integer::parseInt).toArray();
        boolean reference = !Boolean.getBoolean("noref");
        List<FormatEncoder.Search> configs = new ArrayList<>();
        for (String c : System.getProperty("configs", "default").split(",")) {
            if (c.equals("default")) {
                configs.add(FormatEncoder.Search.DEFAULT);
                continue;
            }
            String[] p = c.split(":");
            configs.add(new FormatEncoder.Search(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Double.parseDouble(p[2]), Integer.parseInt(p[3])));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        PaletteQuantizer quantizer = new PaletteQuantizer(pool, 2);
        System.out.println("| image | format | k | target bytes | search | quality | full-bisection quality | full encodes | sample encodes | bytes | ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (var e : imgs.entrySet()) {
            BufferedImage img = e.getValue();
            int w = img.getWidth(), h = img.getHeight();
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            Prepared prep = quantizer.prepare(argb, w, h, KMeansParams.defaults());
            for (int k : ks) {
                QuantizedImage q = quantizer.quantize(prep, k, () -> false);
                BufferedImage indexed = ImageEncoder.indexedImage(w, h, q.paletteArgb(), q.indices());
                long target = ImageEncoder.pngSize(indexed);
                if (Boolean.getBoolean("lossless")) {
                    long t0 = System.nanoTime();
                    byte[] ll = FormatEncoder.encode(CompressedFormat.WEBP_LOSSLESS, indexed, 100);
                    System.out.printf(Locale.ROOT, "| %s | webp-lossless of palette | %d | png %d | - | - | - | 1 | 0 | %d | %.0f |%n",
                            e.getKey(), k, target, ll.length, (System.nanoTime() - t0) / 1e6);
                }
                if (Boolean.getBoolean("concurrent")) {
                    var ex = Executors.newFixedThreadPool(2);
                    long t0 = System.nanoTime();
                    var fw = ex.submit(() -> { long s = System.nanoTime(); FormatEncoder.fitting(CompressedFormat.WEBP, img, target); return (System.nanoTime() - s) / 1e6; });
                    var fj = ex.submit(() -> { long s = System.nanoTime(); FormatEncoder.fitting(CompressedFormat.JPEG, img, target); return (System.nanoTime() - s) / 1e6; });
                    double mw = fw.get(), mj = fj.get();
                    System.out.printf(Locale.ROOT, "| %s | webp ∥ jpeg on two threads | %d | %d | wall %.0f ms (webp %.0f, jpeg %.0f) |%n", e.getKey(), k, target, (System.nanoTime() - t0) / 1e6, mw, mj);
                    ex.shutdown();
                }
                for (String f : formats) {
                    CompressedFormat format = CompressedFormat.fromId(f);
                    Integer ref = null;
                    if (reference) {
                        var tr = new FormatEncoder.Trace();
                        long t0 = System.nanoTime();
                        var r = FormatEncoder.fitting(format, img, target, new FormatEncoder.Search(64, 1 << 29, 0, 1000), tr);
                        ref = r == null ? -1 : r.quality();
                        System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | full bisection | %d | %d | %d | %d | %d | %.0f |%n",
                                e.getKey(), f, k, target, ref, ref, tr.full, tr.sample, r == null ? 0 : r.bytes().length, (System.nanoTime() - t0) / 1e6);
                    }
                    for (var c : configs) {
                        var tr = new FormatEncoder.Trace();
                        long t0 = System.nanoTime();
                        var r = FormatEncoder.fitting(format, img, target, c, tr);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %d:%d:%.3f:%d | %d | %s | %d | %d | %d | %.0f |%n",
                                e.getKey(), f, k, target, c.tile(), c.maxSamplePixels(), c.margin(), c.maxFull(),
                                r == null ? -1 : r.quality(), ref, tr.full, tr.sample, r == null ? 0 : r.bytes().length, ms);
                        if (Boolean.getBoolean("steps")) System.out.println("   steps:" + tr.steps);
                        if (r != null && r.bytes().length > target) throw new AssertionError("over budget");
                    }
                }
            }
        }
        pool.shutdown();
    }

    static BufferedImage read(String name) throws Exception {
        BufferedImage s = ImageIO.read(PHOTOS.resolve(name).toFile());
        BufferedImage o = new BufferedImage(s.getWidth(), s.getHeight(), BufferedImage.TYPE_INT_RGB);
        o.getGraphics().drawImage(s, 0, 0, null);
        return o;
    }

    /** As bench/QuantizeBench: 4 × 3 shared photos scaled into 1000 × 1000 cells. */
    static BufferedImage collage(int w, int h) throws Exception {
        File[] files = PHOTOS.toFile().listFiles((d, n) -> n.endsWith(".jpg") || n.endsWith(".bmp"));
        Arrays.sort(files);
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        int cols = 4, rows = 3, i = 0;
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) {
            BufferedImage tile = ImageIO.read(files[i++ % files.length]);
            g.drawImage(tile, c * w / cols, r * h / rows, w / cols, h / rows, null);
        }
        g.dispose();
        return canvas;
    }

    /** The larger photos at their own resolution, packed in rows: pixel-level detail as a camera gives it. */
    static BufferedImage nativeTiles(int w, int h) throws Exception {
        String[] names = {"cat_1080p.jpg", "kite_and_cold.jpg", "cat_720p.jpg", "parrot.jpg", "owl.jpg", "pets.jpg", "hot_dog.jpg", "face.jpg"};
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        int x = 0, y = 0, rowH = 0, i = 0;
        while (y < h) {
            BufferedImage t = ImageIO.read(PHOTOS.resolve(names[i++ % names.length]).toFile());
            g.drawImage(t, x, y, null);
            rowH = Math.max(rowH, t.getHeight());
            x += t.getWidth();
            if (x >= w) { x = 0; y += rowH; rowH = 0; }
        }
        g.dispose();
        return canvas;
    }
}
