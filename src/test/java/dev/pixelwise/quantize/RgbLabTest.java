package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import dev.pixelwise.imaging.ImageQuality;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** ColorSpace.RGB_LAB: its pieces against brute force, and its quality against RGB and LAB. */
class RgbLabTest {

    @Test
    void holdsRgbPsnrAndLabDeltaEOnPhotoLikeImages() {
        int w = 240, h = 160;
        for (long seed = 1; seed <= 3; seed++) {
            for (boolean dark : new boolean[] {false, true}) {
                int[] px = Fixtures.photo(w, h, seed);
                if (dark) {
                    // Shadows: where RGB error and Lab error disagree most.
                    for (int i = 0; i < px.length; i++) {
                        int p = px[i];
                        px[i] = Fixtures.argb(((p >>> 16) & 0xFF) / 4, ((p >>> 8) & 0xFF) / 4, (p & 0xFF) / 4);
                    }
                }
                for (int k : new int[] {16, 64}) {
                    int[] rgb = quantize(px, w, h, k, ColorSpace.RGB);
                    int[] lab = quantize(px, w, h, k, ColorSpace.LAB);
                    int[] both = quantize(px, w, h, k, ColorSpace.RGB_LAB);
                    double psnrRgb = ImageQuality.psnr(px, rgb), psnrLab = ImageQuality.psnr(px, lab);
                    double psnr = ImageQuality.psnr(px, both);
                    double deRgb = ImageQuality.meanDeltaE2000(px, rgb), deLab = ImageQuality.meanDeltaE2000(px, lab);
                    double de = ImageQuality.meanDeltaE2000(px, both);
                    String at = "seed " + seed + (dark ? " dark" : "") + " k " + k + ": PSNR rgb/lab/both " + psnrRgb + "/"
                            + psnrLab + "/" + psnr + ", dE " + deRgb + "/" + deLab + "/" + de;
                    // Close to RGB's PSNR and far above LAB's; a clear delta E gain over RGB, near LAB's.
                    assertTrue(psnr >= psnrRgb - 0.2, at);
                    assertTrue(psnr >= psnrLab + 0.9, at);
                    assertTrue(de <= deRgb - 0.05, at);
                    assertTrue(de <= deLab + 0.35, at);
                }
            }
        }
    }

    @Test
    void nearestHybridColorBeatsEveryNearbyEightBitColour() {
        Random rnd = new Random(5);
        double[] mean = new double[6], got = new double[6], probe = new double[6];
        for (int trial = 0; trial < 200; trial++) {
            // The mean of a few random colours near a random centre: no colour's own coordinates.
            int centre = rnd.nextInt(1 << 24);
            java.util.Arrays.fill(mean, 0);
            int n = 2 + rnd.nextInt(6);
            for (int s = 0; s < n; s++) {
                int c = Fixtures.argb(((centre >>> 16) & 0xFF) + rnd.nextInt(61) - 30,
                        ((centre >>> 8) & 0xFF) + rnd.nextInt(61) - 30, (centre & 0xFF) + rnd.nextInt(61) - 30);
                WorkingSpace.toCoords(ColorSpace.RGB_LAB, c, probe, 0);
                for (int d = 0; d < 6; d++) {
                    mean[d] += probe[d] / n;
                }
            }
            double weight = 0.5 + 8 * rnd.nextDouble();
            WorkingSpace.nearestHybridColor(mean, 0, weight, got, 0);
            double best = cost(got, mean, weight);
            int r0 = (int) Math.round(got[0]), g0 = (int) Math.round(got[1]), b0 = (int) Math.round(got[2]);
            for (int dr = -3; dr <= 3; dr++) {
                for (int dg = -3; dg <= 3; dg++) {
                    for (int db = -3; db <= 3; db++) {
                        int r = r0 + dr, g = g0 + dg, b = b0 + db;
                        if (r < 0 || g < 0 || b < 0 || r > 255 || g > 255 || b > 255) {
                            continue;
                        }
                        WorkingSpace.hybridCoords(r, g, b, probe, 0);
                        assertTrue(best <= cost(probe, mean, weight) + 1e-6,
                                "trial " + trial + ": " + best + " > " + cost(probe, mean, weight));
                    }
                }
            }
        }
    }

    @Test
    void snapToBytesPicksTheCheapestSurroundingEightBitColour() {
        Random rnd = new Random(11);
        int k = 400;
        double[] centroids = new double[6 * k];
        double[] rounded = new double[6 * k];
        double weight = 3;
        for (int j = 0; j < k; j++) {
            WorkingSpace.hybridCoords(rnd.nextDouble() * 255, rnd.nextDouble() * 255, rnd.nextDouble() * 255, centroids, 6 * j);
            WorkingSpace.hybridCoords(Math.round(centroids[6 * j]), Math.round(centroids[6 * j + 1]),
                    Math.round(centroids[6 * j + 2]), rounded, 6 * j);
        }
        double[] snapped = centroids.clone();
        ExactRefinement.snapToBytes(snapped, k, weight);
        int cheaper = 0;
        for (int j = 0; j < k; j++) {
            double[] at = java.util.Arrays.copyOfRange(centroids, 6 * j, 6 * j + 6);
            double[] got = java.util.Arrays.copyOfRange(snapped, 6 * j, 6 * j + 6);
            for (int d = 0; d < 3; d++) {
                assertEquals(Math.rint(got[d]), got[d], 0, "an 8-bit level");
                assertTrue(Math.abs(got[d] - at[d]) < 1, "one of the levels around the centroid");
            }
            double own = cost(got, at, weight);
            double plain = cost(java.util.Arrays.copyOfRange(rounded, 6 * j, 6 * j + 6), at, weight);
            assertTrue(own <= plain + 1e-9, "never worse than rounding each level: " + own + " > " + plain);
            if (own < plain - 1e-9) {
                cheaper++;
            }
        }
        // Rounding each level alone ignores the Lab half of the cost: some centroids get a better colour.
        assertTrue(cheaper > k / 20, "cheaper than plain rounding for " + cheaper + " of " + k);
    }

    @Test
    void weightedSearchGivesTheBruteForceNearestEntry() {
        int[] px = Fixtures.photo(200, 120, 8);
        ParallelChunks one = new ParallelChunks(null, 1);
        ColorHistogram h = ColorHistogram.build(px, one);
        float[] coords = new float[6 * h.size()];
        for (int u = 0; u < h.size(); u++) {
            WorkingSpace.toCoords(ColorSpace.RGB_LAB, h.colors()[u], coords, 6 * u);
        }
        NearestColorSearch search = new NearestColorSearch(h.colors(), ColorCells.group(h.colors(), 4), coords, h.counts(), 6);
        Random rnd = new Random(9);
        for (double weight : new double[] {0, 0.7, 3, 20}) {
            int m = 40;
            double[] palette = new double[6 * m];
            for (int j = 0; j < m; j++) {
                WorkingSpace.toCoords(ColorSpace.RGB_LAB, rnd.nextInt(1 << 24), palette, 6 * j);
            }
            double[] axisWeight = {1, 1, 1, weight, weight, weight};
            NearestColorSearch.Assignment a = search.search(palette, m, false, axisWeight, one);
            double inertia = 0;
            double[] axes = new double[6];
            long[] perEntry = new long[m];
            for (int u = 0; u < h.size(); u++) {
                double best = Double.MAX_VALUE;
                int bestJ = -1;
                for (int j = 0; j < m; j++) {
                    double c = 0;
                    for (int d = 0; d < 6; d++) {
                        c += axisWeight[d] * (coords[6 * u + d] - palette[6 * j + d]) * (coords[6 * u + d] - palette[6 * j + d]);
                    }
                    if (c < best) {
                        best = c;
                        bestJ = j;
                    }
                }
                inertia += h.counts()[u] * best;
                perEntry[bestJ] += h.counts()[u];
                for (int d = 0; d < 6; d++) {
                    double v = coords[6 * u + d] - palette[6 * bestJ + d];
                    axes[d] += h.counts()[u] * v * v;
                }
            }
            assertEquals(inertia, a.inertia(), inertia * 1e-9, "weight " + weight);
            assertArrayEquals(perEntry, a.entryPixels(), "weight " + weight);
            for (int d = 0; d < 6; d++) {
                assertEquals(axes[d], a.axisCosts()[d], Math.max(1e-6, axes[d] * 1e-9), "axis " + d);
            }
        }
    }

    @Test
    void sameResultOnAnyThreadCount() {
        int[] px = Fixtures.photo(300, 200, 4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            KMeansParams params = KMeansParams.defaults().withColorSpace(ColorSpace.RGB_LAB).withSeed(7);
            PaletteQuantizer one = new PaletteQuantizer(null);
            PaletteQuantizer four = new PaletteQuantizer(pool, 4);
            for (int k : new int[] {8, 64}) {
                QuantizedImage a = one.quantize(one.prepare(px, 300, 200, params), k, () -> false);
                QuantizedImage b = four.quantize(four.prepare(px, 300, 200, params), k, () -> false);
                assertArrayEquals(a.paletteArgb(), b.paletteArgb());
                assertArrayEquals(a.indices(), b.indices());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void coherentRemapOnlyFollowsANeighbourWithinTheSlack() {
        int w = 160, h = 100;
        int[] px = Fixtures.photo(w, h, 6);
        ParallelChunks one = new ParallelChunks(null, 1);
        ColorHistogram hist = ColorHistogram.build(px, one);
        float[] coords = new float[6 * hist.size()];
        for (int u = 0; u < hist.size(); u++) {
            WorkingSpace.toCoords(ColorSpace.RGB_LAB, hist.colors()[u], coords, 6 * u);
        }
        Random rnd = new Random(2);
        int m = 12;
        double[] entries = new double[6 * m];
        for (int j = 0; j < m; j++) {
            WorkingSpace.toCoords(ColorSpace.RGB_LAB, px[rnd.nextInt(px.length)], entries, 6 * j);
        }
        double[] axisWeight = {1, 1, 1, 2.5, 2.5, 2.5};
        byte[] nearest = new byte[px.length];
        double[] own = new double[px.length];
        for (int i = 0; i < px.length; i++) {
            int at = 6 * hist.indexOf(px[i]);
            own[i] = Double.MAX_VALUE;
            for (int j = 0; j < m; j++) {
                double c = entryCost(coords, at, entries, j, axisWeight);
                if (c < own[i]) {
                    own[i] = c;
                    nearest[i] = (byte) j;
                }
            }
        }
        byte[] out = nearest.clone();
        double slack = 0.2;
        CoherentRemap.smooth(px, w, h, out, entries, hist, coords, axisWeight, slack, one);
        int changed = 0;
        for (int i = 0; i < px.length; i++) {
            if (out[i] == nearest[i]) {
                continue;
            }
            changed++;
            int x = i % w;
            boolean followsLeft = x > 0 && out[i - 1] == out[i];
            boolean followsUp = i >= w && out[i - w] == out[i];
            assertTrue(followsLeft || followsUp, "pixel " + i + " took an entry no neighbour has");
            double c = entryCost(coords, 6 * hist.indexOf(px[i]), entries, out[i], axisWeight);
            assertTrue(c <= own[i] * (1 + slack) + 1e-9, "pixel " + i + ": " + c + " vs nearest " + own[i]);
        }
        assertTrue(changed > px.length / 100, "noisy gradients have near-ties to smooth: " + changed);
        byte[] four = nearest.clone();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CoherentRemap.smooth(px, w, h, four, entries, hist, coords, axisWeight, slack, new ParallelChunks(pool, 4));
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(out, four);
    }

    private static double entryCost(float[] coords, int at, double[] entries, int j, double[] axisWeight) {
        double s = 0;
        for (int d = 0; d < 6; d++) {
            double v = coords[at + d] - entries[6 * j + d];
            s += axisWeight[d] * v * v;
        }
        return s;
    }

    private static double cost(double[] c, double[] mean, double weight) {
        double s = 0;
        for (int d = 0; d < 6; d++) {
            s += (d < 3 ? 1 : weight) * (c[d] - mean[d]) * (c[d] - mean[d]);
        }
        return s;
    }

    private static int[] quantize(int[] px, int w, int h, int k, ColorSpace space) {
        PaletteQuantizer q = new PaletteQuantizer(null);
        return q.quantize(q.prepare(px, w, h, KMeansParams.defaults().withColorSpace(space)), k, () -> false).toArgb();
    }
}
