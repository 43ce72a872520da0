package dev.pixelwise.quantize;

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
        refine(search, centroids, k, tolerance, MAX_STEPS, ColorSpace.LAB, parallel, cancelled);
    }

    /**
     * @param centroids k * {@link NearestColorSearch#dims()} values, updated in place
     * @param space     for {@link ColorSpace#RGB_LAB} each mean is moved to the nearest real colour
     *                  (the mean of 6-D points is no colour); other spaces keep the plain mean
     */
    static void refine(NearestColorSearch search, double[] centroids, int k, double tolerance, int maxSteps,
                       ColorSpace space, ParallelChunks parallel, BooleanSupplier cancelled) {
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
                if (space == ColorSpace.RGB_LAB) {
                    WorkingSpace.nearestHybridColor(mean, 0, next, 0);
                } else {
                    System.arraycopy(mean, 0, next, 0, dims);
                }
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
}
