package dev.pixelwise.imaging;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/** Brings any decoded raster to 8-bit sRGB in an int-packed image. */
final class PixelConversion {

    record Result(BufferedImage image, boolean iccConverted) {
    }

    private PixelConversion() {
    }

    static Result toIntSrgb(BufferedImage src) {
        int type = src.getType();
        if ((type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && src.getColorModel().getColorSpace().isCS_sRGB()) {
            return new Result(src, false);
        }
        ColorModel cm = src.getColorModel();
        ColorSpace cs = cm.getColorSpace();
        boolean alpha = cm.hasAlpha();
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage dst = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) dst.getRaster().getDataBuffer()).getData();
        if (cs.getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            // Java's gray colour space is linear, so letting AWT convert would brighten the image;
            // stored gray samples are already gamma-encoded like sRGB, so copy them through.
            copyGray(src.getRaster(), cm, alpha, out, w, h);
            return new Result(dst, false);
        }
        boolean icc = false;
        BufferedImage rgbSource = src;
        if (cs.getType() == ColorSpace.TYPE_RGB && !cs.isCS_sRGB() && cs instanceof ICC_ColorSpace
                && !(cm instanceof IndexColorModel)) {
            BufferedImage converted = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            new ColorConvertOp(null).filter(src, converted);
            if (!alpha) {
                return new Result(converted, true);
            }
            rgbSource = converted;
            icc = true;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            rgbSource.getRGB(0, y, w, 1, row, 0, w);
            System.arraycopy(row, 0, out, y * w, w);
        }
        return new Result(dst, icc);
    }

    /** Reinterprets int-packed pixels as being in {@code profile}'s RGB space and converts them to sRGB. */
    static BufferedImage fromProfile(BufferedImage intImage, ICC_Profile profile) {
        ICC_ColorSpace space = new ICC_ColorSpace(profile);
        boolean alpha = intImage.getColorModel().hasAlpha();
        DirectColorModel tagged = alpha
                ? new DirectColorModel(space, 32, 0xFF0000, 0xFF00, 0xFF, 0xFF000000, false, DataBuffer.TYPE_INT)
                : new DirectColorModel(space, 24, 0xFF0000, 0xFF00, 0xFF, 0, false, DataBuffer.TYPE_INT);
        BufferedImage source = new BufferedImage(tagged, intImage.getRaster(), false, null);
        BufferedImage out = new BufferedImage(intImage.getWidth(), intImage.getHeight(), intImage.getType());
        new ColorConvertOp(null).filter(source, out);
        return out;
    }

    private static void copyGray(Raster raster, ColorModel cm, boolean alpha, int[] out, int w, int h) {
        int max = (1 << cm.getComponentSize(0)) - 1;
        int aMax = alpha ? (1 << cm.getComponentSize(1)) - 1 : 1;
        int[] gray = new int[w];
        int[] a = alpha ? new int[w] : null;
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, gray);
            if (alpha) {
                raster.getSamples(0, y, w, 1, 1, a);
            }
            for (int x = 0; x < w; x++) {
                int v = (gray[x] * 255 + max / 2) / max;
                int av = alpha ? (a[x] * 255 + aMax / 2) / aMax : 255;
                out[y * w + x] = av << 24 | v << 16 | v << 8 | v;
            }
        }
    }

    static String describe(ColorModel cm) {
        if (cm instanceof IndexColorModel) {
            return "Indexed";
        }
        return switch (cm.getColorSpace().getType()) {
            case ColorSpace.TYPE_GRAY -> "Gray";
            case ColorSpace.TYPE_RGB -> "RGB";
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            case ColorSpace.TYPE_CMY -> "CMY";
            case ColorSpace.TYPE_Lab -> "Lab";
            default -> "Other";
        } + (cm.hasAlpha() ? "A" : "");
    }

    static int bitDepth(ColorModel cm) {
        if (cm instanceof IndexColorModel icm) {
            return icm.getPixelSize();
        }
        return cm.getComponentSize(0);
    }
}
