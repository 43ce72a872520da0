package dev.pixelwise.imaging;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Resizing shared by every task. */
public final class ImageOps {

    private ImageOps() {
    }

    /** Scales down so the longer side is at most {@code maxSide}, in halving steps for quality; never enlarges. */
    public static BufferedImage fit(BufferedImage src, int maxSide) {
        int w = src.getWidth();
        int h = src.getHeight();
        double scale = Math.min(1.0, (double) maxSide / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        BufferedImage current = src;
        while (current.getWidth() / 2 >= tw && current.getHeight() / 2 >= th) {
            current = resize(current, current.getWidth() / 2, current.getHeight() / 2, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        if (current.getWidth() != tw || current.getHeight() != th) {
            current = resize(current, tw, th, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        return current;
    }

    /** Bilinear resize to an exact size in one step (aspect ratio not kept), as CNN inputs expect. */
    public static BufferedImage resizeBilinear(BufferedImage src, int width, int height) {
        return resize(src, width, height, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    }

    /** The pixels as interleaved 8-bit R, G, B values (width × height × 3, row-major), as networks take them. */
    public static int[] interleavedRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        int[] rgb = new int[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[i * 3] = (argb[i] >> 16) & 0xFF;
            rgb[i * 3 + 1] = (argb[i] >> 8) & 0xFF;
            rgb[i * 3 + 2] = argb[i] & 0xFF;
        }
        return rgb;
    }

    /** The inverse of {@link #interleavedRgb}: an opaque {@code TYPE_INT_RGB} image. */
    public static BufferedImage fromInterleavedRgb(int[] rgb, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = ((java.awt.image.DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            px[i] = rgb[i * 3] << 16 | rgb[i * 3 + 1] << 8 | rgb[i * 3 + 2];
        }
        return out;
    }

    /** A {@code TYPE_INT_RGB} image over packed 0xRRGGBB pixels (width × height, row-major), without copying them. */
    public static BufferedImage wrapPackedRgb(int[] rgb, int width, int height) {
        if (rgb.length != Math.multiplyExact(width, height)) {
            throw new IllegalArgumentException(rgb.length + " pixels for " + width + "×" + height);
        }
        int[] masks = {0xFF0000, 0xFF00, 0xFF};
        java.awt.image.WritableRaster raster = java.awt.image.Raster.createPackedRaster(
                new java.awt.image.DataBufferInt(rgb, rgb.length), width, height, width, masks, null);
        return new BufferedImage(new java.awt.image.DirectColorModel(24, masks[0], masks[1], masks[2]), raster, false, null);
    }

    /** Bicubic resize to an exact size. */
    public static BufferedImage resizeBicubic(BufferedImage src, int width, int height) {
        return resize(src, width, height, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    }

    private static BufferedImage resize(BufferedImage src, int width, int height, Object interpolation) {
        int type = src.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage dst = new BufferedImage(width, height, type);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
