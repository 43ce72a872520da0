package dev.pixelwise.imaging;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place images are written. Produced files carry no metadata from the upload (no EXIF,
 * no GPS): they are encoded fresh from pixels.
 */
public final class ImageEncoder {

    private ImageEncoder() {
    }

    /** Writes a truecolour PNG (RGBA when the image has alpha) at the strongest deflate level; returns its size. */
    public static long writePng(BufferedImage image, Path target) {
        return write(image, "png", 0.0f, target);
    }

    /**
     * Writes a PNG at a middle deflate level (ImageIO quality 0.5): for small files made on a request's path
     * (a heat-map per label), where the strongest level costs several times the time for a few % of bytes.
     */
    public static long writePngQuick(BufferedImage image, Path target) {
        return write(image, "png", 0.5f, target);
    }

    /** Writes a baseline JPEG at {@code quality} 0..1; alpha is dropped. Returns its size. */
    public static long writeJpeg(BufferedImage image, float quality, Path target) {
        BufferedImage rgb = image;
        if (image.getColorModel().hasAlpha()) {
            rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
        }
        return write(rgb, "jpeg", quality, target);
    }

    /**
     * Writes a palette PNG through {@link PngWriter} (smallest bit depth; entries with alpha below 255
     * go to tRNS) on the calling thread. Returns the file size.
     */
    public static long writeIndexedPng(int width, int height, int[] paletteArgb, byte[] indices, Path target) {
        byte[] bytes = PngWriter.singleThreaded().indexed(width, height, paletteArgb, indices, PngWriter.Effort.DEFAULT);
        try {
            Files.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + target.getFileName(), e);
        }
        return bytes.length;
    }

    /** Smallest PNG palette bit depth holding {@code colors} entries. */
    public static int bitDepthFor(int colors) {
        if (colors < 1 || colors > 256) {
            throw new IllegalArgumentException("palette size must be 1..256, was " + colors);
        }
        if (colors <= 2) {
            return 1;
        }
        if (colors <= 4) {
            return 2;
        }
        return colors <= 16 ? 4 : 8;
    }

    /** PNG: quality 0 = strongest deflate; JPEG: the usual 0..1 quality. */
    private static ImageWriteParam withQuality(ImageWriter writer, float quality) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (param.canWriteCompressed()) {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            if (param.getCompressionTypes() != null && param.getCompressionType() == null) {
                param.setCompressionType(param.getCompressionTypes()[0]);
            }
            param.setCompressionQuality(quality);
        }
        return param;
    }

    private static long write(BufferedImage image, String format, float quality, Path target) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        try (OutputStream os = Files.newOutputStream(target); ImageOutputStream out = ImageIO.createImageOutputStream(os)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), withQuality(writer, quality));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + target.getFileName(), e);
        } finally {
            writer.dispose();
        }
        try {
            return Files.size(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
