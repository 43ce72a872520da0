package dev.pixelwise.quantize;

/**
 * Settings of one quantisation job. {@code k} is not here: one {@link Prepared} image can be
 * quantised for several k.
 *
 * @param colorSpace    working space for distances and centroids
 * @param distance      assignment distance (and therefore mean or median update)
 * @param init          centroid initialisation
 * @param restarts      independent k-means starts (1..32); each runs 10 Lloyd iterations, then the one
 *                      with the lowest inertia runs on to convergence and is kept
 * @param maxIterations iteration cap (1..1000), one of the three convergence tests
 * @param tolerance     stop when the largest centroid shift is below this, in working-space units
 *                      (Lab units ~ delta E, or 0..255 RGB levels); 0 disables the test
 * @param seed          seed of every random choice; same seed => same result on any thread count
 * @param exact         true: k-means over every opaque pixel (as exact unique colours with counts,
 *                      which is the same Lloyd iteration as weight-1 pixels); false: over a bounded,
 *                      bucketed histogram (fast path)
 * @param dither        error diffusion in the remap step
 */
public record KMeansParams(ColorSpace colorSpace, Distance distance, Init init, int restarts,
                           int maxIterations, double tolerance, long seed, boolean exact, Dither dither) {

    public KMeansParams {
        if (colorSpace == null || distance == null || init == null || dither == null) {
            throw new IllegalArgumentException("colorSpace, distance, init and dither must not be null");
        }
        if (restarts < 1 || restarts > 32) {
            throw new IllegalArgumentException("restarts must be in 1..32, was " + restarts);
        }
        if (maxIterations < 1 || maxIterations > 1000) {
            throw new IllegalArgumentException("maxIterations must be in 1..1000, was " + maxIterations);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and >= 0, was " + tolerance);
        }
    }

    /**
     * LAB, Euclidean, k-means++, 5 restarts, 300 iterations, tolerance 0.1, seed 0, fast path, no
     * dither. Five raced restarts on the small histogram cost little and are what keeps the result
     * consistently at the quality of k-means on all pixels; a 0.1 shift (Lab units or RGB levels)
     * is far below visibility and saves the long tail of tiny Lloyd moves.
     */
    public static KMeansParams defaults() {
        return new KMeansParams(ColorSpace.LAB, Distance.EUCLIDEAN, Init.KMEANS_PP, 5, 300, 0.1, 0L, false, Dither.NONE);
    }

    public KMeansParams withColorSpace(ColorSpace v) { return new KMeansParams(v, distance, init, restarts, maxIterations, tolerance, seed, exact, dither); }
    public KMeansParams withDistance(Distance v) { return new KMeansParams(colorSpace, v, init, restarts, maxIterations, tolerance, seed, exact, dither); }
    public KMeansParams withInit(Init v) { return new KMeansParams(colorSpace, distance, v, restarts, maxIterations, tolerance, seed, exact, dither); }
    public KMeansParams withRestarts(int v) { return new KMeansParams(colorSpace, distance, init, v, maxIterations, tolerance, seed, exact, dither); }
    public KMeansParams withMaxIterations(int v) { return new KMeansParams(colorSpace, distance, init, restarts, v, tolerance, seed, exact, dither); }
    public KMeansParams withTolerance(double v) { return new KMeansParams(colorSpace, distance, init, restarts, maxIterations, v, seed, exact, dither); }
    public KMeansParams withSeed(long v) { return new KMeansParams(colorSpace, distance, init, restarts, maxIterations, tolerance, v, exact, dither); }
    public KMeansParams withExact(boolean v) { return new KMeansParams(colorSpace, distance, init, restarts, maxIterations, tolerance, seed, v, dither); }
    public KMeansParams withDither(Dither v) { return new KMeansParams(colorSpace, distance, init, restarts, maxIterations, tolerance, seed, exact, v); }
}
