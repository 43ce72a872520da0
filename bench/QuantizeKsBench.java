import dev.pixelwise.quantize.ColorSpace;
import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.quantize.KMeansParams;
import dev.pixelwise.quantize.PaletteQuantizer;
import dev.pixelwise.quantize.Prepared;
import dev.pixelwise.quantize.QuantizedImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Per-k view of a multi-k quantize job (run through bench/quantize-ks.sh after bench/quantize.sh has
 * written the bench images to target/bench): for every k of {2..256} its time alone (best of 3 after
 * a warm-up) and its RGB PSNR, plus prepare, k = 16 alone and all eight k in one job as
 * bench/quantize.sh measures them. Default params, seed from --seed N (default 0): comparing
 * seeds shows how much per-k PSNR moves with the seed alone; --space lab|rgb|rgb_lab picks the
 * colour space.
 */
public class QuantizeKsBench {
    static final int[] ALL_K = {2, 4, 8, 16, 32, 64, 128, 256};
    static final List<String> IMAGES = List.of("collage-12mp.png", "kite_and_cold.png", "parrot.png", "cat.png",
            "grace_hopper.png", "owl.png", "hot_dog.png");

    public static void main(String[] args) throws Exception {
        long seed = 0;
        KMeansParams params = KMeansParams.defaults();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--seed")) {
                seed = Long.parseLong(args[i + 1]);
            }
            if (args[i].equals("--space")) {
                params = params.withColorSpace(ColorSpace.valueOf(args[i + 1].toUpperCase(Locale.ROOT)));
            }
        }
        final KMeansParams chosen = params.withSeed(seed);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        PaletteQuantizer q = new PaletteQuantizer(pool, threads);
        StringBuilder head = new StringBuilder("| image | prepare ms | k16 ms | 8 k ms | 8 k / k16 |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
        for (int k : ALL_K) {
            head.append(" PSNR k").append(k).append(" |");
            rule.append("---|");
        }
        for (int k : ALL_K) {
            head.append(" ms k").append(k).append(" |");
            rule.append("---|");
        }
        System.out.println("seed " + seed + ", " + chosen.colorSpace());
        System.out.println(head);
        System.out.println(rule);
        for (String name : IMAGES) {
            Path file = Path.of("target/bench", name);
            if (!Files.exists(file)) {
                throw new IllegalStateException(file + " missing: run bench/quantize.sh once first");
            }
            BufferedImage img = ImageIO.read(file.toFile());
            int w = img.getWidth(), h = img.getHeight();
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            long prepare = best(() -> q.prepare(argb, w, h, chosen));
            Prepared p = q.prepare(argb, w, h, chosen);
            List<QuantizedImage> all = new ArrayList<>();
            long allK = best(() -> {
                all.clear();
                for (int k : ALL_K) {
                    all.add(q.quantize(p, k, () -> false));
                }
            });
            long k16 = best(() -> q.quantize(p, 16, () -> false));
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.2f |", name,
                    prepare, k16, allK, (prepare + allK) / (double) (prepare + k16)));
            for (QuantizedImage r : all) {
                row.append(String.format(Locale.ROOT, " %.3f |", ImageQuality.psnr(argb, r.toArgb())));
            }
            for (int k : ALL_K) {
                row.append(' ').append(best(() -> q.quantize(p, k, () -> false))).append(" |");
            }
            System.out.println(row);
        }
        pool.shutdown();
    }

    /** Best wall time of 3 runs after one warm-up, in ms. */
    static long best(Runnable r) {
        r.run();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t) / 1_000_000);
        }
        return best;
    }
}
