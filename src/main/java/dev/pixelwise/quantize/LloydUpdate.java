package dev.pixelwise.quantize;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The update step that {@link LloydIterations} and {@link FilteringLloyd} share: re-seeding empty
 * clusters and moving centroids to their weighted means. Per-cluster totals are {@code weight[j]},
 * {@code members[j]} (points) and {@code sums[3j .. 3j+2]} (weighted coordinate sums).
 */
final class LloydUpdate {
    private LloydUpdate() {
    }

    static boolean anyEmpty(int[] members) {
        for (int count : members) {
            if (count == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Each empty cluster takes the point farthest from its cluster's centroid, from a cluster that
     * keeps at least one point (scikit-learn's relocation rule): the centroid then sits on a real,
     * badly served colour instead of NaN or a duplicate. Rare, so a brute-force scan per empty cluster.
     *
     * @param far     per point, its distance (or cost) to its centroid; a moved point's is set to -1
     * @param cluster per point, its cluster; a moved point's is set to the empty cluster it now seeds
     * @param sums    null when the caller does not keep coordinate sums (the Manhattan median update)
     * @return the moved points, in the order the empty clusters took them
     */
    static int[] relocateEmpty(WeightedPoints pts, double[] far, int[] cluster, double[] weight, double[] sums,
                               int[] members) {
        float[] p = pts.coords;
        int n = pts.size;
        int[] moved = new int[members.length];
        int count = 0;
        for (int j = 0; j < members.length; j++) {
            if (members[j] != 0) {
                continue;
            }
            int pick = -1;
            double best = -1;
            for (int i = 0; i < n; i++) {
                if (far[i] > best && members[cluster[i]] > 1) {
                    best = far[i];
                    pick = i;
                }
            }
            if (pick < 0) {
                break;  // fewer distinct points than clusters: callers prevent this
            }
            int from = cluster[pick];
            double pw = pts.weights[pick];
            weight[from] -= pw;
            members[from]--;
            weight[j] = pw;
            members[j] = 1;
            if (sums != null) {
                for (int d = 0; d < 3; d++) {
                    sums[3 * from + d] -= pw * p[3 * pick + d];
                    sums[3 * j + d] = pw * p[3 * pick + d];
                }
            }
            cluster[pick] = j;
            far[pick] = -1;
            moved[count++] = pick;
        }
        return Arrays.copyOf(moved, count);
    }

    /** Moves every cluster with weight to the weighted mean of its points; others stay put. */
    static void moveToMeans(double[] centroids, double[] sums, double[] weight) {
        for (int j = 0; j < weight.length; j++) {
            if (weight[j] > 0) {
                centroids[3 * j] = sums[3 * j] / weight[j];
                centroids[3 * j + 1] = sums[3 * j + 1] / weight[j];
                centroids[3 * j + 2] = sums[3 * j + 2] / weight[j];
            }
        }
    }

    /**
     * The stopping rule after an update step: converged when no centroid moved by {@code tolerance}
     * or more (not counted after a re-seed, which moves a centroid on purpose), else the iteration
     * budget; null to go on.
     *
     * @throws CancellationException when {@code cancelled} says so and the loop would go on
     */
    static StopReason stopAfterUpdate(boolean reseeded, double maxShift, double tolerance, int iteration,
                                      int maxIterations, BooleanSupplier cancelled) {
        if (!reseeded && maxShift < tolerance) {
            return StopReason.TOLERANCE;
        }
        if (iteration >= maxIterations) {
            return StopReason.MAX_ITERATIONS;
        }
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled during k-means iterations");
        }
        return null;
    }
}
