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
     * is moved to the nearest real colour, since the mean of 6-D points is no colour.
     *
     * @return the Lab weight w of the last step, for the final remap
     */
    static double refineHybrid(NearestColorSearch search, double[] centroids, int k, double tolerance, int maxSteps,
                               ParallelChunks parallel, BooleanSupplier cancelled) {
        double[] axisWeight = {1, 1, 1, 0, 0, 0};
        double[] mean = new double[6];
        double[] next = new double[6];
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
}
