package dev.pixelwise.imaging;

/** Format and stored dimensions, read without decoding a pixel. */
public record ImageHeader(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }
}
