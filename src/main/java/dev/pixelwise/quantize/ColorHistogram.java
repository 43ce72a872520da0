package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;

/**
 * Stage 1: the exact set of opaque colours of an image, with pixel counts.
 *
 * <p>Built in two parallel passes without hashing: pass one marks every colour in a 2^24-bit set
 * (2 MB), pass two counts pixels per colour, where a colour's index is its rank in that set
 * (a prefix count per 64-bit word plus one bitCount; word and prefix sit side by side in one
 * array so a lookup touches one cache line). Colours are therefore sorted ascending by
 * 0xRRGGBB, and {@link #indexOf} maps any opaque pixel to its colour in O(1), which the remap
 * step uses for every pixel. Integer counts make the result independent of thread count.
 *
 * <p>A pixel is opaque when its alpha is >= 128 (the sign bit of the ARGB int is set); other
 * pixels are counted as transparent and get no colour.
 */
final class ColorHistogram {
    static final int PIXEL_CHUNK = 1 << 16;
    private static final int WORDS = 1 << 18;  // 2^24 colours / 64 bits

    /** For word w: [2w] = the 64 presence bits, [2w+1] = number of colours in all earlier words. */
    private final long[] rankIndex;
    private final int[] colors;      // unique opaque colours, 0xRRGGBB ascending
    private final int[] counts;      // pixels of each colour
    private final long opaquePixels;
    private final long transparentPixels;

    private ColorHistogram(long[] rankIndex, int[] colors, int[] counts, long opaque, long transparent) {
        this.rankIndex = rankIndex;
        this.colors = colors;
        this.counts = counts;
        this.opaquePixels = opaque;
        this.transparentPixels = transparent;
    }

    static boolean isOpaque(int argb) {
        return argb < 0;  // alpha >= 128 <=> top bit set
    }

    static ColorHistogram build(int[] argb, ParallelChunks parallel) {
        int n = argb.length;
        int chunks = ParallelChunks.count(n, PIXEL_CHUNK);
        int workers = Math.min(parallel.workers(), Math.max(1, chunks));
        long[][] sets = new long[workers][];
        long[] transparentPerChunk = new long[chunks];
        parallel.run(chunks, (worker, chunk) -> {
            long[] set = sets[worker];
            if (set == null) {
                set = sets[worker] = new long[WORDS];
            }
            int from = chunk * PIXEL_CHUNK, to = Math.min(n, from + PIXEL_CHUNK);
            long transparent = 0;
            for (int i = from; i < to; i++) {
                int p = argb[i];
                if (p < 0) {
                    int c = p & 0xFFFFFF;
                    set[c >>> 6] |= 1L << c;
                } else {
                    transparent++;
                }
            }
            transparentPerChunk[chunk] = transparent;
        });
        long[] present = null;
        for (long[] set : sets) {
            if (set == null) {
                continue;
            }
            if (present == null) {
                present = set;
            } else {
                for (int w = 0; w < WORDS; w++) {
                    present[w] |= set[w];
                }
            }
        }
        if (present == null) {
            present = new long[WORDS];
        }
        long[] rankIndex = new long[2 * WORDS];
        int unique = 0;
        for (int w = 0; w < WORDS; w++) {
            rankIndex[2 * w] = present[w];
            rankIndex[2 * w + 1] = unique;
            unique += Long.bitCount(present[w]);
        }
        int[] colors = new int[unique];
        int u = 0;
        for (int w = 0; w < WORDS; w++) {
            long bits = present[w];
            while (bits != 0) {
                colors[u++] = (w << 6) | Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        long transparent = 0;
        for (long t : transparentPerChunk) {
            transparent += t;
        }
        ColorHistogram shell = new ColorHistogram(rankIndex, colors, null, n - transparent, transparent);

        int[][] partial = new int[workers][];
        final int uniqueCount = unique;
        parallel.run(chunks, (worker, chunk) -> {
            int[] cnt = partial[worker];
            if (cnt == null) {
                cnt = partial[worker] = new int[uniqueCount];
            }
            int from = chunk * PIXEL_CHUNK, to = Math.min(n, from + PIXEL_CHUNK);
            for (int i = from; i < to; i++) {
                int p = argb[i];
                if (p < 0) {
                    cnt[shell.indexOf(p)]++;
                }
            }
        });
        int[] counts = null;
        for (int[] cnt : partial) {
            if (cnt == null) {
                continue;
            }
            if (counts == null) {
                counts = cnt;
            } else {
                for (int i = 0; i < uniqueCount; i++) {
                    counts[i] += cnt[i];
                }
            }
        }
        if (counts == null) {
            counts = new int[0];
        }
        return new ColorHistogram(rankIndex, colors, counts, n - transparent, transparent);
    }

    /**
     * A histogram of given colours and counts rather than of pixels (for {@link SharedPalette}).
     *
     * @param colors distinct 0xRRGGBB, ascending; kept by reference
     * @param counts pixels per colour, each >= 1; kept by reference
     */
    static ColorHistogram of(int[] colors, int[] counts, long transparentPixels) {
        if (colors.length != counts.length) {
            throw new IllegalArgumentException("one count per colour");
        }
        long[] rankIndex = new long[2 * WORDS];
        long opaque = 0;
        for (int i = 0; i < colors.length; i++) {
            int c = colors[i];
            if ((c & 0xFF000000) != 0 || (i > 0 && colors[i - 1] >= c) || counts[i] < 1) {
                throw new IllegalArgumentException("colours must be distinct 0xRRGGBB, ascending, with counts >= 1");
            }
            rankIndex[2 * (c >>> 6)] |= 1L << c;
            opaque += counts[i];
        }
        int unique = 0;
        for (int w = 0; w < WORDS; w++) {
            rankIndex[2 * w + 1] = unique;
            unique += Long.bitCount(rankIndex[2 * w]);
        }
        return new ColorHistogram(rankIndex, colors, counts, opaque, transparentPixels);
    }

    /** Index in {@link #colors()} of an opaque pixel's colour; the colour must be in the image. */
    int indexOf(int argb) {
        int c = argb & 0xFFFFFF;
        int w = (c >>> 6) << 1;
        return (int) rankIndex[w + 1] + Long.bitCount(rankIndex[w] & ((1L << c) - 1));
    }

    /** Unique opaque colours, 0xRRGGBB ascending. Not copied: do not modify. */
    int[] colors() {
        return colors;
    }

    /** Pixel count per colour. Not copied: do not modify. */
    int[] counts() {
        return counts;
    }

    int size() {
        return colors.length;
    }

    long opaquePixels() {
        return opaquePixels;
    }

    long transparentPixels() {
        return transparentPixels;
    }
}
