package dev.pixelwise.quantize;

/** The data k-means runs on: n points in working space (x,y,z interleaved) with pixel-count weights. */
final class WeightedPoints {
    final int size;
    final float[] coords;
    final double[] weights;

    WeightedPoints(float[] coords, double[] weights) {
        if (coords.length != 3 * weights.length) {
            throw new IllegalArgumentException("coords must hold 3 values per weight");
        }
        this.size = weights.length;
        this.coords = coords;
        this.weights = weights;
    }

    /** Every unique colour with its exact count: the same objective as k-means over all pixels. */
    static WeightedPoints exact(float[] uniqueCoords, int[] counts) {
        double[] w = new double[counts.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = counts[i];
        }
        return new WeightedPoints(uniqueCoords, w);
    }

    /**
     * One point per cell: the count-weighted mean (in working space) of the cell's colours. Since
     * sum_w |x - c|^2 = W |mean - c|^2 + const within a cell, this loses nothing as long as a whole
     * cell belongs to one cluster, which only fails for cells cut by a cluster boundary.
     */
    static WeightedPoints bucketed(ColorCells cells, float[] uniqueCoords, int[] counts) {
        return bucketed(cells, uniqueCoords, 3, counts);
    }

    /** @param stride values per colour in uniqueCoords; the first 3 are used */
    static WeightedPoints bucketed(ColorCells cells, float[] uniqueCoords, int stride, int[] counts) {
        int n = cells.cellCount();
        float[] coords = new float[3 * n];
        double[] w = new double[n];
        for (int c = 0; c < n; c++) {
            double sx = 0, sy = 0, sz = 0, sw = 0;
            for (int m = cells.start[c]; m < cells.start[c + 1]; m++) {
                int u = cells.members[m];
                double cw = counts[u];
                sx += cw * uniqueCoords[stride * u];
                sy += cw * uniqueCoords[stride * u + 1];
                sz += cw * uniqueCoords[stride * u + 2];
                sw += cw;
            }
            coords[3 * c] = (float) (sx / sw);
            coords[3 * c + 1] = (float) (sy / sw);
            coords[3 * c + 2] = (float) (sz / sw);
            w[c] = sw;
        }
        return new WeightedPoints(coords, w);
    }
}
