package dev.pixelwise.imaging;

import java.awt.image.BufferedImage;

/**
 * An upright, sRGB image in {@code TYPE_INT_RGB} or {@code TYPE_INT_ARGB} (alpha kept when the
 * source had it), plus what was learned while decoding it.
 */
public record DecodedImage(BufferedImage image, ImageInfo info) {

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }

    /** Pixels as 0xAARRGGBB, row-major; alpha is 0xFF for opaque images. */
    public int[] argb() {
        return ImageOps.argb(image);
    }
}
