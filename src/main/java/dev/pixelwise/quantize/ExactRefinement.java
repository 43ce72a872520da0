package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A few Lloyd steps on the exact unique colours after k-means ran on the bucketed histogram.
 * Bucketing forces every colour of a cube into one cluster, so Lloyd on buckets stops at a fixed
 * point a little short of the pixel-level optimum; these steps (exact nearest entry per colour,
 * then count-weighted means) let the centroids keep drifting the way k-means on all pixels would.
 * Each step costs about one remap search, since cubes owned by one entry add their precomputed
 * sums. Euclidean only: the mean is the L2 update.
 */
final class ExactRefinement {
    /** Upper bound on refinement steps (they stop earlier once centroids move less than tolerance). */
    static final int MAX_STEPS = 8;

    private ExactRefinement() {
    }

    static void refine(NearestColorSearch search, double[] centroids, int k, double tolerance, ParallelChunks parallel,
                       BooleanSupplier cancelled) {
        refine(search, centroids, k, tolerance, MAX_STEPS, parallel, cancelled);
    }

    /** @param centroids k * {@link NearestColorSearch#dims()} values, updated in place */
    static void refine(NearestColorSearch search, double[] centroids, int k, double tolerance, int maxSteps,
                       ParallelChunks parallel, BooleanSupplier cancelled) {
        int dims = search.dims();
        double[] mean = new double[dims];
        double[] next = new double[dims];
        for (int step = 0; step < maxSteps; step++) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled during refinement");
            }
            NearestColorSearch.Assignment a = search.search(centroids, k, false, parallel);
            double[] sums = a.entrySums();
            long[] weights = a.entryPixels();
            double maxShift = 0;
            for (int j = 0; j < k; j++) {
                if (weights[j] == 0) {
                    continue;  // keep an entry that lost all colours where it is; the finisher handles it
                }
                for (int d = 0; d < dims; d++) {
                    mean[d] = sums[dims * j + d] / weights[j];
                }
                System.arraycopy(mean, 0, next, 0, dims);
                double shift2 = 0;
                for (int d = 0; d < dims; d++) {
                    shift2 += (next[d] - centroids[dims * j + d]) * (next[d] - centroids[dims * j + d]);
                    centroids[dims * j + d] = next[d];
                }
                maxShift = Math.max(maxShift, Math.sqrt(shift2));
            }
            if (maxShift < tolerance) {
                return;
            }
        }
    }

    /** Weight of the Lab-side error per unit of RGB-side error in the balanced objective below. */
    static final double BALANCE = 0.32;
    /**
     * {@link #refineHybrid} stops when a step lowers its objective by less than this (the errors by
     * about 0.01 %). Small k settle in a few steps; k = 256 on a photo still gains after 20, where the
     * centroid shift test never fires because every mean is projected onto a real colour.
     */
    static final double MIN_GAIN = 1e-4;

    /**
     * The Lab weight {@link #refineHybrid} would start from for entries that stay where they are
     * (a given palette): BALANCE * E_rgb / E_lab under the nearest-in-RGB assignment; 1 when either
     * error is zero.
     */
    static double hybridWeight(NearestColorSearch search, double[] entries, int k, ParallelChunks parallel) {
        NearestColorSearch.Assignment a = search.search(entries, k, false, new double[] {1, 1, 1, 0, 0, 0}, parallel);
        double[] axes = a.axisCosts();
        double rgbError = axes[0] + axes[1] + axes[2], labError = axes[3] + axes[4] + axes[5];
        return labError > 0 && rgbError > 0 ? BALANCE * rgbError / labError : 1;
    }

    /**
     * Lloyd steps for {@link ColorSpace#RGB_LAB} on the exact colours (6 values per centroid, updated
     * in place), minimising log(E_rgb) + BALANCE * log(E_lab): E_rgb the summed squared RGB error
     * (what PSNR measures), E_lab the same in Lab' (close to what delta E measures). Taking logs
     * makes the trade-off relative, so it adapts to each image and k instead of one fixed weight
     * serving dark, saturated and pastel images alike. Each step is a majorise-minimise step (log is
     * concave): assign and update under the fixed cost |dRGB|^2 + w |dLab'|^2 with w = BALANCE *
     * E_rgb / E_lab taken from the previous assignment; the first assignment is pure RGB. Each mean
     * is moved to the nearest real colour, since the mean of 6-D points is no colour. Stops after
     * {@code maxSteps}, when the centroids move less than {@code tolerance}, or when a step gains less
     * than {@link #MIN_GAIN}.
     *
     * @return the Lab weight w of the last step, for the final remap
     */
    static double refineHybrid(NearestColorSearch search, double[] centroids, int k, double tolerance, int maxSteps,
                               ParallelChunks parallel, BooleanSupplier cancelled) {
        double[] axisWeight = {1, 1, 1, 0, 0, 0};
        double[] mean = new double[6];
        double[] next = new double[6];
        double previous = Double.POSITIVE_INFINITY;
        for (int step = 0; step < maxSteps; step++) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled during refinement");
            }
            NearestColorSearch.Assignment a = search.search(centroids, k, false, axisWeight, parallel);
            double[] axes = a.axisCosts();
            double rgbError = axes[0] + axes[1] + axes[2], labError = axes[3] + axes[4] + axes[5];
            if (!(labError > 0) || !(rgbError > 0)) {
                return axisWeight[3];
            }
            double objective = Math.log(rgbError) + BALANCE * Math.log(labError);
            if (previous - objective < MIN_GAIN) {
                break;
            }
            previous = objective;
            double labWeight = BALANCE * rgbError / labError;
            axisWeight[3] = axisWeight[4] = axisWeight[5] = labWeight;
            double[] sums = a.entrySums();
            long[] weights = a.entryPixels();
            double maxShift = 0;
            for (int j = 0; j < k; j++) {
                if (weights[j] == 0) {
                    continue;
                }
                for (int d = 0; d < 6; d++) {
                    mean[d] = sums[6 * j + d] / weights[j];
                }
                WorkingSpace.nearestHybridColor(mean, 0, labWeight, next, 0);
                double shift2 = 0;
                for (int d = 0; d < 3; d++) {
                    shift2 += (next[d] - centroids[6 * j + d]) * (next[d] - centroids[6 * j + d]);
                }
                System.arraycopy(next, 0, centroids, 6 * j, 6);
                maxShift = Math.max(maxShift, Math.sqrt(shift2));
            }
            if (maxShift < tolerance) {
                break;
            }
        }
        return axisWeight[3];
    }

    /**
     * Moves each {@link ColorSpace#RGB_LAB} centroid (a real colour with fractional RGB levels, as
     * {@link #refineHybrid} leaves it) to the 8-bit colour among the eight around it that is nearest
     * under the weighted cost. Rounding each level on its own ignores the Lab half of the cost; with
     * small clusters (k = 256) that costs up to a few thousandths of mean ΔE.
     *
     * @param centroids k * 6 values, updated in place to the chosen colours' coordinates
     */
    static void snapToBytes(double[] centroids, int k, double labWeight) {
        double[] probe = new double[6];
        double[] best = new double[6];
        for (int j = 0; j < k; j++) {
            int o = 6 * j;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int corner = 0; corner < 8; corner++) {
                WorkingSpace.hybridCoords(level(centroids[o], corner & 1), level(centroids[o + 1], corner & 2),
                        level(centroids[o + 2], corner & 4), probe, 0);
                double cost = 0;
                for (int d = 0; d < 6; d++) {
                    double v = probe[d] - centroids[o + d];
                    cost += (d < 3 ? 1 : labWeight) * v * v;
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    System.arraycopy(probe, 0, best, 0, 6);
                }
            }
            System.arraycopy(best, 0, centroids, o, 6);
        }
    }

    /** The 8-bit level below ({@code up} 0) or above a fractional level, within 0..255. */
    private static double level(double v, int up) {
        return Math.max(0, Math.min(255, up == 0 ? Math.floor(v) : Math.ceil(v)));
    }
}
