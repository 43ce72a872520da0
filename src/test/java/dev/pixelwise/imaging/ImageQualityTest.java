package dev.pixelwise.imaging;

import dev.pixelwise.quantize.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageQualityTest {

    @Test
    void psnrOfIdenticalImagesIsInfinite() {
        int[] px = Fixtures.photo(30, 20, 1);
        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(px, px.clone()));
    }

    @Test
    void psnrMatchesTheAnalyticValue() {
        int[] a = Fixtures.photo(50, 40, 2);
        int[] b = new int[a.length];
        Random rnd = new Random(3);
        for (int i = 0; i < a.length; i++) {
            // Exactly one channel off by exactly 6 per pixel (kept in range): squared error 36.
            int r = (a[i] >>> 16) & 0xFF, g = (a[i] >>> 8) & 0xFF, bl = a[i] & 0xFF;
            switch (rnd.nextInt(3)) {
                case 0 -> r = r >= 6 ? r - 6 : r + 6;
                case 1 -> g = g >= 6 ? g - 6 : g + 6;
                default -> bl = bl >= 6 ? bl - 6 : bl + 6;
            }
            b[i] = Fixtures.argb(r, g, bl);
        }
        double mse = 36.0 / 3.0;  // averaged over the three channels
        assertEquals(10 * Math.log10(255.0 * 255.0 / mse), ImageQuality.psnr(a, b), 1e-12);
        assertEquals(ImageQuality.psnr(a, b), ImageQuality.psnr(b, a), 0);
    }

    @Test
    void psnrIgnoresAlpha() {
        int[] a = {0xFF102030, 0x00405060};
        int[] b = {0x10102030, 0xFF405060};
        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(a, b));
    }

    @Test
    void ssimOfIdenticalImagesIsOne() {
        int[] px = Fixtures.photo(40, 30, 4);
        assertEquals(1.0, ImageQuality.ssim(px, px.clone(), 40, 30), 1e-12);
    }

    @Test
    void ssimOfAConstantOffsetIsItsLuminanceTerm() {
        int[] a = new int[25 * 20];
        int[] b = new int[a.length];
        java.util.Arrays.fill(a, Fixtures.argb(100, 100, 100));
        java.util.Arrays.fill(b, Fixtures.argb(110, 110, 110));
        double c1 = Math.pow(0.01 * 255, 2);
        double expected = (2 * 100.0 * 110.0 + c1) / (100.0 * 100.0 + 110.0 * 110.0 + c1);
        assertEquals(expected, ImageQuality.ssim(a, b, 25, 20), 1e-9);
    }

    @Test
    void ssimMatchesABruteForceWindowedComputation() {
        int w = 23, h = 19;
        Random rnd = new Random(5);
        int[] a = Fixtures.photo(w, h, 6);
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Fixtures.argb(((a[i] >>> 16) & 0xFF) + rnd.nextInt(41) - 20, ((a[i] >>> 8) & 0xFF) + rnd.nextInt(21) - 10,
                    (a[i] & 0xFF) + rnd.nextInt(61) - 30);
        }
        assertEquals(bruteForceSsim(a, b, w, h), ImageQuality.ssim(a, b, w, h), 1e-9);
        assertTrue(ImageQuality.ssim(a, b, w, h) < 0.99);
    }

    /** Direct 2-D Gaussian-weighted SSIM over every 11x11 window, written independently. */
    private static double bruteForceSsim(int[] a, int[] b, int w, int h) {
        double[][] g = new double[11][11];
        double norm = 0;
        for (int y = -5; y <= 5; y++) {
            for (int x = -5; x <= 5; x++) {
                g[y + 5][x + 5] = Math.exp(-(x * x + y * y) / (2 * 1.5 * 1.5));
                norm += g[y + 5][x + 5];
            }
        }
        double c1 = Math.pow(0.01 * 255, 2), c2 = Math.pow(0.03 * 255, 2);
        double total = 0;
        int windows = 0;
        for (int cy = 5; cy < h - 5; cy++) {
            for (int cx = 5; cx < w - 5; cx++) {
                double mx = 0, my = 0;
                for (int y = -5; y <= 5; y++) {
                    for (int x = -5; x <= 5; x++) {
                        double wt = g[y + 5][x + 5] / norm;
                        mx += wt * luma(a[(cy + y) * w + cx + x]);
                        my += wt * luma(b[(cy + y) * w + cx + x]);
                    }
                }
                double vx = 0, vy = 0, cov = 0;
                for (int y = -5; y <= 5; y++) {
                    for (int x = -5; x <= 5; x++) {
                        double wt = g[y + 5][x + 5] / norm;
                        double dx = luma(a[(cy + y) * w + cx + x]) - mx, dy = luma(b[(cy + y) * w + cx + x]) - my;
                        vx += wt * dx * dx;
                        vy += wt * dy * dy;
                        cov += wt * dx * dy;
                    }
                }
                total += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                windows++;
            }
        }
        return total / windows;
    }

    private static double luma(int p) {
        return 0.299 * ((p >>> 16) & 0xFF) + 0.587 * ((p >>> 8) & 0xFF) + 0.114 * (p & 0xFF);
    }

    @Test
    void smallImagesAreScoredWithAWindowThatFits() {
        assertEquals(11, ImageQuality.ssimWindow(11, 400));
        assertEquals(9, ImageQuality.ssimWindow(10, 10));
        assertEquals(7, ImageQuality.ssimWindow(20, 8));
        assertEquals(1, ImageQuality.ssimWindow(1, 1));
        int[] icon = Fixtures.photo(8, 8, 3);
        assertEquals(1.0, ImageQuality.ssim(icon, icon.clone(), 8, 8), 1e-12);
        int[] noisy = icon.clone();
        for (int i = 0; i < noisy.length; i += 3) {
            noisy[i] ^= 0x00404040;
        }
        double s = ImageQuality.ssim(icon, noisy, 8, 8);
        assertTrue(s > 0 && s < 0.99, "an 8×8 image with changed pixels scores below 1: " + s);
        assertEquals(1.0, ImageQuality.ssim(new int[] {0xFF102030}, new int[] {0xFF102030}, 1, 1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ImageQuality.ssim(new int[100], new int[100], 10, 11));
    }

    @Test
    void perPixelDeltaEAndItsPercentile() {
        int[] a = new int[1000];
        int[] b = new int[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0xFF808080;
            b[i] = i < 990 ? 0xFF808080 : 0xFFFFFFFF;
        }
        float[] map = new float[a.length];
        double mean = ImageQuality.deltaE2000Map(a, b, map);
        assertEquals(ImageQuality.meanDeltaE2000(a, b), mean, 1e-9);
        assertEquals(0, map[0], 0);
        assertTrue(map[999] > 30, "grey to white is a large difference: " + map[999]);
        assertEquals(0, ImageQuality.percentile(map, 0.99), 0, "99 % of pixels are exact");
        assertTrue(ImageQuality.percentile(map, 0.995) > 30);
    }

    /** Rows of Sharma, Wu and Dalal (2005), Table 1: L1, a1, b1, L2, a2, b2, delta E00. */
    private static final double[][] SHARMA = {
        {50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425},
        {50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615},
        {50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412},
        {50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000},
        {50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669},
        {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792},
        {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195},
        {50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045},
        {50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492},
        {50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030},
        {60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644},
        {63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630},
        {22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373},
        {2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082},
    };

    @Test
    void ciede2000MatchesSharmasTable() {
        for (double[] row : SHARMA) {
            assertEquals(row[6], ImageQuality.deltaE2000(row[0], row[1], row[2], row[3], row[4], row[5]), 5e-5);
            assertEquals(row[6], ImageQuality.deltaE2000(row[3], row[4], row[5], row[0], row[1], row[2]), 5e-5);
        }
        assertEquals(0, ImageQuality.deltaE2000(52, 10, -30, 52, 10, -30), 0);
    }

    @Test
    void ciede2000WithoutAnglesAgreesWithThePapersFormulas() {
        for (double[] row : SHARMA) {
            assertEquals(ImageQuality.deltaE2000AsWritten(row[0], row[1], row[2], row[3], row[4], row[5]),
                    ImageQuality.deltaE2000(row[0], row[1], row[2], row[3], row[4], row[5]), 1e-9);
        }
        Random rnd = new Random(11);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            double l1 = rnd.nextDouble() * 100, l2 = rnd.nextDouble() * 100;
            double a1 = rnd.nextGaussian() * 40, b1 = rnd.nextGaussian() * 40;
            double a2, b2;
            switch (i % 4) {
                case 0 -> { a2 = rnd.nextGaussian() * 40; b2 = rnd.nextGaussian() * 40; }    // any two colours
                case 1 -> { a2 = a1 + rnd.nextGaussian() * 2; b2 = b1 + rnd.nextGaussian() * 2; } // close, as in a photo
                case 2 -> { a2 = -a1 * rnd.nextDouble(); b2 = -b1 * rnd.nextDouble(); }          // opposite hues
                default -> { a1 = 0; b1 = 0; a2 = rnd.nextInt(3) - 1; b2 = 0; }                 // greys
            }
            double expected = ImageQuality.deltaE2000AsWritten(l1, a1, b1, l2, a2, b2);
            double got = ImageQuality.deltaE2000(l1, a1, b1, l2, a2, b2);
            worst = Math.max(worst, Math.abs(expected - got) / Math.max(1, expected));
        }
        assertTrue(worst < 1e-5, "largest relative difference " + worst);
    }

    @Test
    void cie76IsEuclideanInLab() {
        assertEquals(5.0, ImageQuality.deltaE76(50, 0, 0, 53, 4, 0), 1e-12);
    }

    @Test
    void meanDeltaEOverImages() {
        int[] a = Fixtures.photo(20, 10, 7);
        assertEquals(0, ImageQuality.meanDeltaE2000(a, a.clone()), 0);
        assertEquals(0, ImageQuality.meanDeltaE76(a, a.clone()), 0);
        int[] black = new int[a.length];
        int[] white = new int[a.length];
        java.util.Arrays.fill(black, 0xFF000000);
        java.util.Arrays.fill(white, 0xFFFFFFFF);
        // Black (L=0) to white (L=100): CIE76 is exactly the lightness difference.
        assertEquals(100, ImageQuality.meanDeltaE76(black, white), 1e-3);
        assertEquals(100, ImageQuality.meanDeltaE2000(black, white), 1e-3);
    }

    @Test
    void labConversionMatchesReferenceValues() {
        double[] lab = new double[3];
        CieLab.fromRgb(0xFFFFFF, lab, 0);
        assertEquals(100, lab[0], 1e-3);
        assertEquals(0, lab[1], 1e-3);
        assertEquals(0, lab[2], 1e-3);
        CieLab.fromRgb(0xFF0000, lab, 0);
        assertEquals(53.24, lab[0], 0.01);
        assertEquals(80.09, lab[1], 0.01);
        assertEquals(67.20, lab[2], 0.01);
        CieLab.fromRgb(0x0000FF, lab, 0);
        assertEquals(32.30, lab[0], 0.01);
        assertEquals(79.19, lab[1], 0.01);
        assertEquals(-107.86, lab[2], 0.01);
        for (int rgb : new int[] {0x000000, 0x010203, 0xF4F5F4, 0xD7332B, 0x1E9B57, 0x2462C7, 0xFFFFFF}) {
            CieLab.fromRgb(rgb, lab, 0);
            assertEquals(0xFF000000 | rgb, CieLab.toArgb(lab[0], lab[1], lab[2]), Integer.toHexString(rgb));
        }
        // The table-driven cube root agrees with the exact one.
        for (double t = 0; t <= 1; t += 0.0007) {
            assertEquals(CieLab.fExact(t), CieLab.f(t), 2e-6);
        }
    }
}
