package dev.pixelwise.imaging;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

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

    /**
     * Every pixel as 0xAARRGGBB, exactly what {@code getRGB(0, 0, w, h, null, 0, w)} returns, read
     * straight from the buffer for the layouts our decoders and encoders produce (int RGB/ARGB, 3-byte
     * BGR, 4-byte ABGR, 8-bit grey, all sRGB and unshared): getRGB goes pixel by pixel through the
     * colour model, 100–300 ms for 12 MP against 10–40 ms here. Anything else takes getRGB.
     */
    public static int[] argb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        WritableRaster raster = image.getRaster();
        boolean plain = image.getColorModel().getColorSpace().isCS_sRGB() && raster.getParent() == null
                && raster.getMinX() == 0 && raster.getMinY() == 0
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer().getNumBanks() == 1 && raster.getDataBuffer().getOffset() == 0;
        if (plain) {
            switch (image.getType()) {
                case BufferedImage.TYPE_INT_ARGB -> {
                    int[] data = ((DataBufferInt) raster.getDataBuffer()).getData();
                    if (data.length == n && stride(raster) == w) {
                        return data.clone();
                    }
                }
                case BufferedImage.TYPE_INT_RGB -> {
                    int[] data = ((DataBufferInt) raster.getDataBuffer()).getData();
                    if (data.length == n && stride(raster) == w) {
                        int[] out = new int[n];
                        for (int i = 0; i < n; i++) {
                            out[i] = 0xFF000000 | (data[i] & 0xFFFFFF);
                        }
                        return out;
                    }
                }
                case BufferedImage.TYPE_3BYTE_BGR -> {
                    byte[] b = ((DataBufferByte) raster.getDataBuffer()).getData();
                    if (b.length == 3 * n && stride(raster) == 3 * w) {
                        int[] out = new int[n];
                        for (int i = 0, j = 0; i < n; i++, j += 3) {
                            out[i] = 0xFF000000 | (b[j + 2] & 0xFF) << 16 | (b[j + 1] & 0xFF) << 8 | (b[j] & 0xFF);
                        }
                        return out;
                    }
                }
                case BufferedImage.TYPE_4BYTE_ABGR -> {
                    byte[] b = ((DataBufferByte) raster.getDataBuffer()).getData();
                    if (b.length == 4 * n && stride(raster) == 4 * w) {
                        int[] out = new int[n];
                        for (int i = 0, j = 0; i < n; i++, j += 4) {
                            out[i] = (b[j] & 0xFF) << 24 | (b[j + 3] & 0xFF) << 16 | (b[j + 2] & 0xFF) << 8 | (b[j + 1] & 0xFF);
                        }
                        return out;
                    }
                }
                default -> {
                    // grey goes through its colour model (linear-light grey): getRGB is the reference
                }
            }
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    /** Elements from one row to the next. */
    private static int stride(WritableRaster raster) {
        return raster.getSampleModel() instanceof ComponentSampleModel c ? c.getScanlineStride()
                : raster.getSampleModel() instanceof SinglePixelPackedSampleModel p ? p.getScanlineStride() : -1;
    }

    /** The pixels as interleaved 8-bit R, G, B values (width × height × 3, row-major), as networks take them. */
    public static int[] interleavedRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = argb(image);
        int[] rgb = new int[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[i * 3] = (argb[i] >> 16) & 0xFF;
            rgb[i * 3 + 1] = (argb[i] >> 8) & 0xFF;
            rgb[i * 3 + 2] = argb[i] & 0xFF;
        }
        return rgb;
    }

    /**
     * The pixels as planar floats [3, H, W] (all R, then all G, then all B), each (value − mean) / std,
     * as NCHW networks take them; alpha is ignored.
     */
    public static float[] planarRgb(BufferedImage image, float mean, float std) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = argb(image);
        int plane = w * h;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            out[i] = (((p >> 16) & 0xFF) - mean) / std;
            out[plane + i] = (((p >> 8) & 0xFF) - mean) / std;
            out[2 * plane + i] = ((p & 0xFF) - mean) / std;
        }
        return out;
    }

    /** The inverse of {@link #interleavedRgb}: an opaque {@code TYPE_INT_RGB} image. */
    public static BufferedImage fromInterleavedRgb(int[] rgb, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
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
        WritableRaster raster = Raster.createPackedRaster(
                new DataBufferInt(rgb, rgb.length), width, height, width, masks, null);
        return new BufferedImage(new DirectColorModel(24, masks[0], masks[1], masks[2]), raster, false, null);
    }

    /**
     * Antialiased bicubic shrink to an exact size: Keys' cubic (a = −0.5) widened by the factor, on pixel centres,
     * as MATLAB imresize and PIL's BICUBIC make the low-resolution inputs super-resolution models train on.
     * Not TwelveMonkeys' ResampleOp: it samples at i·factor, (factor − 1)/2 pixels off the centres.
     */
    public static BufferedImage shrinkBicubic(BufferedImage src, int width, int height) {
        int sw = src.getWidth();
        int sh = src.getHeight();
        int[] in = argb(src);
        int[] rows = new int[width * sh]; // horizontal pass first, rounded to 8 bits in between as PIL does
        for (int x = 0; x < width; x++) {
            Taps taps = Taps.of(x, sw, width);
            for (int y = 0; y < sh; y++) {
                rows[y * width + x] = taps.apply(in, y * sw, 1);
            }
        }
        int type = src.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage dst = new BufferedImage(width, height, type);
        int[] out = ((DataBufferInt) dst.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            Taps taps = Taps.of(y, sh, height);
            for (int x = 0; x < width; x++) {
                out[y * width + x] = taps.apply(rows, x, width);
            }
        }
        return dst;
    }

    /** The source pixels {@code first…} and their weights for one output pixel along one axis. */
    private record Taps(int first, double[] weights) {

        static Taps of(int i, int srcSize, int dstSize) {
            double ratio = (double) srcSize / dstSize;
            double scale = Math.max(1.0, ratio); // the kernel widens only when shrinking: that is the antialiasing
            double centre = (i + 0.5) * ratio;
            int lo = Math.max(0, (int) Math.floor(centre - 2 * scale));
            int hi = Math.min(srcSize - 1, (int) Math.ceil(centre + 2 * scale));
            double[] w = new double[hi - lo + 1];
            double sum = 0;
            for (int j = lo; j <= hi; j++) {
                w[j - lo] = keys((j + 0.5 - centre) / scale);
                sum += w[j - lo];
            }
            for (int k = 0; k < w.length; k++) {
                w[k] /= sum; // renormalised where the border cuts the kernel off
            }
            return new Taps(lo, w);
        }

        /** Weighted sum of the ARGB pixels {@code px[offset + (first + k) * stride]}, per channel. */
        int apply(int[] px, int offset, int stride) {
            double a = 0;
            double r = 0;
            double g = 0;
            double b = 0;
            for (int k = 0; k < weights.length; k++) {
                int p = px[offset + (first + k) * stride];
                double w = weights[k];
                a += w * (p >>> 24);
                r += w * ((p >> 16) & 0xFF);
                g += w * ((p >> 8) & 0xFF);
                b += w * (p & 0xFF);
            }
            return channel(a) << 24 | channel(r) << 16 | channel(g) << 8 | channel(b);
        }

        private static int channel(double v) {
            return (int) Math.max(0, Math.min(255, Math.round(v)));
        }

        /** Keys' cubic convolution kernel, a = −0.5 (Catmull-Rom). */
        private static double keys(double x) {
            x = Math.abs(x);
            if (x < 1) {
                return (1.5 * x - 2.5) * x * x + 1;
            }
            if (x < 2) {
                return ((-0.5 * x + 2.5) * x - 4) * x + 2;
            }
            return 0;
        }
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
