package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks: signature, IHDR first, every CRC right, some image data, IEND last.
 * Streams; no pixels. The walk also keeps the iCCP chunk, so the reader can skip metadata (whose
 * compressed text it would inflate without limit).
 */
public final class PngChunks {

    /** The chunks that make a PNG's pixels as our decoder reads them; everything else is metadata or animation. */
    private static final Set<String> PIXEL_CHUNKS = Set.of("IHDR", "PLTE", "tRNS", "IDAT", "IEND");

    /** Deflate's best case is 258 bytes from 2 bits: no IDAT inflates to more than 1032× its size. */
    static final long MAX_DEFLATE_RATIO = 1032;
    /** Real files carry a handful of metadata chunks; the reader builds objects for each one. */
    static final int MAX_OTHER_CHUNKS = 4096;
    /** Compressed ICC profiles are kilobytes; a larger iCCP chunk is ignored like a broken one. */
    static final int MAX_ICCP_BYTES = 4 << 20;

    /**
     * What the walk learned.
     *
     * @param bitsPerPixel  from IHDR: bit depth × samples per pixel
     * @param imageDataBytes compressed bytes in all IDAT chunks together
     * @param iccp          the iCCP chunk's data (name, method, compressed profile), or null
     * @param frames        APNG frames (fcTL chunks after an acTL), 1 for a still image
     */
    record Layout(int bitsPerPixel, long imageDataBytes, byte[] iccp, int frames) implements StoredData {

        /** Refuses a header whose pixels could not come out of this much compressed data. */
        @Override
        public void requireFor(ImageHeader header) {
            long rowBytes = ((long) header.width() * bitsPerPixel + 7) / 8;
            long pixelBytes = rowBytes * header.height();
            if (imageDataBytes * MAX_DEFLATE_RATIO < pixelBytes) {
                throw corrupt(String.format(Locale.ROOT, "%d bytes of image data cannot hold %d×%d pixels",
                        imageDataBytes, header.width(), header.height()));
            }
        }
    }

    private PngChunks() {
    }

    static Layout verify(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024))) {
            in.skipNBytes(8); // signature already sniffed
            byte[] type = new byte[4];
            byte[] buffer = new byte[64 * 1024];
            CRC32 crc = new CRC32();
            int bitsPerPixel = 0;
            long imageData = 0;
            byte[] iccp = null;
            int others = 0;
            boolean animated = false;
            int frameControls = 0;
            boolean first = true;
            while (true) {
                long length = Integer.toUnsignedLong(in.readInt());
                in.readFully(type);
                String name = new String(type, StandardCharsets.ISO_8859_1);
                if (length > Integer.MAX_VALUE || !name.chars().allMatch(Character::isLetter)) {
                    throw corrupt("chunk '" + printable(name) + "' is malformed");
                }
                if (first && !name.equals("IHDR")) {
                    throw corrupt("the first chunk is " + printable(name) + ", not IHDR");
                }
                first = false;
                if (name.equals("IHDR") && length != 13) {
                    throw corrupt("the IHDR chunk is " + length + " bytes, not 13");
                }
                boolean keep = name.equals("IHDR") || (name.equals("iCCP") && iccp == null && length <= MAX_ICCP_BYTES);
                ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream((int) Math.min(length, 64 * 1024)) : null;
                crc.reset();
                crc.update(type);
                long left = length;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new EOFException();
                    }
                    crc.update(buffer, 0, n);
                    if (kept != null) {
                        kept.write(buffer, 0, n);
                    }
                    left -= n;
                }
                if ((int) crc.getValue() != in.readInt()) {
                    throw corrupt("the " + name + " chunk's checksum is wrong");
                }
                switch (name) {
                    case "IHDR" -> bitsPerPixel = bitsPerPixel(kept.toByteArray());
                    case "IDAT" -> imageData += length;
                    case "iCCP" -> iccp = kept != null ? kept.toByteArray() : iccp;
                    case "IEND" -> {
                        if (imageData == 0) {
                            throw corrupt("there is no image data (IDAT)");
                        }
                        return new Layout(bitsPerPixel, imageData, iccp, animated ? Math.max(1, frameControls) : 1);
                    }
                    case "fdAT" -> { } // animation frames: image data of later frames, never decoded
                    default -> {
                        animated |= name.equals("acTL");
                        frameControls += name.equals("fcTL") ? 1 : 0;
                        if (++others > MAX_OTHER_CHUNKS) {
                            throw corrupt("it has more than " + MAX_OTHER_CHUNKS + " metadata chunks");
                        }
                    }
                }
            }
        } catch (EOFException e) {
            throw new AppException.UnprocessableImage("The PNG file is truncated");
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
    }

    /**
     * A copy of a PNG that {@link #verify} accepted, with only its pixel chunks (IHDR, PLTE, tRNS,
     * IDAT, IEND): the same pixels without its text, EXIF, time, colour metadata or animation, at
     * the cost of a byte copy instead of a re-encode. Serve it as the decoder's pixels only where
     * the decoder took the samples as they are (8 bits or fewer, no ICC conversion).
     */
    public static byte[] pixelsOnly(Path file) {
        try {
            byte[] in = Files.readAllBytes(file);
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
            out.write(in, 0, 8);
            int pos = 8;
            while (pos + 12 <= in.length) {
                int length = ByteBuffer.wrap(in, pos, 4).getInt();
                String name = new String(in, pos + 4, 4, StandardCharsets.ISO_8859_1);
                int end = pos + 12 + length;
                if (length < 0 || end > in.length) {
                    throw corrupt("chunk " + printable(name) + " runs past the end");
                }
                if (PIXEL_CHUNKS.contains(name)) {
                    out.write(in, pos, end - pos);
                }
                if (name.equals("IEND")) {
                    return out.toByteArray();
                }
                pos = end;
            }
            throw new AppException.UnprocessableImage("The PNG file is truncated");
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
    }

    /** Bit depth × samples per pixel from IHDR; 0 for combinations the reader will refuse anyway. */
    private static int bitsPerPixel(byte[] ihdr) {
        ByteBuffer b = ByteBuffer.wrap(ihdr);
        int depth = b.get(8) & 0xFF;
        int samples = switch (b.get(9) & 0xFF) {
            case 0, 3 -> 1; // gray, palette index
            case 4 -> 2;    // gray + alpha
            case 2 -> 3;    // RGB
            case 6 -> 4;    // RGBA
            default -> 0;
        };
        return depth * samples;
    }

    private static AppException corrupt(String why) {
        return new AppException.UnprocessableImage("The PNG file is corrupt: " + why);
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
