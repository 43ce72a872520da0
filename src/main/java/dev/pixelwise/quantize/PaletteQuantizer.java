package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * The entry point: K-Means colour quantisation in three stages, libimagequant-style:
 * {@link ColorHistogram} (exact unique colours, bucketed to a bounded size for k-means when there
 * are many) -> {@link KMeansPalette} (weighted k-means on those entries, then a few
 * {@link ExactRefinement} steps on the exact colours when bucketed) -> {@link Remapper} or
 * {@link FloydSteinbergDitherer} (one palette index per pixel, exact nearest in working space).
 * {@link ColorSpace#RGB_LAB} clusters in RGB, then runs Lloyd steps on the exact colours under a
 * combined RGB + Lab' cost ({@link ExactRefinement#refineHybrid}), remaps under that cost and lets
 * near-tied pixels follow a neighbour's entry ({@link CoherentRemap}) so the PNG compresses better.
 *
 * <p>{@link #prepare} does all the work that does not depend on k once; {@link #quantize} can then be
 * called for many k. Results depend only on the pixels and {@link KMeansParams} (including its seed),
 * not on the pool or its size. Instances are stateless and thread-safe.
 */
public final class PaletteQuantizer {
    /**
     * Largest number of weighted points k-means runs on in the fast path. 2^15 keeps every k cheap;
     * the refinement on exact colours recovers what coarser buckets lose.
     */
    static final int DEFAULT_HISTOGRAM_CAP = 1 << 15;
    private static final int COLOR_CHUNK = 1 << 14;
    /**
     * Most Lloyd steps under the combined cost after RGB k-means, for {@link ColorSpace#RGB_LAB}; they
     * usually stop earlier ({@link ExactRefinement#MIN_GAIN}). 28 measured on the shared photos: 8 left
     * k = 256 short of pngquant's PSNR or ΔE on some, 32 began to trade PSNR for ΔE at k = 16.
     */
    static final int HYBRID_STEPS = 28;
    /**
     * {@link ColorSpace#RGB_LAB}: a pixel may take a neighbour's entry at up to this much more cost
     * ({@link CoherentRemap}). 0.2 saves about 5% of the palette PNG's bytes for ~0.02 dB PSNR.
     */
    static final double COHERENCE_SLACK = 0.2;

    private final ParallelChunks parallel;
    private final int histogramCap;

    /** @param pool threads to use, or null to run on the calling thread only */
    public PaletteQuantizer(ExecutorService pool) {
        this(pool, Runtime.getRuntime().availableProcessors());
    }

    /** @param parallelism how many threads of {@code pool} one call may occupy (including the caller) */
    public PaletteQuantizer(ExecutorService pool, int parallelism) {
        this(pool, parallelism, DEFAULT_HISTOGRAM_CAP);
    }

    PaletteQuantizer(ExecutorService pool, int parallelism, int histogramCap) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1");
        }
        if (histogramCap < 4096) {
            throw new IllegalArgumentException("histogramCap must be >= 4096");
        }
        this.parallel = new ParallelChunks(pool, Math.min(parallelism, 64));
        this.histogramCap = histogramCap;
    }

    /**
     * Builds the k-independent state of an image.
     *
     * @param argb   pixels 0xAARRGGBB, row-major (as BufferedImage.getRGB); kept by reference
     * @param params settings used by every later {@link #quantize} of the result
     */
    public Prepared prepare(int[] argb, int width, int height, KMeansParams params) {
        if (argb == null || params == null) {
            throw new IllegalArgumentException("argb and params must not be null");
        }
        if (width < 1 || height < 1 || (long) width * height != argb.length) {
            throw new IllegalArgumentException("argb.length must equal width * height (" + width + "x" + height
                    + " vs " + argb.length + ")");
        }
        if (TranslucentPalette.hasTranslucency(argb)) {
            return new Prepared(argb, width, height, params, TranslucentPalette.prepare(argb));
        }
        return prepareOpaque(argb, width, height, params, ColorHistogram.build(argb, parallel));
    }

    /**
     * The opaque engine's state for a histogram; {@code argb} may be null (then only
     * {@link #palette(Prepared, int, BooleanSupplier)} may be called, as {@link SharedPalette} does).
     */
    Prepared prepareOpaque(int[] argb, int width, int height, KMeansParams params, ColorHistogram histogram) {
        int[] colors = histogram.colors();
        int u = colors.length;
        ColorSpace space = params.colorSpace();
        int dims = WorkingSpace.dims(space);
        float[] coords = new float[dims * u];
        parallel.run(ParallelChunks.count(u, COLOR_CHUNK), (worker, chunk) -> {
            for (int i = chunk * COLOR_CHUNK, to = Math.min(u, i + COLOR_CHUNK); i < to; i++) {
                WorkingSpace.toCoords(space, colors[i], coords, dims * i);
            }
        });
        // k-means itself always runs in 3-D: RGB_LAB clusters in RGB (its first three coordinates).
        WeightedPoints points;
        int bits = 8;
        ColorCells buckets = null;
        if (params.exact() || u <= histogramCap) {
            points = WeightedPoints.exact(dims == 3 ? coords : firstThree(coords, dims, u), histogram.counts());
        } else {
            bits = 7;
            while (bits > 4 && ColorCells.occupiedCells(colors, bits) > histogramCap) {
                bits--;
            }
            buckets = ColorCells.group(colors, bits);
            points = WeightedPoints.bucketed(buckets, coords, dims, histogram.counts());
        }
        int gridBits = NearestColorSearch.gridBits(u);
        ColorCells grid = buckets != null && buckets.bits == gridBits ? buckets : ColorCells.group(colors, gridBits);
        NearestColorSearch search = new NearestColorSearch(colors, grid, coords, histogram.counts(), dims);
        KdTree tree = params.distance() == Distance.EUCLIDEAN ? new KdTree(points) : null;
        return new Prepared(argb, width, height, params, histogram, coords, points, bits, tree, search);
    }

    private static float[] firstThree(float[] coords, int dims, int n) {
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(coords, dims * i, out, 3 * i, 3);
        }
        return out;
    }

    /** Same as {@link #quantize(Prepared, int, BooleanSupplier, DoubleConsumer)} without progress. */
    public QuantizedImage quantize(Prepared prepared, int k, BooleanSupplier cancelled) {
        return quantize(prepared, k, cancelled, p -> { });
    }

    /**
     * Quantises to at most k colours (k counts the transparent entry, if any).
     *
     * @param k         palette size, 2..256
     * @param cancelled polled between iterations (and stages); when true a
     *                  {@link CancellationException} is thrown
     * @param progress  receives increasing values in 0..1
     */
    public QuantizedImage quantize(Prepared prepared, int k, BooleanSupplier cancelled, DoubleConsumer progress) {
        if (prepared == null) {
            throw new IllegalArgumentException("prepared must not be null");
        }
        if (k < 2 || k > 256) {
            throw new IllegalArgumentException("k must be in 2..256, was " + k);
        }
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        DoubleConsumer report = progress == null ? p -> { } : progress;
        KMeansParams params = prepared.params;
        if (prepared.translucent != null) {
            return prepared.translucent.quantize(prepared.argb, prepared.width, prepared.height, k, params, parallel,
                    stop, report);
        }
        boolean hasTransparent = prepared.histogram.transparentPixels() > 0;
        Found found = findOpaque(prepared, k - (hasTransparent ? 1 : 0), stop, report);
        return remapOpaque(prepared, k, found, stop, report);
    }

    /** Opaque entries found for an image, with what the remap needs to use them as k-means left them. */
    private record Found(int[] palette, double labWeight, int iterations, StopReason reason) {
    }

    /**
     * The palette only: up to {@code k} entries (counting the transparent one, first, when the
     * histogram has transparent pixels), as {@link #quantize} would choose them, without a remap.
     */
    int[] palette(Prepared prepared, int k, BooleanSupplier cancelled) {
        if (k < 2 || k > 256) {
            throw new IllegalArgumentException("k must be in 2..256, was " + k);
        }
        boolean hasTransparent = prepared.histogram.transparentPixels() > 0;
        int[] opaque = findOpaque(prepared, k - (hasTransparent ? 1 : 0), cancelled == null ? () -> false : cancelled,
                p -> { }).palette();
        int offset = hasTransparent ? 1 : 0;
        int[] out = new int[opaque.length + offset];
        System.arraycopy(opaque, 0, out, offset, opaque.length);
        return out;  // out[0] stays 0x00000000 when there is a transparent entry
    }

    private Found findOpaque(Prepared prepared, int opaqueSlots, BooleanSupplier stop, DoubleConsumer report) {
        KMeansParams params = prepared.params;
        boolean manhattan = params.distance() == Distance.MANHATTAN;
        ColorHistogram histogram = prepared.histogram;
        int unique = histogram.size();
        int[] opaquePalette;
        double labWeight = 1;  // RGB_LAB only: weight of Lab' error in the remap
        int iterations = 0;
        StopReason reason = StopReason.NO_CHANGE;
        if (unique <= opaqueSlots) {
            // Fewer colours than slots: the palette is the image's own colours, no clustering needed.
            opaquePalette = new int[unique];
            for (int i = 0; i < unique; i++) {
                opaquePalette[i] = 0xFF000000 | histogram.colors()[i];
            }
        } else {
            int clusters = Math.min(opaqueSlots, prepared.points.size);
            LloydIterations.Result best = new KMeansPalette(parallel)
                    .run(prepared.points, prepared.tree, clusters, params, stop, p -> report.accept(0.8 * p));
            iterations = best.iterations();
            reason = best.stopReason();
            double[] centroids = best.centroids();
            if (params.colorSpace() == ColorSpace.RGB_LAB) {
                // Lift the RGB centroids to RGB+Lab, then let Lloyd steps on the exact colours settle
                // them under the combined cost.
                double[] lifted = new double[6 * clusters];
                for (int j = 0; j < clusters; j++) {
                    WorkingSpace.hybridCoords(centroids[3 * j], centroids[3 * j + 1], centroids[3 * j + 2], lifted, 6 * j);
                }
                centroids = lifted;
                if (!manhattan) {
                    labWeight = ExactRefinement.refineHybrid(prepared.search, centroids, clusters, params.tolerance(),
                            HYBRID_STEPS, parallel, stop);
                    ExactRefinement.snapToBytes(centroids, clusters, labWeight);
                }
            } else if (prepared.bucketBits < 8 && !manhattan) {
                ExactRefinement.refine(prepared.search, centroids, clusters, params.tolerance(), parallel, stop);
            }
            opaquePalette = PaletteFinisher.finish(centroids, clusters, params.colorSpace(),
                    histogram.colors(), prepared.uniqueCoords, manhattan);
        }
        return new Found(opaquePalette, labWeight, iterations, reason);
    }

    /**
     * Remaps an image to a given palette instead of one k-means finds: each pixel gets its nearest
     * entry as {@link #quantize} would choose it (the job's colour space, distance and dither;
     * premultiplied RGBA when the image has translucent pixels). Opaque images use only the
     * palette's opaque entries; pixels {@link #quantize} would make transparent take the palette's
     * fully transparent entry. Entries no pixel takes stay in the palette, after the used ones.
     *
     * @param palette 1..256 distinct 0xAARRGGBB colours; any alpha-0 entry must be 0x00000000. When the
     *                image has transparent pixels and there is no such entry, one is added (so at most
     *                255 entries then)
     * @throws IllegalArgumentException when the palette does not fit the image (no entry for its
     *                                  opaque pixels, or no room for the transparent entry)
     */
    public QuantizedImage remap(Prepared prepared, int[] palette, BooleanSupplier cancelled, DoubleConsumer progress) {
        if (prepared == null || palette == null || prepared.argb == null) {
            throw new IllegalArgumentException("prepared (with its pixels) and palette must not be null");
        }
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        DoubleConsumer report = progress == null ? p -> { } : progress;
        boolean hasZero = false;
        List<Integer> visible = new ArrayList<>();
        for (int c : palette) {
            if (c == 0) {
                hasZero = true;
            } else if (c >>> 24 == 0) {
                throw new IllegalArgumentException("a fully transparent entry must be 0x00000000");
            } else {
                visible.add(c);
            }
        }
        boolean needsTransparent = prepared.transparentPixels() > 0;
        int total = palette.length + (needsTransparent && !hasZero ? 1 : 0);
        if (total > 256 || total < 1) {
            throw new IllegalArgumentException("the image has transparent pixels and the palette has no transparent "
                    + "entry nor room for one: give at most 255 colours or include #00000000");
        }
        QuantizedImage used;
        if (prepared.translucent != null) {
            used = prepared.translucent.remap(prepared.argb, prepared.width, prepared.height, total,
                    visible.stream().mapToInt(Integer::intValue).toArray(), prepared.params, parallel, stop, report);
        } else {
            int[] opaque = visible.stream().mapToInt(Integer::intValue).filter(c -> c >>> 24 == 0xFF).toArray();
            if (opaque.length == 0 && prepared.histogram.size() > 0) {
                throw new IllegalArgumentException("the palette has no opaque colour for the image's opaque pixels");
            }
            // RGB_LAB: the Lab weight k-means would have balanced the two errors with, for this palette
            double labWeight = prepared.params.colorSpace() == ColorSpace.RGB_LAB && opaque.length > 0
                    && prepared.params.distance() == Distance.EUCLIDEAN
                    ? ExactRefinement.hybridWeight(prepared.search, hybridCoords(opaque), opaque.length, parallel)
                    : 1;
            used = remapOpaque(prepared, total, new Found(opaque, labWeight, 0, StopReason.NO_CHANGE), stop, report);
        }
        // The given entries no pixel could take (translucent ones for an opaque image, or a transparent
        // entry the image does not need) follow, so every image of a batch carries the whole palette.
        Set<Integer> present = new HashSet<>();
        for (int c : used.paletteArgb()) {
            present.add(c);
        }
        int[] all = Arrays.copyOf(used.paletteArgb(), total);
        int n = used.paletteArgb().length;
        for (int c : palette) {
            if (present.add(c)) {
                all[n++] = c;
            }
        }
        long[] counts = Arrays.copyOf(used.pixelCounts(), total);
        int transparentIndex = used.transparentIndex();
        for (int j = 0; j < total && transparentIndex < 0; j++) {
            transparentIndex = all[j] == 0 ? j : -1;
        }
        return new QuantizedImage(used.width(), used.height(), total, all, used.indices(), counts, 0, used.inertia(),
                StopReason.NO_CHANGE, transparentIndex);
    }

    private static double[] hybridCoords(int[] palette) {
        double[] out = new double[6 * palette.length];
        for (int j = 0; j < palette.length; j++) {
            WorkingSpace.toCoords(ColorSpace.RGB_LAB, palette[j], out, 6 * j);
        }
        return out;
    }

    private QuantizedImage remapOpaque(Prepared prepared, int k, Found found, BooleanSupplier stop,
                                       DoubleConsumer report) {
        KMeansParams params = prepared.params;
        boolean manhattan = params.distance() == Distance.MANHATTAN;
        ColorHistogram histogram = prepared.histogram;
        int unique = histogram.size();
        boolean hasTransparent = histogram.transparentPixels() > 0;
        int[] opaquePalette = found.palette();
        double labWeight = found.labWeight();
        int iterations = found.iterations();
        StopReason reason = found.reason();
        if (stop.getAsBoolean()) {
            throw new CancellationException("cancelled before remapping");
        }
        int m = opaquePalette.length;
        int dims = WorkingSpace.dims(params.colorSpace());
        double[] coords = new double[dims * m];
        for (int j = 0; j < m; j++) {
            WorkingSpace.toCoords(params.colorSpace(), opaquePalette[j], coords, dims * j);
        }
        NearestColorSearch.Assignment nearest = m == 0
                ? new NearestColorSearch.Assignment(new int[0], new int[0], new long[0], new double[0], 0)
                : dims == 3 ? prepared.search.search(coords, m, manhattan, parallel)
                : prepared.search.search(coords, m, manhattan, new double[] {1, 1, 1, labWeight, labWeight, labWeight},
                        parallel);

        // Order: transparent entry first (PNG keeps tRNS short), then opaque entries by pixel count.
        long[] opaqueCounts = nearest.entryPixels();
        Integer[] order = new Integer[m];
        for (int j = 0; j < m; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> opaqueCounts[a] != opaqueCounts[b]
                ? Long.compare(opaqueCounts[b], opaqueCounts[a])
                : Integer.compareUnsigned(opaquePalette[a], opaquePalette[b]));
        int offset = hasTransparent ? 1 : 0;
        int[] palette = new int[m + offset];
        long[] pixelCounts = new long[m + offset];
        int[] newIndex = new int[m];
        for (int pos = 0; pos < m; pos++) {
            int j = order[pos];
            newIndex[j] = pos + offset;
            palette[pos + offset] = opaquePalette[j];
            pixelCounts[pos + offset] = opaqueCounts[j];
        }
        int transparentIndex = -1;
        if (hasTransparent) {
            transparentIndex = 0;
            palette[0] = 0;
            pixelCounts[0] = histogram.transparentPixels();
        }
        byte[] indices;
        if (params.dither() == Dither.FLOYD_STEINBERG && m > 1) {
            indices = FloydSteinbergDitherer.dither(prepared.argb, prepared.width, prepared.height, palette,
                    transparentIndex, stop);
            Arrays.fill(pixelCounts, 0);
            for (byte b : indices) {
                pixelCounts[b & 0xFF]++;
            }
        } else {
            NearestColorSearch search = prepared.search;
            byte[] paletteOfColor = new byte[unique];
            search.fillColorTable(nearest, newIndex, paletteOfColor);
            indices = Remapper.remap(prepared.argb, histogram, paletteOfColor, search.cubeCache(nearest, newIndex),
                    search.bits(), transparentIndex, parallel);
            if (dims == 6 && m > 1) {
                double[] entryCoords = new double[dims * palette.length];
                for (int j = 0; j < m; j++) {
                    System.arraycopy(coords, dims * j, entryCoords, dims * newIndex[j], dims);
                }
                CoherentRemap.smooth(prepared.argb, prepared.width, prepared.height, indices, entryCoords, histogram,
                        prepared.uniqueCoords, new double[] {1, 1, 1, labWeight, labWeight, labWeight}, COHERENCE_SLACK,
                        parallel);
                Arrays.fill(pixelCounts, 0);
                for (byte b : indices) {
                    pixelCounts[b & 0xFF]++;
                }
                if (hasTransparent) {
                    pixelCounts[0] = histogram.transparentPixels();
                }
            }
        }
        report.accept(1.0);
        return new QuantizedImage(prepared.width, prepared.height, k, palette, indices, pixelCounts, iterations,
                nearest.inertia(), reason, transparentIndex);
    }
}
