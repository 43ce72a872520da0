package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks a WebP file's RIFF container: the size in its header must fit in the file, and so must
 * every chunk. The WebP reader trusts those sizes, so a truncated file otherwise decodes as if
 * whole (missing bits read as zeros). Also checks that a still image's canvas (VP8X) is the
 * size of its bitstream.
 */
final class RiffChunks {

    private RiffChunks() {
    }

    /** @return the number of frames: ANMF chunks of an animation, 1 for a still image */
    static int verify(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024))) {
            long fileSize = Files.size(file);
            in.skipNBytes(4); // "RIFF", sniffed
            long riffSize = littleEndian32(in);
            if (8 + riffSize > fileSize) {
                throw new AppException.UnprocessableImage("The WebP file is truncated: its header announces "
                        + (8 + riffSize) + " bytes, the file has " + fileSize);
            }
            in.skipNBytes(4); // "WEBP", sniffed
            long position = 12;
            long end = 8 + riffSize;
            int chunks = 0;
            int frames = 0;
            long[] canvas = null; // from VP8X: width, height, animated (1/0)
            long[] image = null;  // from the first VP8 or VP8L bitstream: width, height
            while (position < end) {
                if (end - position < 8) {
                    throw corrupt("a chunk header is cut short at byte " + position);
                }
                String name = new String(in.readNBytes(4), StandardCharsets.ISO_8859_1);
                long size = littleEndian32(in);
                long padded = size + (size & 1);
                // The last chunk's pad byte is sometimes left out; the data itself must be there.
                if (position + 8 + size > end) {
                    throw corrupt("chunk " + (chunks + 1) + " (" + printable(name) + ") runs past the end of the file");
                }
                byte[] head = in.readNBytes((int) Math.min(size, 10));
                ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                if (name.equals("ANMF")) {
                    frames++;
                }
                if (name.equals("VP8X") && head.length == 10) {
                    canvas = new long[]{1 + (b.getInt(4) & 0xFFFFFF), 1 + (b.getInt(6) >>> 8), (head[0] & 0x02) >> 1};
                } else if (image == null && name.equals("VP8L") && head.length >= 5) {
                    int bits = b.getInt(1);
                    image = new long[]{1 + (bits & 0x3FFF), 1 + ((bits >>> 14) & 0x3FFF)};
                } else if (image == null && name.equals("VP8 ") && head.length == 10) {
                    image = new long[]{b.getShort(6) & 0x3FFF, b.getShort(8) & 0x3FFF};
                }
                in.skipNBytes(Math.min(padded, end - position - 8) - head.length);
                position += 8 + padded;
                chunks++;
            }
            if (chunks == 0) {
                throw corrupt("it has no chunks");
            }
            // As libwebp: a still image must fill its canvas exactly, or the reader decodes the
            // canvas size from a bitstream made for fewer pixels.
            if (canvas != null && canvas[2] == 0 && image != null && (canvas[0] != image[0] || canvas[1] != image[1])) {
                throw corrupt("its canvas is " + canvas[0] + "×" + canvas[1] + " but its image is " + image[0] + "×" + image[1]);
            }
            return Math.max(1, frames);
        } catch (EOFException e) {
            throw new AppException.UnprocessableImage("The WebP file is truncated");
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
    }

    private static long littleEndian32(DataInputStream in) throws IOException {
        return Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }

    private static AppException corrupt(String why) {
        return new AppException.UnprocessableImage("The WebP file is corrupt: " + why);
    }
}
