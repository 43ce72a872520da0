package dev.pixelwise.quantize;

/**
 * Everything about one image that does not depend on k, built once by
 * {@link PaletteQuantizer#prepare}: the exact colour histogram, the working-space coordinates of
 * every unique colour, the (possibly bucketed) weighted points k-means runs on with their kd-tree,
 * and the grid used for the exact nearest-colour search. Quantising for several k reuses all of it.
 *
 * <p>Holds a reference to the caller's pixel array (no copy, to spare 4 bytes per pixel): do not
 * modify it while this object is in use. Immutable and safe to share between threads.
 */
public final class Prepared {
    final int[] argb;
    final int width;
    final int height;
    final KMeansParams params;
    final ColorHistogram histogram;
    final float[] uniqueCoords;
    final WeightedPoints points;
    final int bucketBits;
    final KdTree tree;
    final NearestColorSearch search;

    Prepared(int[] argb, int width, int height, KMeansParams params, ColorHistogram histogram,
             float[] uniqueCoords, WeightedPoints points, int bucketBits, KdTree tree, NearestColorSearch search) {
        this.argb = argb;
        this.width = width;
        this.height = height;
        this.params = params;
        this.histogram = histogram;
        this.uniqueCoords = uniqueCoords;
        this.points = points;
        this.bucketBits = bucketBits;
        this.tree = tree;
        this.search = search;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public KMeansParams params() {
        return params;
    }

    /** Number of distinct opaque (alpha >= 128) colours in the original image, alpha ignored. */
    public int uniqueColors() {
        return histogram.size();
    }

    /** Pixels with alpha < 128. */
    public long transparentPixels() {
        return histogram.transparentPixels();
    }

    /** Number of weighted points k-means runs on (unique colours, or histogram buckets). */
    public int histogramSize() {
        return points.size;
    }

    /** Bits kept per RGB channel when bucketing (8 = exact unique colours were used). */
    public int histogramBits() {
        return bucketBits;
    }
}
