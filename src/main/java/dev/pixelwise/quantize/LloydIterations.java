package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Lloyd's algorithm (assign to nearest, move centroids) on weighted points for any of the two
 * distances; the pipeline uses it for Manhattan, whose median update needs every point's cluster
 * ({@link FilteringLloyd} is faster for Euclidean). Accelerated with
 * Hamerly's bounds: each point keeps an upper bound on the distance to its centroid and a lower
 * bound on the distance to every other one; after centroids move by delta the bounds are widened by
 * delta, and the point is only re-examined when upper > max(lower, half the distance from its
 * centroid to the nearest other centroid). When a point must be re-examined, centroids are visited
 * in order of their distance along one axis (the one where centroids spread most) and the scan stops
 * once that 1-D gap alone exceeds the second-best distance, since |dx| <= L2 <= L1 distance. The
 * result is the same as plain Lloyd (bounds only skip work that cannot change an assignment), but
 * iterations touch few points and few centroids.
 *
 * <p>Update step: weighted mean for Euclidean; per-channel weighted median for Manhattan, because
 * the median minimises the sum of absolute deviations (L1) the way the mean minimises squared error.
 *
 * <p>Partial sums are per fixed-size chunk and added in chunk order, so results do not depend on
 * the number of threads.
 */
final class LloydIterations {
    static final int CHUNK = 4096;

    record Result(double[] centroids, int iterations, StopReason stopReason, double inertia) {
    }

    private final WeightedPoints pts;
    private final int n;
    private final int k;
    private final boolean manhattan;
    private final ParallelChunks parallel;
    private final int chunks;

    private final int[] assign;
    private final double[] upper;
    private final double[] lower;
    private final double[] chunkSums;    // chunk * k * 3
    private final double[] chunkWeight;  // chunk * k
    private final int[] chunkMembers;    // chunk * k
    private final int[] chunkChanges;
    private final int[] byAxis;          // centroid indices sorted along the scan axis
    private final double[] axisValue;    // their coordinate on that axis, ascending
    private int axis;

    LloydIterations(WeightedPoints pts, int k, boolean manhattan, ParallelChunks parallel) {
        this.pts = pts;
        this.n = pts.size;
        this.k = k;
        this.manhattan = manhattan;
        this.parallel = parallel;
        this.chunks = ParallelChunks.count(n, CHUNK);
        this.assign = new int[n];
        this.upper = new double[n];
        this.lower = new double[n];
        this.chunkSums = manhattan ? null : new double[chunks * k * 3];
        this.chunkWeight = new double[chunks * k];
        this.chunkMembers = new int[chunks * k];
        this.chunkChanges = new int[chunks];
        this.byAxis = new int[k];
        this.axisValue = new double[k];
    }

    /** Runs from the given initial centroids (k * 3 values, modified in place). */
    Result run(double[] centroids, int maxIterations, double tolerance, BooleanSupplier cancelled) {
        float[] p = pts.coords;
        double[] w = pts.weights;
        double[] halfGap = new double[k];   // half the distance to the nearest other centroid
        double[] shift = new double[k];     // movement of each centroid in the last update
        double[] sums = new double[3 * k];
        double[] weight = new double[k];
        int[] members = new int[k];
        double[] previous = new double[3 * k];
        StopReason reason;
        int iteration = 0;
        double maxShift = 0, secondShift = 0;
        int maxShiftIndex = -1;
        while (true) {
            iteration++;
            final boolean first = iteration == 1;
            final double maxS = maxShift, secondS = secondShift;
            final int maxIdx = maxShiftIndex;
            computeHalfGaps(centroids, halfGap);
            sortAlongAxis(centroids);
            parallel.run(chunks, (worker, chunk) -> assignChunk(chunk, first, centroids, halfGap, shift, maxS, secondS, maxIdx));
            int changes = 0;
            for (int c : chunkChanges) {
                changes += c;
            }
            if (!first && changes == 0) {
                reason = StopReason.NO_CHANGE;
                break;
            }
            combine(sums, weight, members);
            System.arraycopy(centroids, 0, previous, 0, 3 * k);
            boolean reseeded = LloydUpdate.anyEmpty(members);
            if (reseeded) {
                reseedEmpty(previous, sums, weight, members);
            }
            if (manhattan) {
                weightedMedians(centroids, weight);
            } else {
                LloydUpdate.moveToMeans(centroids, sums, weight);
            }
            maxShift = 0;
            secondShift = 0;
            maxShiftIndex = -1;
            for (int j = 0; j < k; j++) {
                double s = Metric.distance(centroids, j, previous, j, manhattan);
                shift[j] = s;
                if (s > maxShift) {
                    secondShift = maxShift;
                    maxShift = s;
                    maxShiftIndex = j;
                } else if (s > secondShift) {
                    secondShift = s;
                }
            }
            reason = LloydUpdate.stopAfterUpdate(reseeded, maxShift, tolerance, iteration, maxIterations, cancelled);
            if (reason != null) {
                break;
            }
        }
        return new Result(centroids, iteration, reason, inertia(centroids));
    }

    private void computeHalfGaps(double[] c, double[] halfGap) {
        Arrays.fill(halfGap, Double.POSITIVE_INFINITY);
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double d = 0.5 * Metric.distance(c, a, c, b, manhattan);
                if (d < halfGap[a]) {
                    halfGap[a] = d;
                }
                if (d < halfGap[b]) {
                    halfGap[b] = d;
                }
            }
        }
    }

    private void assignChunk(int chunk, boolean first, double[] c, double[] halfGap, double[] shift,
                             double maxShift, double secondShift, int maxShiftIndex) {
        float[] p = pts.coords;
        double[] w = pts.weights;
        int from = chunk * CHUNK, to = Math.min(n, from + CHUNK);
        int base = chunk * k;
        Arrays.fill(chunkWeight, base, base + k, 0);
        Arrays.fill(chunkMembers, base, base + k, 0);
        if (chunkSums != null) {
            Arrays.fill(chunkSums, 3 * base, 3 * (base + k), 0);
        }
        int changes = 0;
        for (int i = from; i < to; i++) {
            int a;
            if (first) {
                a = fullScan(p, i, c);
                changes++;
            } else {
                a = assign[i];
                double u = upper[i] + shift[a];
                double l = lower[i] - (a == maxShiftIndex ? secondShift : maxShift);
                double m = Math.max(halfGap[a], l);
                if (u > m) {
                    u = Metric.distance(p, i, c, a, manhattan);
                    upper[i] = u;
                    if (u > m) {
                        int b = fullScan(p, i, c);
                        if (b != a) {
                            changes++;
                            a = b;
                        }
                    } else {
                        lower[i] = l;
                    }
                } else {
                    upper[i] = u;
                    lower[i] = l;
                }
            }
            int slot = base + a;
            chunkWeight[slot] += w[i];
            chunkMembers[slot]++;
            if (chunkSums != null) {
                chunkSums[3 * slot] += w[i] * p[3 * i];
                chunkSums[3 * slot + 1] += w[i] * p[3 * i + 1];
                chunkSums[3 * slot + 2] += w[i] * p[3 * i + 2];
            }
        }
        chunkChanges[chunk] = changes;
    }

    /** Picks the axis of largest centroid spread and sorts the centroids along it. */
    private void sortAlongAxis(double[] c) {
        double bestSpread = -1;
        for (int d = 0; d < 3; d++) {
            double mean = 0;
            for (int j = 0; j < k; j++) {
                mean += c[3 * j + d];
            }
            mean /= k;
            double var = 0;
            for (int j = 0; j < k; j++) {
                double v = c[3 * j + d] - mean;
                var += v * v;
            }
            if (var > bestSpread) {
                bestSpread = var;
                axis = d;
            }
        }
        long[] keys = new long[k];
        for (int j = 0; j < k; j++) {
            int bits = Float.floatToIntBits((float) c[3 * j + axis]);
            keys[j] = ((long) (bits ^ ((bits >> 31) & 0x7FFFFFFF)) << 32) | j;
        }
        Arrays.sort(keys);
        for (int t = 0; t < k; t++) {
            int j = (int) keys[t];
            byAxis[t] = j;
            axisValue[t] = c[3 * j + axis];
        }
        // Float keys may misorder near-equal values; restore exact ascending order (insertion sort).
        for (int t = 1; t < k; t++) {
            double v = axisValue[t];
            int j = byAxis[t];
            int s = t - 1;
            while (s >= 0 && axisValue[s] > v) {
                axisValue[s + 1] = axisValue[s];
                byAxis[s + 1] = byAxis[s];
                s--;
            }
            axisValue[s + 1] = v;
            byAxis[s + 1] = j;
        }
    }

    /**
     * Nearest centroid of point i (lowest index on ties) and its exact upper and lower bounds.
     * Walks outwards from the point's position along the sorted axis, always taking the side with
     * the smaller 1-D gap, until that gap's cost exceeds the second-best cost found.
     */
    private int fullScan(float[] p, int i, double[] c) {
        double x = p[3 * i + axis];
        int hi = lowerBound(x), lo = hi - 1;
        double best = Double.POSITIVE_INFINITY, second = Double.POSITIVE_INFINITY;
        int bestJ = -1;
        while (lo >= 0 || hi < k) {
            double gapLo = lo >= 0 ? x - axisValue[lo] : Double.POSITIVE_INFINITY;
            double gapHi = hi < k ? axisValue[hi] - x : Double.POSITIVE_INFINITY;
            double gap = Math.min(gapLo, gapHi);
            if ((manhattan ? gap : gap * gap) > second) {
                break;
            }
            int j = gapLo <= gapHi ? byAxis[lo--] : byAxis[hi++];
            double d = Metric.cost(p, i, c, j, manhattan);
            if (d < best || (d == best && j < bestJ)) {
                second = best;
                best = d;
                bestJ = j;
            } else if (d < second) {
                second = d;
            }
        }
        upper[i] = manhattan ? best : Math.sqrt(best);
        lower[i] = manhattan ? second : Math.sqrt(second);
        assign[i] = bestJ;
        return bestJ;
    }

    /** First position whose axis value is >= x. */
    private int lowerBound(double x) {
        int lo = 0, hi = k;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (axisValue[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void combine(double[] sums, double[] weight, int[] members) {
        Arrays.fill(sums, 0);
        Arrays.fill(weight, 0);
        Arrays.fill(members, 0);
        for (int chunk = 0; chunk < chunks; chunk++) {
            int base = chunk * k;
            for (int j = 0; j < k; j++) {
                weight[j] += chunkWeight[base + j];
                members[j] += chunkMembers[base + j];
                if (chunkSums != null) {
                    sums[3 * j] += chunkSums[3 * (base + j)];
                    sums[3 * j + 1] += chunkSums[3 * (base + j) + 1];
                    sums[3 * j + 2] += chunkSums[3 * (base + j) + 2];
                }
            }
        }
    }

    /** {@link LloydUpdate#relocateEmpty} with each point's distance to its assigned centroid. */
    private void reseedEmpty(double[] centroids, double[] sums, double[] weight, int[] members) {
        float[] p = pts.coords;
        double[] far = new double[n];
        parallel.run(chunks, (worker, chunk) -> {
            for (int i = chunk * CHUNK, to = Math.min(n, i + CHUNK); i < to; i++) {
                far[i] = Metric.distance(p, i, centroids, assign[i], manhattan);
            }
        });
        for (int pick : LloydUpdate.relocateEmpty(pts, far, assign, weight, manhattan ? null : sums, members)) {
            upper[pick] = Double.POSITIVE_INFINITY;  // forces an exact re-check next iteration
            lower[pick] = 0;
        }
    }

    /** Per-channel weighted (lower) median of each cluster: the L1-optimal centre. */
    private void weightedMedians(double[] centroids, double[] weight) {
        float[] p = pts.coords;
        double[] w = pts.weights;
        int[] start = new int[k + 1];
        for (int i = 0; i < n; i++) {
            start[assign[i] + 1]++;
        }
        for (int j = 0; j < k; j++) {
            start[j + 1] += start[j];
        }
        int[] cursor = Arrays.copyOf(start, k);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[cursor[assign[i]]++] = i;
        }
        long[] keys = new long[n];
        parallel.run(k, (worker, j) -> {
            int s = start[j], e = start[j + 1];
            if (s == e) {
                return;
            }
            double half = weight[j] / 2;
            for (int d = 0; d < 3; d++) {
                for (int m = s; m < e; m++) {
                    int i = order[m];
                    keys[m] = ((long) sortableBits(p[3 * i + d]) << 32) | i;
                }
                Arrays.sort(keys, s, e);
                double acc = 0;
                for (int m = s; m < e; m++) {
                    int i = (int) keys[m];
                    acc += w[i];
                    if (acc >= half) {
                        centroids[3 * j + d] = p[3 * i + d];
                        break;
                    }
                }
            }
        });
    }

    /** Float bits remapped so that signed int order equals float order. */
    private static int sortableBits(float v) {
        int bits = Float.floatToIntBits(v);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    /** Sum of weight x cost to the assigned centroid (d^2 for L2, d for L1). */
    private double inertia(double[] centroids) {
        float[] p = pts.coords;
        double[] w = pts.weights;
        double[] partial = new double[chunks];
        parallel.run(chunks, (worker, chunk) -> {
            double s = 0;
            for (int i = chunk * CHUNK, to = Math.min(n, i + CHUNK); i < to; i++) {
                s += w[i] * Metric.cost(p, i, centroids, assign[i], manhattan);
            }
            partial[chunk] = s;
        });
        double total = 0;
        for (double v : partial) {
            total += v;
        }
        return total;
    }
}
