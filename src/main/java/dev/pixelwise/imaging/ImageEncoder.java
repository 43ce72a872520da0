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
     * Writes a palette PNG with the smallest bit depth (1, 2, 4 or 8) that holds the palette;
     * palette entries with alpha below 255 go to a tRNS chunk. Returns the file size.
     */
    public static long writeIndexedPng(int width, int height, int[] paletteArgb, byte[] indices, Path target) {
        BufferedImage image = indexedImage(width, height, paletteArgb, indices);
        return writePng(image, target);
    }

    /** Builds the packed palette image {@link #writeIndexedPng} writes, for callers that want to measure it. */
    public static BufferedImage indexedImage(int width, int height, int[] paletteArgb, byte[] indices) {
        if (indices.length != width * height) {
            throw new IllegalArgumentException("indices length " + indices.length + " != " + width + "×" + height);
        }
        int bits = bitDepthFor(paletteArgb.length);
        int size = 1 << bits;
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        byte[] a = new byte[size];
        for (int i = 0; i < paletteArgb.length; i++) {
            int c = paletteArgb[i];
            a[i] = (byte) (c >>> 24);
            r[i] = (byte) (c >>> 16);
            g[i] = (byte) (c >>> 8);
            b[i] = (byte) c;
        }
        for (int i = paletteArgb.length; i < size; i++) {
            a[i] = (byte) 0xFF;
        }
        IndexColorModel icm = new IndexColorModel(bits, size, r, g, b, a);
        BufferedImage image = bits == 8
                ? new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, icm)
                : new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, icm);
        WritableRaster raster = image.getRaster();
        byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
        if (bits == 8) {
            System.arraycopy(indices, 0, data, 0, indices.length);
        } else {
            int stride = ((MultiPixelPackedSampleModel) raster.getSampleModel()).getScanlineStride();
            int perByte = 8 / bits;
            for (int y = 0; y < height; y++) {
                int rowStart = y * stride;
                for (int x = 0; x < width; x++) {
                    int v = indices[y * width + x] & 0xFF;
                    int shift = 8 - bits * (x % perByte + 1);
                    data[rowStart + x / perByte] |= (byte) (v << shift);
                }
            }
        }
        return image;
    }

    /** Bytes {@link #writePng} would write for this image, without touching the disk. */
    public static long pngSize(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        CountingOutputStream counter = new CountingOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(counter)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), strongest(writer));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode PNG", e);
        } finally {
            writer.dispose();
        }
        return counter.count;
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
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

    private static ImageWriteParam strongest(ImageWriter writer) {
        return withQuality(writer, 0.0f);
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
