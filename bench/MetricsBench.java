import dev.pixelwise.imaging.ImageQuality;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The scores every candidate file of a quantize job gets (PSNR, SSIM, mean CIEDE2000), on one
 * original / candidate pair, timed like the Python peer times scikit-image: wall time of each call
 * (best of the rounds) and the process CPU it used. Prints one line per metric: value, wall ms, CPU ms.
 * Usage: java -cp ... bench/MetricsBench.java ORIGINAL.png CANDIDATE.png ROUNDS
 */
public class MetricsBench {
    public static void main(String[] args) throws Exception {
        BufferedImage a = ImageIO.read(new File(args[0]));
        BufferedImage b = ImageIO.read(new File(args[1]));
        int rounds = Integer.parseInt(args[2]);
        int w = a.getWidth(), h = a.getHeight();
        int[] x = a.getRGB(0, 0, w, h, null, 0, w);
        int[] y = b.getRGB(0, 0, w, h, null, 0, w);
        String[] names = {"psnr", "ssim", "ciede2000"};
        for (int m = 0; m < 3; m++) {
            long bestWall = Long.MAX_VALUE, bestCpu = Long.MAX_VALUE;
            double value = 0;
            for (int r = 0; r < rounds; r++) {
                long c0 = cpu(), t0 = System.nanoTime();
                value = switch (m) {
                    case 0 -> ImageQuality.psnr(x, y);
                    case 1 -> ImageQuality.ssim(x, y, w, h);
                    default -> ImageQuality.meanDeltaE2000(x, y);
                };
                bestWall = Math.min(bestWall, (System.nanoTime() - t0) / 1_000_000);
                bestCpu = Math.min(bestCpu, (cpu() - c0) / 1_000_000);
            }
            System.out.printf(Locale.ROOT, "java %s %.5f %d %d%n", names[m], value, bestWall, bestCpu);
        }
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
