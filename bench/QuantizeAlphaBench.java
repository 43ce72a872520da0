import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.quantize.*;
import dev.pixelwise.imaging.ImageEncoder;
import javax.imageio.ImageIO;
import java.awt.*;
import java.awt.geom.*;
import java.awt.image.*;
import java.io.File;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/**
 * Translucent images against pngquant K --nofs (--dither: Floyd-Steinberg for both): PngSuite basn6a08 and three
 * generated soft-alpha images (logo with a soft drop shadow, icon with a shadow, gradient-alpha badge), k = 8, 16, 64.
 * PSNR of the result composited on white and on black (same compositing for both tools), alpha levels, PNG bytes.
 * Run: java -cp "target/classes:<app libs>" bench/QuantizeAlphaBench.java [-Ddither=true before the file]
 */
public class QuantizeAlphaBench {
    static Path DIR = Path.of("target/bench/alpha");
    public static void main(String[] args) throws Exception {
        Files.createDirectories(DIR);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        PaletteQuantizer q = new PaletteQuantizer(pool, threads);
        Map<String, BufferedImage> imgs = new LinkedHashMap<>();
        imgs.put("basn6a08", ImageIO.read(new File("../shared/conformance/pngsuite/basn6a08.png")));
        imgs.put("logo", logo(512, 320));
        imgs.put("icon", icon(256));
        imgs.put("badge", badge(300));
        boolean dither = Boolean.getBoolean("dither");
        System.out.println("| image | k | PSNR white ours/pq | PSNR black ours/pq | alpha levels ours/pq | ms ours | PNG bytes ours/pq |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (var e : imgs.entrySet()) {
            BufferedImage img = e.getValue();
            int w = img.getWidth(), h = img.getHeight();
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            Path png = DIR.resolve(e.getKey() + ".png");
            ImageIO.write(toArgbImage(argb, w, h), "png", png.toFile());
            for (int k : new int[]{8, 16, 64}) {
                Path pqOut = DIR.resolve(e.getKey() + "-pq" + k + ".png");
                new ProcessBuilder("pngquant", "" + k, dither ? "--floyd=1" : "--nofs", "--force", "--output", pqOut.toString(), png.toString()).inheritIO().start().waitFor();
                BufferedImage b = ImageIO.read(pqOut.toFile());
                int[] pq = b.getRGB(0, 0, w, h, null, 0, w);
                KMeansParams params = KMeansParams.defaults();
                if (dither) params = params.withDither(Dither.FLOYD_STEINBERG);
                long t0 = System.nanoTime();
                Prepared p = q.prepare(argb, w, h, params);
                QuantizedImage r = q.quantize(p, k, () -> false);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                Path ours = DIR.resolve(e.getKey() + "-ours" + k + ".png");
                long bytes = ImageEncoder.writeIndexedPng(w, h, r.paletteArgb(), r.indices(), ours);
                BufferedImage back = ImageIO.read(ours.toFile());
                int[] o = back.getRGB(0, 0, w, h, null, 0, w);
                if (!Arrays.equals(o, r.toArgb())) System.out.println("ROUND TRIP MISMATCH " + e.getKey());
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f / %.2f | %.2f / %.2f | %d / %d | %d | %d / %d |%n", e.getKey(), k,
                        psnrOn(argb, o, 0xFFFFFF), psnrOn(argb, pq, 0xFFFFFF), psnrOn(argb, o, 0), psnrOn(argb, pq, 0),
                        levels(o), levels(pq), ms, bytes, Files.size(pqOut));
            }
        }
        pool.shutdown();
    }
    static BufferedImage toArgbImage(int[] argb, int w, int h) {
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        b.setRGB(0, 0, w, h, argb, 0, w);
        return b;
    }
    static int levels(int[] px) { Set<Integer> s = new HashSet<>(); for (int p : px) s.add(p >>> 24); return s.size(); }
    static double psnrOn(int[] a, int[] b, int bg) { return ImageQuality.psnr(comp(a, bg), comp(b, bg)); }
    static int[] comp(int[] px, int bg) {
        int[] out = new int[px.length];
        for (int i = 0; i < px.length; i++) {
            int p = px[i], a = p >>> 24, c = 0xFF000000;
            for (int sh = 0; sh <= 16; sh += 8) {
                int v = ((p >>> sh) & 0xFF) * a + ((bg >>> sh) & 0xFF) * (255 - a);
                c |= ((v + 127) / 255) << sh;
            }
            out[i] = c;
        }
        return out;
    }
    static BufferedImage shadow(BufferedImage shape, int radius, float opacity, int dx, int dy) {
        int w = shape.getWidth(), h = shape.getHeight();
        BufferedImage s = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int sx = x - dx, sy = y - dy;
            int a = sx >= 0 && sy >= 0 && sx < w && sy < h ? shape.getRGB(sx, sy) >>> 24 : 0;
            s.setRGB(x, y, (Math.round(a * opacity) << 24));
        }
        int size = 2 * radius + 1; float[] k = new float[size]; float sum = 0;
        for (int i = 0; i < size; i++) { k[i] = (float) Math.exp(-Math.pow(i - radius, 2) / (2.0 * radius * radius / 4)); sum += k[i]; }
        for (int i = 0; i < size; i++) k[i] /= sum;
        BufferedImage t = new ConvolveOp(new Kernel(size, 1, k), ConvolveOp.EDGE_ZERO_FILL, null).filter(s, null);
        return new ConvolveOp(new Kernel(1, size, k), ConvolveOp.EDGE_ZERO_FILL, null).filter(t, null);
    }
    static Graphics2D aa(BufferedImage b) {
        Graphics2D g = b.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        return g;
    }
    static BufferedImage withShadow(BufferedImage shape, int radius, float opacity, int off) {
        BufferedImage out = shadow(shape, radius, opacity, off, off);
        Graphics2D g = out.createGraphics();
        g.drawImage(shape, 0, 0, null);
        g.dispose();
        return out;
    }
    static BufferedImage logo(int w, int h) {
        BufferedImage s = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = aa(s);
        g.setColor(new Color(0xE0, 0x3A, 0x3E)); g.fill(new Ellipse2D.Double(30, 40, 200, 200));
        g.setColor(new Color(0x2A, 0x7A, 0xE2)); g.fill(new RoundRectangle2D.Double(180, 70, 260, 150, 60, 60));
        g.setColor(new Color(0xF5, 0xC5, 0x18)); 
        Path2D star = new Path2D.Double();
        for (int i = 0; i < 10; i++) { double r = i % 2 == 0 ? 90 : 38, t = Math.PI / 5 * i - Math.PI / 2; double x = 130 + r * Math.cos(t), y = 140 + r * Math.sin(t); if (i == 0) star.moveTo(x, y); else star.lineTo(x, y); }
        star.closePath(); g.fill(star);
        g.setStroke(new BasicStroke(9f)); g.setColor(Color.WHITE); g.draw(new Line2D.Double(220, 110, 420, 180));
        g.setColor(new Color(20, 20, 20)); g.draw(new Arc2D.Double(260, 90, 140, 110, 20, 250, Arc2D.OPEN));
        g.dispose();
        return withShadow(s, 10, 0.55f, 8);
    }
    static BufferedImage icon(int n) {
        BufferedImage s = new BufferedImage(n, n, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = aa(s);
        g.setPaint(new GradientPaint(0, 20, new Color(0x66, 0xCC, 0x88), 0, n - 40, new Color(0x11, 0x66, 0x99)));
        g.fill(new RoundRectangle2D.Double(24, 20, n - 56, n - 56, 48, 48));
        g.setColor(new Color(255, 255, 255, 220)); g.fill(new Ellipse2D.Double(n / 2.0 - 50, n / 2.0 - 58, 90, 90));
        g.setColor(new Color(0x11, 0x33, 0x55)); g.setStroke(new BasicStroke(6f)); g.draw(new Ellipse2D.Double(n / 2.0 - 30, n / 2.0 - 38, 50, 50));
        g.dispose();
        return withShadow(s, 8, 0.6f, 6);
    }
    static BufferedImage badge(int n) {
        BufferedImage s = new BufferedImage(n, n, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = aa(s);
        g.setPaint(new RadialGradientPaint(n / 2f, n / 2f, n / 2f, new float[]{0f, 0.55f, 1f},
                new Color[]{new Color(255, 200, 40, 255), new Color(230, 90, 20, 200), new Color(160, 20, 90, 0)}));
        g.fill(new Ellipse2D.Double(0, 0, n, n));
        g.setPaint(new GradientPaint(0, n * 0.3f, new Color(255, 255, 255, 230), 0, n * 0.7f, new Color(255, 255, 255, 40)));
        g.fill(new RoundRectangle2D.Double(n * 0.25, n * 0.38, n * 0.5, n * 0.24, 30, 30));
        g.dispose();
        return s;
    }
}
