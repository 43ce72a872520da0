package dev.pixelwise.quantize;

/**
 * Suggests k from an inertia-versus-k curve (k-means cannot choose k itself).
 *
 * <p>Method ("kneedle"-style maximum distance to the chord): put log(k) and inertia on [0,1]
 * axes, draw the straight chord from the first to the last point, and return the k whose point lies
 * farthest below that chord, i.e. where adding colours stops paying off as fast as before. log(k)
 * is used because palette sizes are naturally compared by doubling.
 */
public final class ElbowFinder {
    private ElbowFinder() {
    }

    /**
     * @param ks       strictly increasing k values (>= 1)
     * @param inertias inertia (or any error that falls with k) for each k
     * @return the elbow k; ks[0] when there are fewer than 3 points or no point lies below the chord
     */
    public static int suggest(int[] ks, double[] inertias) {
        if (ks == null || inertias == null || ks.length != inertias.length || ks.length == 0) {
            throw new IllegalArgumentException("ks and inertias must be non-empty and the same length");
        }
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] < 1 || (i > 0 && ks[i] <= ks[i - 1])) {
                throw new IllegalArgumentException("ks must be positive and strictly increasing");
            }
            if (!Double.isFinite(inertias[i])) {
                throw new IllegalArgumentException("inertias must be finite");
            }
        }
        int n = ks.length;
        if (n < 3) {
            return ks[0];
        }
        double x0 = Math.log(ks[0]), xSpan = Math.log(ks[n - 1]) - x0;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (double v : inertias) {
            yMin = Math.min(yMin, v);
            yMax = Math.max(yMax, v);
        }
        double ySpan = yMax - yMin;
        if (ySpan == 0) {
            return ks[0];
        }
        double yFirst = (inertias[0] - yMin) / ySpan, yLast = (inertias[n - 1] - yMin) / ySpan;
        int best = -1;
        double bestGap = 0;
        for (int i = 1; i < n - 1; i++) {
            double x = (Math.log(ks[i]) - x0) / xSpan;
            double y = (inertias[i] - yMin) / ySpan;
            double chordY = yFirst + (yLast - yFirst) * x;
            // Vertical gap is proportional to the perpendicular distance (fixed chord slope).
            double gap = chordY - y;
            if (gap > bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        return best < 0 ? ks[0] : ks[best];
    }
}
