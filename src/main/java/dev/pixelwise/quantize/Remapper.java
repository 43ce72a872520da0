package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;

/**
 * Stage 3 (no dither): one palette index per pixel, the exact nearest entry in working space.
 * Fast path: a small colour cache indexed by the pixel's RGB cube (the search grid's fine cells,
 * at most 2^15 entries) holds the entry when all image colours in that cube share it. Otherwise
 * the pixel's unique colour is found by its rank in the histogram's colour set and looked up in
 * the per-colour table. Either way a few array reads per pixel.
 */
final class Remapper {
    private Remapper() {
    }

    /** @param paletteOfColor palette index (as unsigned byte) of each unique colour of the histogram */
    /**
     * @param cubeCache entry per RGB cube key at {@code cubeBits} bits per channel, or -1 when the
     *                  cube's colours do not all map to one entry
     */
    static byte[] remap(int[] argb, ColorHistogram histogram, byte[] paletteOfColor, short[] cubeCache, int cubeBits,
                        int transparentIndex, ParallelChunks parallel) {
        int shift = 8 - cubeBits;
        int n = argb.length;
        byte[] out = new byte[n];
        byte transparent = (byte) Math.max(0, transparentIndex);
        int chunks = ParallelChunks.count(n, ColorHistogram.PIXEL_CHUNK);
        parallel.run(chunks, (worker, chunk) -> {
            for (int i = chunk * ColorHistogram.PIXEL_CHUNK, to = Math.min(n, i + ColorHistogram.PIXEL_CHUNK); i < to; i++) {
                int p = argb[i];
                if (p >= 0) {
                    out[i] = transparent;
                    continue;
                }
                int key = ((((p >>> 16) & 0xFF) >>> shift) << (2 * cubeBits)) | ((((p >>> 8) & 0xFF) >>> shift) << cubeBits)
                        | ((p & 0xFF) >>> shift);
                int cached = cubeCache[key];
                out[i] = cached >= 0 ? (byte) cached : paletteOfColor[histogram.indexOf(p)];
            }
        });
        return out;
    }
}
