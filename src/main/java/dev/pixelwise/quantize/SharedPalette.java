package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/**
 * One palette for a batch of images (pngquant #216): each image's colour histogram is merged into
 * one weighted colour set, and k-means runs once on it, so every image of the batch can be remapped
 * to the same colours (the quantize option {@code palette}, see {@link #format}).
 *
 * <p>Memory stays bounded whatever the batch: no image's pixels are kept, only at most {@link #cap()}
 * cells, each the pixel count and the channel sums of the colours that fell in it. Cells start as
 * exact colours (8 bits per channel); when there are more than the cap, every cell merges with its
 * neighbours at one bit less per channel, as often as needed. Sums are integers, so the result does
 * not depend on the order images are added in. The cells' mean colours, weighted by their counts,
 * are the colours k-means sees, as an image's unique colours would be.
 *
 * <p>Opaque only: as in the opaque engine, a pixel with alpha >= 128 counts as its colour (alpha
 * ignored) and one below as transparent; when any image has transparent pixels the palette's first
 * entry is 0x00000000 and counts towards k. Translucent entries (soft alpha) are not computed here.
 * Thread-safe (calls are serialised).
 */
public final class SharedPalette {
    /** Default number of cells kept: twice the weighted points k-means runs on without bucketing. */
    public static final int DEFAULT_CAP = 1 << 16;
    private static final int EMPTY = -1;

    private final ExecutorService pool;
    private final int parallelism;
    private final ParallelChunks parallel;
    private final int cap;

    private int bits = 8;
    private int[] keys;
    private long[] counts;
    private long[] sums;  // r, g, b per slot
    private int size;
    private long transparentPixels;
    private long pixels;
    private int images;

    /** Runs on the calling thread only. */
    public SharedPalette() {
        this(null, 1);
    }

    /** @param pool threads for the histograms and k-means (null: the calling thread); parallelism as in {@link PaletteQuantizer} */
    public SharedPalette(ExecutorService pool, int parallelism) {
        this(pool, parallelism, DEFAULT_CAP);
    }

    SharedPalette(ExecutorService pool, int parallelism, int cap) {
        if (cap < 4096) {
            throw new IllegalArgumentException("cap must be >= 4096");  // 16^3 cells at 4 bits always fit
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1");
        }
        this.pool = pool;
        this.parallelism = parallelism;
        this.parallel = new ParallelChunks(pool, Math.min(parallelism, 64));
        this.cap = cap;
        allocate(1024);
    }

    /**
     * Merges one image's colours. The pixels are not kept.
     *
     * @param argb pixels 0xAARRGGBB, row-major (as {@code DecodedImage.argb()})
     */
    public synchronized void add(int[] argb, int width, int height) {
        if (argb == null || width < 1 || height < 1 || (long) width * height != argb.length) {
            throw new IllegalArgumentException("argb.length must equal width * height");
        }
        ColorHistogram h = ColorHistogram.build(argb, parallel);
        int[] colors = h.colors();
        int[] n = h.counts();
        for (int i = 0; i < colors.length; i++) {
            put(colors[i], n[i]);
        }
        transparentPixels += h.transparentPixels();
        pixels += argb.length;
        images++;
    }

    /** A palette of at most k colours with the settings a quantize job uses by default. */
    public int[] palette(int k) {
        return palette(k, QuantizeOptions.defaultParams());
    }

    /**
     * A palette of at most k colours (fewer when the images have fewer): 0x00000000 first when any
     * image had transparent pixels, then opaque 0xFFRRGGBB colours, from the same k-means, Lab
     * refinement and finishing a quantize job runs ({@link PaletteQuantizer}). Same images and params,
     * same palette.
     *
     * @param k palette size, 2..256, counting the transparent entry
     * @throws IllegalStateException when no opaque pixel was added
     */
    public synchronized int[] palette(int k, KMeansParams params) {
        if (k < 2 || k > 256) {
            throw new IllegalArgumentException("k must be in 2..256, was " + k);
        }
        if (size == 0) {
            throw new IllegalStateException("no opaque pixel was added");
        }
        // Each cell's mean colour lies inside the cell, so distinct cells give distinct colours.
        long[] packed = new long[size];
        long most = 0;
        for (int s = 0, m = 0; s < keys.length; s++) {
            if (keys[s] != EMPTY) {
                long c = counts[s];
                int rgb = mean(sums[3 * s], c) << 16 | mean(sums[3 * s + 1], c) << 8 | mean(sums[3 * s + 2], c);
                packed[m++] = (long) rgb << 32 | s;
                most = Math.max(most, c);
            }
        }
        Arrays.sort(packed);
        // Counts must fit an int: scale them all down alike when a batch is that large.
        long divisor = most / Integer.MAX_VALUE + 1;
        int[] colors = new int[size];
        int[] weights = new int[size];
        for (int i = 0; i < size; i++) {
            colors[i] = (int) (packed[i] >>> 32);
            weights[i] = (int) Math.max(1, counts[(int) packed[i]] / divisor);
        }
        ColorHistogram histogram = ColorHistogram.of(colors, weights, (transparentPixels + divisor - 1) / divisor);
        PaletteQuantizer quantizer = new PaletteQuantizer(pool, parallelism);
        Prepared prepared = quantizer.prepareOpaque(null, 1, 1, params, histogram);
        BooleanSupplier never = () -> false;
        return quantizer.palette(prepared, k, never);
    }

    /**
     * The value of the quantize option {@code palette}: {@code #rrggbb} for opaque colours,
     * {@code #rrggbbaa} otherwise, comma separated, in the given order.
     */
    public static String format(int[] palette) {
        StringBuilder out = new StringBuilder(palette.length * 10);
        for (int c : palette) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(c >>> 24 == 0xFF ? String.format(Locale.ROOT, "#%06x", c & 0xFFFFFF)
                    : String.format(Locale.ROOT, "#%06x%02x", c & 0xFFFFFF, c >>> 24));
        }
        return out.toString();
    }

    /** Cells held now; never more than {@link #cap()}. */
    public synchronized int size() {
        return size;
    }

    public int cap() {
        return cap;
    }

    /** Bits per channel the cells keep: 8 while the colours are exact. */
    public synchronized int bits() {
        return bits;
    }

    public synchronized int images() {
        return images;
    }

    public synchronized long pixels() {
        return pixels;
    }

    private static int mean(long sum, long count) {
        return (int) Math.min(255, (sum + count / 2) / count);
    }

    private void put(int rgb, long count) {
        int shift = 8 - bits;
        int r = (rgb >>> 16) & 0xFF, g = (rgb >>> 8) & 0xFF, b = rgb & 0xFF;
        add((r >>> shift) << (2 * bits) | (g >>> shift) << bits | (b >>> shift), count,
                r * count, g * count, b * count);
        while (size > cap) {
            coarsen();
        }
    }

    private void add(int key, long count, long r, long g, long b) {
        if (2 * (size + 1) > keys.length) {
            rehash(keys.length * 2, bits);
        }
        int mask = keys.length - 1;
        int s = (key * 0x9E3779B9 >>> 7) & mask;
        while (keys[s] != EMPTY && keys[s] != key) {
            s = (s + 1) & mask;
        }
        if (keys[s] == EMPTY) {
            keys[s] = key;
            size++;
        }
        counts[s] += count;
        sums[3 * s] += r;
        sums[3 * s + 1] += g;
        sums[3 * s + 2] += b;
    }

    /** One bit less per channel: each cell joins its parent cell, with its count and sums. */
    private void coarsen() {
        rehash(keys.length, bits - 1);
    }

    private void rehash(int slots, int newBits) {
        int[] oldKeys = keys;
        long[] oldCounts = counts;
        long[] oldSums = sums;
        int oldBits = bits;
        int mask = (1 << oldBits) - 1;
        int drop = oldBits - newBits;
        allocate(slots);
        bits = newBits;
        for (int s = 0; s < oldKeys.length; s++) {
            int key = oldKeys[s];
            if (key == EMPTY) {
                continue;
            }
            int r = (key >>> (2 * oldBits)) >>> drop, g = ((key >>> oldBits) & mask) >>> drop, b = (key & mask) >>> drop;
            add(r << (2 * newBits) | g << newBits | b, oldCounts[s], oldSums[3 * s], oldSums[3 * s + 1],
                    oldSums[3 * s + 2]);
        }
    }

    private void allocate(int slots) {
        keys = new int[slots];
        Arrays.fill(keys, EMPTY);
        counts = new long[slots];
        sums = new long[3 * slots];
        size = 0;
    }
}
