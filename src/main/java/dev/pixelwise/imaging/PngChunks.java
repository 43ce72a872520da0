package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/** Walks a PNG's chunks: signature, IHDR first, every CRC right, IEND last. Streams; no pixels. */
final class PngChunks {

    private PngChunks() {
    }

    static void verify(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024))) {
            in.skipNBytes(8); // signature already sniffed
            byte[] type = new byte[4];
            byte[] buffer = new byte[64 * 1024];
            CRC32 crc = new CRC32();
            boolean first = true;
            while (true) {
                long length = Integer.toUnsignedLong(in.readInt());
                in.readFully(type);
                String name = new String(type, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (length > Integer.MAX_VALUE || !name.chars().allMatch(Character::isLetter)) {
                    throw corrupt("chunk '" + printable(name) + "' is malformed");
                }
                if (first && !name.equals("IHDR")) {
                    throw corrupt("the first chunk is " + printable(name) + ", not IHDR");
                }
                first = false;
                crc.reset();
                crc.update(type);
                long left = length;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new EOFException();
                    }
                    crc.update(buffer, 0, n);
                    left -= n;
                }
                if ((int) crc.getValue() != in.readInt()) {
                    throw corrupt("the " + name + " chunk's checksum is wrong");
                }
                if (name.equals("IEND")) {
                    return;
                }
            }
        } catch (EOFException e) {
            throw new AppException.UnprocessableImage("The PNG file is truncated");
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
    }

    private static AppException corrupt(String why) {
        return new AppException.UnprocessableImage("The PNG file is corrupt: " + why);
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
