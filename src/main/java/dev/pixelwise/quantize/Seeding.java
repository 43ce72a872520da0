package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.Arrays;

/**
 * Initial centroids. Both methods only ever pick distinct data points, so no two start equal.
 *
 * <p>k-means++ is the greedy variant used by scikit-learn: for each new centre draw 2 + ln(k)
 * candidates with probability proportional to weight x D^p (D = distance to the nearest chosen
 * centre; p = 2 for Euclidean, p = 1 for Manhattan, i.e. the cost being minimised) and keep the
 * candidate that lowers the total cost most. To make this cheap for large k, points are kept in
 * per-centre lists sorted by D, farthest first: a candidate can only win a point of centre c_j if
 * d(candidate, c_j) < 2 D (triangle inequality), so each list is read only down to the first point
 * failing that test, and lists whose farthest point fails it are skipped; late centres touch few points.
 * Single-threaded; sums run in a fixed order, so the result depends only on the seed.
 */
final class Seeding {
    static final int CHUNK = 4096;
    private static final int SAMPLE_CHUNK = 512;

    private Seeding() {
    }

    static double[] kMeansPlusPlus(WeightedPoints pts, int k, boolean manhattan, SplittableRandom rng,
                                   BooleanSupplier cancelled) {
        int n = pts.size;
        float[] p = pts.coords;
        double[] w = pts.weights;
        double[] centres = new double[3 * k];
        double[] dist = new double[n];   // distance to nearest chosen centre
        double[] cost = new double[n];   // cost of that distance (d^2, or d for L1)
        double[] pot = new double[n];    // weight * cost: the sampling mass
        int sampleChunks = ParallelChunks.count(n, SAMPLE_CHUNK);
        double[] chunkPot = new double[sampleChunks];
        boolean[] dirty = new boolean[sampleChunks];
        int[][] members = new int[k][];  // per centre, its points sorted by distance, farthest first
        int[] size = new int[k];
        double[] maxDist = new double[k];
        long[] sortKeys = new long[n];

        int first = sample(w, sums(w, SAMPLE_CHUNK), SAMPLE_CHUNK, rng.nextDouble());
        copyPoint(p, first, centres, 0);
        for (int i = 0; i < n; i++) {
            cost[i] = Metric.cost(p, i, centres, 0, manhattan);
            dist[i] = manhattan ? cost[i] : Math.sqrt(cost[i]);
            pot[i] = w[i] * cost[i];
        }
        int[] everyone = new int[n];
        for (int i = 0; i < n; i++) {
            everyone[i] = i;
        }
        members[0] = sortFarthestFirst(everyone, n, dist, sortKeys);
        size[0] = n;
        maxDist[0] = n == 0 ? 0 : dist[members[0][0]];
        recompute(pot, chunkPot, null, n);

        int trials = 2 + (int) Math.log(k);
        int[] cand = new int[trials];
        double[] candToCentre = new double[k];
        int[] moved = new int[n];
        for (int c = 1; c < k; c++) {
            if ((c & 15) == 0 && cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled during k-means++");
            }
            for (int t = 0; t < trials; t++) {
                cand[t] = sample(pot, chunkPot, SAMPLE_CHUNK, rng.nextDouble());
            }
            int best = 0;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                int x = cand[t];
                double gain = 0;
                for (int j = 0; j < c; j++) {
                    double cc = Metric.distance(p, x, centres, j, manhattan);
                    if (cc >= 2 * maxDist[j]) {
                        continue;
                    }
                    int[] list = members[j];
                    for (int m = 0, e = size[j]; m < e; m++) {
                        int i = list[m];
                        if (2 * dist[i] * (1 + 1e-6) <= cc) {
                            break;  // the rest of the list is nearer to c_j still: the candidate cannot win them
                        }
                        if (cc < 2 * dist[i]) {
                            double d = pointCost(p, i, x, manhattan);
                            if (d < cost[i]) {
                                gain += pot[i] - w[i] * d;
                            }
                        }
                    }
                }
                if (gain > bestGain) {
                    bestGain = gain;
                    best = t;
                }
            }
            int chosen = cand[best];
            copyPoint(p, chosen, centres, c);
            int movedCount = 0;
            for (int j = 0; j < c; j++) {
                candToCentre[j] = Metric.distance(centres, c, centres, j, manhattan);
                double cc = candToCentre[j];
                if (cc >= 2 * maxDist[j]) {
                    continue;
                }
                int[] list = members[j];
                int kept = 0;
                int e = size[j];
                int m = 0;
                for (; m < e; m++) {
                    int i = list[m];
                    if (2 * dist[i] * (1 + 1e-6) <= cc) {
                        break;
                    }
                    double d;
                    if (cc < 2 * dist[i] && (d = pointCost(p, i, chosen, manhattan)) < cost[i]) {
                        cost[i] = d;
                        dist[i] = manhattan ? d : Math.sqrt(d);
                        pot[i] = w[i] * d;
                        dirty[i / SAMPLE_CHUNK] = true;
                        moved[movedCount++] = i;
                    } else {
                        list[kept++] = i;
                    }
                }
                if (kept != m) {
                    System.arraycopy(list, m, list, kept, e - m);
                }
                size[j] = kept + (e - m);
                maxDist[j] = size[j] == 0 ? 0 : dist[list[0]];
            }
            members[c] = sortFarthestFirst(moved, movedCount, dist, sortKeys);
            size[c] = movedCount;
            maxDist[c] = movedCount == 0 ? 0 : dist[members[c][0]];
            recompute(pot, chunkPot, dirty, n);
        }
        return centres;
    }

    /** Copy of ids[0..n) ordered by decreasing dist (float precision; callers allow for that). */
    private static int[] sortFarthestFirst(int[] ids, int n, double[] dist, long[] keys) {
        for (int m = 0; m < n; m++) {
            int i = ids[m];
            long bits = Float.floatToIntBits((float) dist[i]);  // non-negative floats order as ints
            keys[m] = ((Integer.MAX_VALUE - bits) << 32) | i;
        }
        Arrays.sort(keys, 0, n);
        int[] out = new int[n];
        for (int m = 0; m < n; m++) {
            out[m] = (int) keys[m];
        }
        return out;
    }

    /** Re-sums the sampling chunks marked dirty (all when dirty is null), in index order. */
    private static void recompute(double[] pot, double[] chunkPot, boolean[] dirty, int n) {
        for (int c = 0; c < chunkPot.length; c++) {
            if (dirty != null && !dirty[c]) {
                continue;
            }
            double s = 0;
            for (int i = c * SAMPLE_CHUNK, to = Math.min(n, i + SAMPLE_CHUNK); i < to; i++) {
                s += pot[i];
            }
            chunkPot[c] = s;
            if (dirty != null) {
                dirty[c] = false;
            }
        }
    }

    /** k distinct points, each draw proportional to weight among the points not drawn yet. */
    static double[] random(WeightedPoints pts, int k, SplittableRandom rng) {
        int n = pts.size;
        double[] w = pts.weights.clone();
        double[] chunkW = sums(w, CHUNK);
        double[] centres = new double[3 * k];
        for (int c = 0; c < k; c++) {
            int i = sample(w, chunkW, CHUNK, rng.nextDouble());
            copyPoint(pts.coords, i, centres, c);
            w[i] = 0;
            int chunk = i / CHUNK;
            double sum = 0;
            for (int j = chunk * CHUNK, to = Math.min(n, j + CHUNK); j < to; j++) {
                sum += w[j];
            }
            chunkW[chunk] = sum;
        }
        return centres;
    }

    private static double[] sums(double[] v, int chunkSize) {
        int n = v.length;
        double[] sums = new double[ParallelChunks.count(n, chunkSize)];
        for (int c = 0; c < sums.length; c++) {
            double s = 0;
            for (int i = c * chunkSize, to = Math.min(n, i + chunkSize); i < to; i++) {
                s += v[i];
            }
            sums[c] = s;
        }
        return sums;
    }

    /**
     * Index drawn with probability proportional to mass[i] (uniform01 in [0,1)); never an index
     * with zero mass. Walks chunk totals first, then one chunk.
     */
    static int sample(double[] mass, double[] chunkMass, int chunkSize, double uniform01) {
        double total = 0;
        for (double v : chunkMass) {
            total += v;
        }
        double target = uniform01 * total;
        int chunks = chunkMass.length;
        int chunk = 0;
        double acc = 0;
        while (chunk < chunks - 1 && acc + chunkMass[chunk] <= target) {
            acc += chunkMass[chunk];
            chunk++;
        }
        int from = chunk * chunkSize, to = Math.min(mass.length, from + chunkSize);
        for (int i = from; i < to; i++) {
            acc += mass[i];
            if (acc > target && mass[i] > 0) {
                return i;
            }
        }
        // Rounding left the target past the end of the walk: take the last point with mass.
        for (int c = chunk; c >= 0; c--) {
            if (chunkMass[c] > 0 || c == chunk) {
                for (int i = Math.min(mass.length, c * chunkSize + chunkSize) - 1; i >= c * chunkSize; i--) {
                    if (mass[i] > 0) {
                        return i;
                    }
                }
            }
        }
        throw new IllegalStateException("no mass left to sample from");
    }

    private static void copyPoint(float[] p, int i, double[] centres, int c) {
        centres[3 * c] = p[3 * i];
        centres[3 * c + 1] = p[3 * i + 1];
        centres[3 * c + 2] = p[3 * i + 2];
    }

    private static double pointCost(float[] p, int i, int j, boolean manhattan) {
        double dx = p[3 * i] - p[3 * j], dy = p[3 * i + 1] - p[3 * j + 1], dz = p[3 * i + 2] - p[3 * j + 2];
        return manhattan ? Math.abs(dx) + Math.abs(dy) + Math.abs(dz) : dx * dx + dy * dy + dz * dz;
    }

}
