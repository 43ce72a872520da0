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
    /** The premultiplied-RGBA state when some pixel is translucent (then the fields above are null). */
    final TranslucentPalette translucent;

    Prepared(int[] argb, int width, int height, KMeansParams params, ColorHistogram histogram,
             float[] uniqueCoords, WeightedPoints points, int bucketBits, KdTree tree, NearestColorSearch search) {
        this(argb, width, height, params, histogram, uniqueCoords, points, bucketBits, tree, search, null);
    }

    Prepared(int[] argb, int width, int height, KMeansParams params, TranslucentPalette translucent) {
        this(argb, width, height, params, null, null, null, 8, null, null, translucent);
    }

    private Prepared(int[] argb, int width, int height, KMeansParams params, ColorHistogram histogram,
                     float[] uniqueCoords, WeightedPoints points, int bucketBits, KdTree tree, NearestColorSearch search,
                     TranslucentPalette translucent) {
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
        this.translucent = translucent;
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

    /**
     * Number of distinct colours k-means sees: opaque colours (alpha >= 128, alpha ignored), or, when
     * some pixel is translucent, distinct ARGB values with alpha > 0.
     */
    public int uniqueColors() {
        return translucent != null ? translucent.size() : histogram.size();
    }

    /** Pixels that get the transparent entry: alpha < 128, or alpha 0 when some pixel is translucent. */
    public long transparentPixels() {
        return translucent != null ? translucent.transparentPixels : histogram.transparentPixels();
    }

    /** True when some pixel has 0 < alpha < 255: palette entries then carry their own alpha. */
    public boolean translucent() {
        return translucent != null;
    }

    /** Number of weighted points k-means runs on (unique colours, or histogram buckets). */
    public int histogramSize() {
        return translucent != null ? translucent.weights.length : points.size;
    }

    /** Bits kept per RGB channel when bucketing (8 = exact unique colours were used). */
    public int histogramBits() {
        return bucketBits;
    }
}
