package dev.pixelwise;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Licensed photos from ../shared/images and small generated fixtures, good and bad. */
public final class TestImages {

    public static final Path SHARED = Path.of("..", "shared");
    public static final Path PHOTOS = SHARED.resolve("images");

    private TestImages() {
    }

    public static Path photo(String name) {
        Path p = PHOTOS.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("Missing test photo " + p.toAbsolutePath() + " (../shared must sit beside the repo)");
        }
        return p;
    }

    public static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir, String name, byte[] content) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small RGB test card: distinct quadrants so orientation and colour can be checked. */
    public static BufferedImage quadrants(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean right = x >= w / 2;
                boolean bottom = y >= h / 2;
                int rgb = !right && !bottom ? 0xFF0000 : right && !bottom ? 0x00FF00 : !right ? 0x0000FF : 0xFFFFFF;
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** The first {@code n} bytes of a file. */
    public static byte[] truncated(byte[] data, int n) {
        return Arrays.copyOf(data, n);
    }

    /** A valid-looking PNG whose IHDR claims {@code w}×{@code h} RGB pixels, with a tiny IDAT. */
    public static byte[] pngClaiming(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] idat = new byte[128];
        int n = deflater.deflate(idat);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** {@code data} as one zlib stream (PNG's IDAT, iCCP, zTXt). */
    public static byte[] zlib(byte[] data) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** A JPEG written by ImageIO at {@code quality} 0..1 (its quality maps onto the IJG scale: 0.75 is IJG 75). */
    public static byte[] jpeg(BufferedImage image, float quality) {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** An animated GIF of {@code frames} frames, each filled with its own colour (the first is pure red). */
    public static byte[] animatedGif(int frames, int w, int h) {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            for (int f = 0; f < frames; f++) {
                BufferedImage frame = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                java.awt.Graphics2D g = frame.createGraphics();
                g.setColor(java.awt.Color.getHSBColor(f / (float) frames, 1f, 1f));
                g.fillRect(0, 0, w, h);
                g.dispose();
                writer.writeToSequence(new javax.imageio.IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** Inserts an iCCP chunk carrying {@code iccProfile} right after the PNG's IHDR. */
    public static byte[] withIccp(byte[] png, String profileName, byte[] iccProfile) {
        byte[] zipped = zlib(iccProfile);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(profileName.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        data.write(0); // name terminator
        data.write(0); // compression method: deflate
        data.writeBytes(zipped);
        return withChunk(png, "iCCP", data.toByteArray());
    }

    /** Inserts a chunk of {@code type} right after the PNG's IHDR. */
    public static byte[] withChunk(byte[] png, String type, byte[] data) {
        int afterIhdr = 8 + 8 + 13 + 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        chunk(out, type, data);
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Inserts an EXIF APP1 segment with the given orientation tag right after the JPEG's SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[]{'M', 'M', 0, 42}).putInt(8);        // big-endian TIFF header, IFD at 8
        tiff.putShort((short) 1);                                  // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1) // Orientation, SHORT, count 1
                .putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);                                            // no next IFD
        byte[] payload = new byte[6 + tiff.capacity()];
        System.arraycopy(new byte[]{'E', 'x', 'i', 'f', 0, 0}, 0, payload, 0, 6);
        System.arraycopy(tiff.array(), 0, payload, 6, tiff.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        int len = payload.length + 2;
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
