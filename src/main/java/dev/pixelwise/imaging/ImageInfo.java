package dev.pixelwise.imaging;

/**
 * What the decoder learned about an upload. Width and height are after EXIF orientation, i.e.
 * as the image is shown upright.
 *
 * @param colorModel    "RGB", "Gray", "Indexed", "CMYK", ... of the stored pixels
 * @param bitDepth      bits per channel (per index for palette images)
 * @param exifOrientation 1..8 as in EXIF; 1 when absent
 * @param frames        frames of an animation (GIF, APNG, WebP), counted by the structural walk; 1 for a
 *                      still image. Only the first is decoded.
 * @param metadata      EXIF, ICC profile name, JPEG quality estimate
 */
public record ImageInfo(ImageFormat format, int width, int height, String colorModel, int bitDepth,
                        boolean hasAlpha, int exifOrientation, boolean iccConverted, int frames, ImageMetadata metadata) {

    public boolean animated() {
        return frames > 1;
    }

    public long pixels() {
        return (long) width * height;
    }
}
