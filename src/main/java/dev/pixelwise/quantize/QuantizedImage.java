package dev.pixelwise.quantize;

/**
 * Result of quantising one image for one k. Arrays are not copied: treat them as read-only.
 *
 * @param width            image width in pixels
 * @param height           image height in pixels
 * @param k                requested palette size (the palette may be smaller: fewer unique colours)
 * @param paletteArgb      distinct palette colours, 0xAARRGGBB: the fully transparent entry 0x00000000,
 *                         if any, at index 0; then, for images with soft alpha ({@link TranslucentPalette}),
 *                         the translucent entries; then the opaque ones; each group by pixel count (descending)
 * @param indices          one palette index per pixel, row-major; read as {@code indices[i] & 0xFF}
 * @param pixelCounts      pixels mapped to each palette entry
 * @param iterations       Lloyd iterations of the best k-means run, race included (0 when no
 *                         clustering was needed; refinement steps on exact colours not counted)
 * @param inertia          sum over opaque pixels of the cost to their palette colour in working space
 *                         (squared distance for Euclidean, distance for Manhattan); without dithering
 * @param stopReason       convergence test that ended the best run
 * @param transparentIndex palette index of the fully transparent entry, or -1 when there is none (opaque
 *                         images; for images with only full or no alpha, pixels with alpha < 128 map to it)
 */
public record QuantizedImage(int width, int height, int k, int[] paletteArgb, byte[] indices, long[] pixelCounts,
                             int iterations, double inertia, StopReason stopReason, int transparentIndex) {

    /** The quantised image as ARGB pixels. */
    public int[] toArgb() {
        int[] out = new int[indices.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = paletteArgb[indices[i] & 0xFF];
        }
        return out;
    }
}
