package dev.pixelwise.hostile;

import dev.pixelwise.TestImages;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Byte-level builders for the formats we read: small valid files to start from, and the raw
 * pieces (PNG chunks, GIF blocks, TIFF IFDs, WebP VP8L streams, JPEG segments) that hostile
 * variants are assembled from. Everything is generated; nothing is downloaded.
 */
public final class HostileFormats {

    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private HostileFormats() {
    }

    // ---- valid seeds ----

    /** A small card with four coloured quadrants and some noise, so compressed data is not trivial. */
    public static BufferedImage card(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean right = x >= w / 2;
                boolean bottom = y >= h / 2;
                int base = !right && !bottom ? 0xE02020 : right && !bottom ? 0x20E020 : !right ? 0x2020E0 : 0xE0E0E0;
                img.setRGB(x, y, base ^ (random.nextInt(0x20) * 0x010101));
            }
        }
        return img;
    }

    private static volatile List<Seed> seeds;

    /** One valid file per format we read, each a few KB at most: PNG, JPEG, GIF, BMP, TIFF, WebP. */
    public static List<Seed> seeds() {
        if (seeds == null) {
            seeds = buildSeeds();
        }
        return seeds;
    }

    private static List<Seed> buildSeeds() {
        BufferedImage card = card(48, 32, 1);
        return List.of(
                new Seed("png", TestImages.encode(card, "png")),
                new Seed("jpg", TestImages.encode(card, "jpeg")),
                new Seed("gif", TestImages.encode(card, "gif")),
                new Seed("bmp", TestImages.encode(card, "bmp")),
                new Seed("tif", TestImages.encode(card, "tiff")),
                new Seed("webp", webpLossless(48, 32, (x, y) -> (x / 4 + y / 4) % 2 == 0)));
    }

    /** A named valid file; {@code extension} is what such a file is usually called. */
    public record Seed(String extension, byte[] bytes) {
    }


    // ---- PNG ----

    static byte[] chunk(String type, byte[] data) {
        return chunk(type, data, data.length);
    }

    /** A PNG chunk whose length field may lie; the CRC is right for the data actually written. */
    static byte[] chunk(String type, byte[] data, long declaredLength) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuilder.be().u32(declaredLength).bytes(t).bytes(data).u32(crc.getValue()).toByteArray();
    }

    static byte[] ihdr(long w, long h, int bitDepth, int colorType) {
        return chunk("IHDR", ByteBuilder.be().u32(w).u32(h).u8(bitDepth).u8(colorType).u8(0).u8(0).u8(0).toByteArray());
    }

    static byte[] png(byte[]... chunks) {
        ByteBuilder b = ByteBuilder.be().bytes(PNG_SIGNATURE);
        for (byte[] c : chunks) {
            b.bytes(c);
        }
        return b.toByteArray();
    }

    static byte[] iend() {
        return chunk("IEND", new byte[0]);
    }

    /** An IDAT chunk whose data inflates to {@code rows × (rowBytes + 1)} zero bytes: filter None, samples 0. */
    static byte[] zeroIdat(long rows, int rowBytes) {
        return chunk("IDAT", zeroZlib(rows * (rowBytes + 1)));
    }

    /**
     * A zlib stream of {@code total} zero bytes, built without deflating them all: one megabyte of
     * zeros is deflated once with a full flush (so the block refers to nothing before it) and the
     * block is repeated. Deflate packs zeros about 1000:1, so a gigabyte costs about a megabyte.
     */
    static byte[] zeroZlib(long total) {
        int unit = 1 << 20;
        byte[] block = rawDeflateFlushed(unit);
        byte[] tail = rawDeflateFlushed((int) (total % unit));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x78);
        out.write(0xDA); // zlib header: deflate, 32K window, best compression
        for (long i = 0; i < total / unit; i++) {
            out.writeBytes(block);
        }
        out.writeBytes(tail);
        out.writeBytes(new byte[]{0x03, 0x00}); // an empty final block (fixed Huffman, end-of-block)
        long adler = (total % 65521) << 16 | 1; // Adler-32 of zeros: a stays 1, b grows by 1 per byte
        out.writeBytes(ByteBuilder.be().u32(adler).toByteArray());
        return out.toByteArray();
    }

    private static byte[] rawDeflateFlushed(int zeros) {
        if (zeros == 0) {
            return new byte[0];
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(new byte[zeros]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            do {
                n = deflater.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
                out.write(buf, 0, n);
            } while (n == buf.length || !deflater.needsInput());
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** A 16-bit-per-sample RGB (or RGBA) image; valid PNG, TIFF and what not. */
    static BufferedImage sixteenBit(int w, int h, boolean alpha) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setSample(x, y, 0, x * 65535 / Math.max(1, w - 1));
                raster.setSample(x, y, 1, y * 65535 / Math.max(1, h - 1));
                raster.setSample(x, y, 2, 0x8000);
                if (alpha) {
                    raster.setSample(x, y, 3, 0xC000);
                }
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    // ---- JPEG ----

    /** A baseline JPEG of CMYK samples (four components, Adobe marker), as print workflows write them. */
    static byte[] cmykJpeg(int w, int h) {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                cmyk.setSample(x, y, 0, x * 255 / Math.max(1, w - 1)); // cyan ramp
                cmyk.setSample(x, y, 1, y * 255 / Math.max(1, h - 1)); // magenta ramp
                cmyk.setSample(x, y, 2, 40);
                cmyk.setSample(x, y, 3, 10);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
            out.flush();
            // An Adobe segment (transform 0) is what tells readers four components are CMYK, not RGBA.
            return withSegment(bytes.toByteArray(), 0xEE,
                    ByteBuilder.be().ascii("Adobe").u16(100).u16(0).u16(0).u8(0).toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** Offset of the first frame header (SOFn) marker's 0xFF, walking the segments from SOI. */
    static int sofOffset(byte[] jpeg) {
        int i = 2;
        while (i + 4 <= jpeg.length) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                throw new IllegalArgumentException("not at a marker at " + i);
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return i;
            }
            int length = (jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF);
            i += 2 + length;
        }
        throw new IllegalArgumentException("no SOF marker");
    }

    /** The JPEG with its frame header claiming {@code w}×{@code h} (16-bit fields). */
    static byte[] jpegClaiming(byte[] jpeg, int w, int h) {
        byte[] out = jpeg.clone();
        int sof = sofOffset(out);
        out[sof + 5] = (byte) (h >>> 8);
        out[sof + 6] = (byte) h;
        out[sof + 7] = (byte) (w >>> 8);
        out[sof + 8] = (byte) w;
        return out;
    }

    /** Inserts an APP1 "Exif" segment carrying {@code tiff} (a TIFF structure) right after SOI. */
    static byte[] withExif(byte[] jpeg, byte[] tiff) {
        return withSegment(jpeg, 0xE1, ByteBuilder.be().ascii("Exif").u16(0).bytes(tiff).toByteArray());
    }

    /** Inserts a marker segment right after SOI; its length field is computed from the payload. */
    static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
        return ByteBuilder.be().u8(0xFF).u8(0xD8).u8(0xFF).u8(marker).u16(payload.length + 2).bytes(payload)
                .bytes(Arrays.copyOfRange(jpeg, 2, jpeg.length)).toByteArray();
    }

    // ---- GIF ----

    /** LZW data (min code size 2: clear, index 0, end) for a single pixel of colour 0. */
    static final byte[] ONE_PIXEL_LZW = {0x02, 0x02, 0x44, 0x01, 0x00};

    /** GIF89a header and logical screen with a two-colour (black, white) global table. */
    static ByteBuilder gifHeader(int screenW, int screenH) {
        return ByteBuilder.le().ascii("GIF89a").u16(screenW).u16(screenH).u8(0x80).u8(0).u8(0)
                .u24(0x000000).u24(0xFFFFFF);
    }

    /** An image descriptor (no local table) followed by its LZW data. */
    static ByteBuilder gifFrame(ByteBuilder b, int w, int h, byte[] lzw) {
        return b.u8(0x2C).u16(0).u16(0).u16(w).u16(h).u8(0).bytes(lzw);
    }

    /** A graphic control extension: {@code delay} in 1/100 s. */
    static ByteBuilder gifControl(ByteBuilder b, int delay) {
        return b.u8(0x21).u8(0xF9).u8(4).u8(0).u16(delay).u8(0).u8(0);
    }

    // ---- TIFF ----

    static final int SHORT = 3;
    static final int LONG = 4;

    /** One IFD entry; {@code value} is the value itself (fits in 4 bytes) or an offset. */
    record IfdEntry(int tag, int type, long count, long value) {
        static IfdEntry of(int tag, int type, long value) {
            return new IfdEntry(tag, type, 1, value);
        }
    }

    /** Where data after a single IFD of {@code entries} entries starts (header 8 + IFD). */
    static int tiffDataOffset(int entries) {
        return 8 + 2 + 12 * entries + 4;
    }

    /**
     * A little-endian TIFF: header, one IFD at offset 8 (its count field may lie), then {@code data}.
     * {@code nextIfd} is the following IFD's offset (0 for none), so loops are one argument away.
     */
    static byte[] tiff(List<IfdEntry> entries, int declaredCount, long nextIfd, byte[] data) {
        ByteBuilder b = ByteBuilder.le().ascii("II").u16(42).u32(8).u16(declaredCount);
        for (IfdEntry e : entries) {
            b.u16(e.tag()).u16(e.type()).u32(e.count()).u32(e.value()); // LE: a SHORT sits in the low half
        }
        return b.u32(nextIfd).bytes(data).toByteArray();
    }

    /** The entries of an uncompressed 8-bit gray image whose single strip starts at {@code stripOffset}. */
    static List<IfdEntry> grayEntries(long w, long h, long stripOffset, long stripBytes) {
        return List.of(IfdEntry.of(256, LONG, w), IfdEntry.of(257, LONG, h), IfdEntry.of(258, SHORT, 8),
                IfdEntry.of(259, SHORT, 1), IfdEntry.of(262, SHORT, 1), IfdEntry.of(273, LONG, stripOffset),
                IfdEntry.of(277, SHORT, 1), IfdEntry.of(278, LONG, h), IfdEntry.of(279, LONG, stripBytes));
    }

    /** A valid w×h 8-bit gray TIFF (a ramp), with the given next-IFD pointer. */
    static byte[] grayTiff(int w, int h, long nextIfd) {
        return grayTiff(w, h, 8, nextIfd);
    }

    /** A valid w×h gray TIFF of 8 or 16 bits per sample (a ramp), with the given next-IFD pointer. */
    static byte[] grayTiff(int w, int h, int bits, long nextIfd) {
        int bytesPerSample = bits / 8;
        byte[] pixels = new byte[w * h * bytesPerSample];
        for (int i = 0; i < w * h; i++) {
            int v = i * 7 * (bits == 16 ? 257 : 1);
            pixels[i * bytesPerSample] = (byte) v;
            if (bits == 16) {
                pixels[i * 2 + 1] = (byte) (v >>> 8); // little-endian samples, as the header says "II"
            }
        }
        List<IfdEntry> entries = new java.util.ArrayList<>(grayEntries(w, h, tiffDataOffset(9), pixels.length));
        entries.set(2, IfdEntry.of(258, SHORT, bits));
        return tiff(entries, entries.size(), nextIfd, pixels);
    }

    // ---- WebP ----

    /** A pixel predicate: true for a white pixel, false for a dark one. */
    public interface Pattern {
        boolean white(int x, int y);
    }

    /**
     * A lossless WebP (VP8L) drawn by hand, since no ImageIO writer for WebP is on the class path:
     * no transforms, no colour cache, and five "simple" prefix codes. Green has two symbols (0 and
     * 255, one bit per pixel); red, blue and alpha have one symbol each (zero bits per pixel).
     */
    public static byte[] webpLossless(int w, int h, Pattern pattern) {
        return riff(vp8lChunk(w, h, pattern));
    }

    static byte[] vp8lChunk(int w, int h, Pattern pattern) {
        BitWriter bits = new BitWriter();
        bits.write(0x2F, 8);          // VP8L signature
        bits.write(w - 1, 14);
        bits.write(h - 1, 14);
        bits.write(0, 1);             // alpha not used
        bits.write(0, 3);             // version 0
        bits.write(0, 1);             // no transform
        bits.write(0, 1);             // no colour cache
        bits.write(0, 1);             // no meta prefix codes
        simpleCode(bits, 0, 255);     // green: two symbols
        simpleCode(bits, 0x50);       // red
        simpleCode(bits, 0xA0);       // blue
        simpleCode(bits, 0xFF);       // alpha
        simpleCode(bits, 0);          // distance (unused)
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                bits.write(pattern.white(x, y) ? 1 : 0, 1);
            }
        }
        return riffChunk("VP8L", bits.toByteArray());
    }

    private static void simpleCode(BitWriter bits, int... symbols) {
        bits.write(1, 1);                       // simple code
        bits.write(symbols.length - 1, 1);      // one or two symbols
        bits.write(1, 1);                       // first symbol takes 8 bits
        bits.write(symbols[0], 8);
        if (symbols.length == 2) {
            bits.write(symbols[1], 8);
        }
    }

    /** A VP8X (extended) header announcing a {@code canvasW}×{@code canvasH} canvas (24-bit fields). */
    static byte[] vp8xChunk(int canvasW, int canvasH) {
        return riffChunk("VP8X", ByteBuilder.le().u8(0).u24(0).u24(canvasW - 1).u24(canvasH - 1).toByteArray());
    }

    /** A lossy VP8 key-frame header claiming w×h (14-bit fields), followed by {@code body}. */
    static byte[] vp8Chunk(int w, int h, byte[] body) {
        int firstPartition = body.length;
        int tag = 0 /* key frame */ | 0 << 1 /* version */ | 1 << 4 /* shown */ | firstPartition << 5;
        return riffChunk("VP8 ", ByteBuilder.le().u24(tag).u8(0x9D).u8(0x01).u8(0x2A).u16(w & 0x3FFF).u16(h & 0x3FFF)
                .bytes(body).toByteArray());
    }

    static byte[] riffChunk(String fourcc, byte[] data) {
        ByteBuilder b = ByteBuilder.le().ascii(fourcc).u32(data.length).bytes(data);
        if (data.length % 2 == 1) {
            b.u8(0); // chunks are padded to even length
        }
        return b.toByteArray();
    }

    /** "RIFF", the size of what follows, "WEBP", then the chunks. */
    static byte[] riff(byte[]... chunks) {
        int size = 4;
        for (byte[] c : chunks) {
            size += c.length;
        }
        ByteBuilder b = ByteBuilder.le().ascii("RIFF").u32(size).ascii("WEBP");
        for (byte[] c : chunks) {
            b.bytes(c);
        }
        return b.toByteArray();
    }

    /** Bits packed least-significant first, as VP8L reads them. */
    static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int used;

        void write(int value, int count) {
            acc |= (value & ((1L << count) - 1)) << used;
            used += count;
            while (used >= 8) {
                out.write((int) acc & 0xFF);
                acc >>>= 8;
                used -= 8;
            }
        }

        byte[] toByteArray() {
            if (used > 0) {
                out.write((int) acc & 0xFF);
                acc = 0;
                used = 0;
            }
            out.write(0); // slack: decoders prefetch a few bytes past the last code
            out.write(0);
            out.write(0);
            out.write(0);
            return out.toByteArray();
        }
    }
}
