package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stage 2: initialisation, Lloyd iterations, convergence tests, update rules, empty clusters. */
class KMeansPaletteTest {
    private static final int[][] PLANTED = {{30, 30, 30}, {220, 40, 40}, {40, 200, 60}, {50, 60, 220}, {230, 230, 80}};
    private static final ParallelChunks ONE_THREAD = new ParallelChunks(null, 1);

    @Test
    void kMeansPlusPlusFindsPlantedClusters() {
        int[] px = Fixtures.blobs(PLANTED, 2000, 6, 1);
        PaletteQuantizer q = new PaletteQuantizer(null);
        for (Init init : Init.values()) {
            KMeansParams params = Fixtures.rgb().withInit(init).withRestarts(init == Init.RANDOM ? 8 : 1);
            QuantizedImage result = q.quantize(q.prepare(px, 100, 100, params), 5, () -> false);
            assertEquals(5, result.paletteArgb().length);
            for (int[] c : PLANTED) {
                int planted = Fixtures.argb(c[0], c[1], c[2]);
                double nearest = Double.MAX_VALUE;
                for (int p : result.paletteArgb()) {
                    nearest = Math.min(nearest, Fixtures.rgbDistance(p, planted));
                }
                assertTrue(nearest < 2.0, init + ": planted " + java.util.Arrays.toString(c) + " missed by " + nearest);
            }
        }
    }

    @Test
    void kMeansPlusPlusSeedsOneCentrePerSeparatedBlob() {
        WeightedPoints pts = rgbPoints(Fixtures.blobs(PLANTED, 300, 4, 2));
        double[] centres = Seeding.kMeansPlusPlus(pts, 5, false, new SplittableRandom(7), () -> false);
        Set<Integer> blobsHit = new HashSet<>();
        for (int j = 0; j < 5; j++) {
            for (int b = 0; b < PLANTED.length; b++) {
                double dx = centres[3 * j] - PLANTED[b][0], dy = centres[3 * j + 1] - PLANTED[b][1],
                        dz = centres[3 * j + 2] - PLANTED[b][2];
                if (Math.sqrt(dx * dx + dy * dy + dz * dz) < 25) {
                    blobsHit.add(b);
                }
            }
        }
        assertEquals(5, blobsHit.size(), "each blob should get its own initial centre");
    }

    @Test
    void stopsWithNoChangeOnEasyData() {
        QuantizedImage r = quantize(Fixtures.blobs(PLANTED, 400, 5, 3), 5, Fixtures.rgb().withMaxIterations(1000).withTolerance(0));
        assertEquals(StopReason.NO_CHANGE, r.stopReason());
        assertTrue(r.iterations() >= 2 && r.iterations() < 1000);
    }

    @Test
    void stopsOnToleranceWhenCentroidsBarelyMove() {
        QuantizedImage r = quantize(Fixtures.noise(4000, 4), 16, Fixtures.rgb().withTolerance(1e6).withMaxIterations(1000));
        assertEquals(StopReason.TOLERANCE, r.stopReason());
        assertEquals(1, r.iterations());
    }

    @Test
    void stopsAtIterationCapOnHardData() {
        QuantizedImage r = quantize(Fixtures.noise(4000, 5), 16, Fixtures.rgb().withTolerance(0).withMaxIterations(1));
        assertEquals(StopReason.MAX_ITERATIONS, r.stopReason());
        assertEquals(1, r.iterations());
        QuantizedImage more = quantize(Fixtures.noise(4000, 5), 16, Fixtures.rgb().withTolerance(0).withMaxIterations(3));
        assertEquals(3, more.iterations());
        assertTrue(more.inertia() <= r.inertia(), "more Lloyd iterations never raise the cost");
    }

    @Test
    void manhattanUpdateIsTheWeightedMedianNotTheMean() {
        // One cluster on the red axis: 10, 11, 12, 13 and an outlier at 200.
        float[] coords = new float[15];
        float[] red = {10, 11, 12, 13, 200};
        for (int i = 0; i < 5; i++) {
            coords[3 * i] = red[i];
        }
        WeightedPoints equal = new WeightedPoints(coords, new double[] {1, 1, 1, 1, 1});
        double[] c = {50, 0, 0};
        new LloydIterations(equal, 1, true, ONE_THREAD).run(c, 10, 0, () -> false);
        assertEquals(12, c[0], 0, "median of 10..13,200 (the mean would be 49.2)");

        WeightedPoints heavyOutlier = new WeightedPoints(coords, new double[] {1, 1, 1, 1, 10});
        double[] d = {50, 0, 0};
        new LloydIterations(heavyOutlier, 1, true, ONE_THREAD).run(d, 10, 0, () -> false);
        assertEquals(200, d[0], 0, "weight 10 of 14 sits at 200, so the weighted median does too");

        double[] e = {50, 0, 0};
        new FilteringLloyd(new KdTree(equal), 1, ONE_THREAD).run(e, 10, 0, () -> false);
        assertEquals(49.2, e[0], 1e-4, "Euclidean uses the mean");
    }

    @Test
    void manhattanEndToEndResistsAnOutlier() {
        int[] px = new int[100];
        for (int i = 0; i < 99; i++) {
            px[i] = Fixtures.argb(100 + (i % 3), 100, 100);
        }
        px[99] = Fixtures.argb(255, 255, 255);
        // Only two unique colour groups but three unique colours near 100: k = 2 puts the outlier
        // alone; check the big cluster's centre is a median (an actual level), not pulled.
        QuantizedImage r = quantize(px, 2, Fixtures.rgb().withDistance(Distance.MANHATTAN));
        assertTrue(java.util.Arrays.stream(r.paletteArgb()).anyMatch(p -> p == Fixtures.argb(101, 100, 100)));
    }

    @Test
    void filteringLloydMatchesPlainLloyd() {
        Random rnd = new Random(9);
        float[] coords = new float[3 * 3000];
        double[] w = new double[3000];
        for (int i = 0; i < 3000; i++) {
            coords[3 * i] = (float) (rnd.nextGaussian() * 20 + (i % 7) * 30);
            coords[3 * i + 1] = (float) (rnd.nextGaussian() * 20 + (i % 5) * 25);
            coords[3 * i + 2] = (float) (rnd.nextGaussian() * 20);
            w[i] = 1 + rnd.nextInt(20);
        }
        WeightedPoints pts = new WeightedPoints(coords, w);
        double[] start = Seeding.kMeansPlusPlus(pts, 24, false, new SplittableRandom(3), () -> false);
        LloydIterations.Result plain = new LloydIterations(pts, 24, false, ONE_THREAD).run(start.clone(), 500, 0, () -> false);
        LloydIterations.Result tree = new FilteringLloyd(new KdTree(pts), 24, ONE_THREAD).run(start.clone(), 500, 0, () -> false);
        assertEquals(plain.iterations(), tree.iterations());
        assertEquals(plain.stopReason(), tree.stopReason());
        assertArrayEquals(plain.centroids(), tree.centroids(), 1e-6);
        assertEquals(plain.inertia(), tree.inertia(), plain.inertia() * 1e-9);
    }

    @Test
    void emptyClustersAreReseededWithoutNaNOrDuplicates() {
        WeightedPoints pts = rgbPoints(Fixtures.blobs(new int[][] {{20, 20, 20}, {200, 200, 200}}, 200, 8, 6));
        for (boolean manhattan : new boolean[] {false, true}) {
            // Pathological start: two centres far outside the data and two identical ones.
            double[] c = {1000, 1000, 1000, -900, -900, -900, 20, 20, 20, 20, 20, 20};
            LloydIterations.Result r = manhattan
                    ? new LloydIterations(pts, 4, true, ONE_THREAD).run(c, 100, 0, () -> false)
                    : new FilteringLloyd(new KdTree(pts), 4, ONE_THREAD).run(c, 100, 0, () -> false);
            Set<String> distinct = new HashSet<>();
            for (int j = 0; j < 4; j++) {
                for (int d = 0; d < 3; d++) {
                    double v = r.centroids()[3 * j + d];
                    assertFalse(Double.isNaN(v));
                    assertTrue(v >= -20 && v <= 280, "re-seeded centroids sit on data: " + v);
                }
                distinct.add(r.centroids()[3 * j] + "," + r.centroids()[3 * j + 1] + "," + r.centroids()[3 * j + 2]);
            }
            assertEquals(4, distinct.size(), "manhattan=" + manhattan);
        }
    }

    @Test
    void moreClustersThanGroupsGivesDistinctPaletteColours() {
        int[] px = Fixtures.blobs(new int[][] {{10, 10, 10}, {240, 240, 240}, {10, 240, 10}}, 300, 2, 8);
        for (ColorSpace space : ColorSpace.values()) {
            QuantizedImage r = quantize(px, 32, KMeansParams.defaults().withColorSpace(space));
            Set<Integer> colours = new HashSet<>();
            for (int p : r.paletteArgb()) {
                assertTrue(colours.add(p), "duplicate palette colour " + Integer.toHexString(p));
            }
            assertEquals(32, r.paletteArgb().length);
        }
    }

    @Test
    void restartsNeverReturnAWorseRun() {
        int[] px = Fixtures.noise(3000, 10);
        QuantizedImage one = quantize(px, 8, Fixtures.rgb().withInit(Init.RANDOM).withRestarts(1));
        QuantizedImage many = quantize(px, 8, Fixtures.rgb().withInit(Init.RANDOM).withRestarts(6));
        assertTrue(many.inertia() <= one.inertia() * 1.02, many.inertia() + " vs " + one.inertia());
    }

    private static QuantizedImage quantize(int[] px, int k, KMeansParams params) {
        PaletteQuantizer q = new PaletteQuantizer(null);
        return q.quantize(q.prepare(px, px.length, 1, params), k, () -> false);
    }

    static WeightedPoints rgbPoints(int[] px) {
        float[] coords = new float[3 * px.length];
        double[] w = new double[px.length];
        for (int i = 0; i < px.length; i++) {
            WorkingSpace.toCoords(ColorSpace.RGB, px[i], coords, 3 * i);
            w[i] = 1;
        }
        return new WeightedPoints(coords, w);
    }
}
