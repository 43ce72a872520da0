package dev.pixelwise.quantize;

/** Maps 8-bit sRGB colours to the 3-D coordinates k-means works in, and centroids back to colours. */
final class WorkingSpace {
    private WorkingSpace() {
    }

    /** Coordinates of 0xRRGGBB (alpha ignored): Lab, or R,G,B as 0..255 floats. */
    static void toCoords(ColorSpace space, int rgb, float[] out, int off) {
        if (space == ColorSpace.LAB) {
            CieLab.fromRgb(rgb, out, off);
        } else {
            out[off] = (rgb >>> 16) & 0xFF;
            out[off + 1] = (rgb >>> 8) & 0xFF;
            out[off + 2] = rgb & 0xFF;
        }
    }

    static void toCoords(ColorSpace space, int rgb, double[] out, int off) {
        if (space == ColorSpace.LAB) {
            CieLab.fromRgb(rgb, out, off);
        } else {
            out[off] = (rgb >>> 16) & 0xFF;
            out[off + 1] = (rgb >>> 8) & 0xFF;
            out[off + 2] = rgb & 0xFF;
        }
    }

    /** Opaque 0xFFRRGGBB nearest to a centroid: converted back to 8-bit sRGB, rounded and clamped. */
    static int toArgb(ColorSpace space, double x, double y, double z) {
        if (space == ColorSpace.LAB) {
            return CieLab.toArgb(x, y, z);
        }
        return 0xFF000000 | (level(x) << 16) | (level(y) << 8) | level(z);
    }

    private static int level(double v) {
        if (!(v > 0)) {
            return 0;
        }
        long r = Math.round(v);
        return r > 255 ? 255 : (int) r;
    }
}
