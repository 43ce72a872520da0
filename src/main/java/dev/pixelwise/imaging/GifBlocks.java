package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks a GIF's blocks from the header to the trailer, skipping colour tables and data sub-blocks
 * by their sizes. Catches truncation (the reader decodes a cut-off first frame without a word),
 * unknown blocks and files without an image. Frames are counted past, never decoded.
 */
final class GifBlocks {

    private static final int IMAGE = 0x2C;
    private static final int EXTENSION = 0x21;
    private static final int TRAILER = 0x3B;

    private GifBlocks() {
    }

    /** @return the number of frames (images) in the file */
    static int verify(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 64 * 1024))) {
            in.skipNBytes(6 + 4); // signature (sniffed) and logical screen size
            int flags = in.readUnsignedByte();
            in.skipNBytes(2);
            skipColorTable(in, flags);
            int images = 0;
            while (true) {
                int block = in.readUnsignedByte();
                switch (block) {
                    case IMAGE -> {
                        in.skipNBytes(8); // position and size, already read by the reader
                        skipColorTable(in, in.readUnsignedByte());
                        in.skipNBytes(1); // LZW minimum code size
                        skipSubBlocks(in);
                        images++;
                    }
                    case EXTENSION -> {
                        in.skipNBytes(1); // label
                        skipSubBlocks(in);
                    }
                    case 0x00 -> { } // a stray block terminator some encoders add; readers skip it
                    case TRAILER -> {
                        if (images == 0) {
                            throw corrupt("it has no image");
                        }
                        return images; // bytes after the trailer are not ours to judge
                    }
                    default -> throw corrupt(String.format("unknown block type 0x%02X", block));
                }
            }
        } catch (EOFException e) {
            throw new AppException.UnprocessableImage("The GIF file is truncated (no trailer)");
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
    }

    private static void skipColorTable(DataInputStream in, int flags) throws IOException {
        if ((flags & 0x80) != 0) {
            in.skipNBytes(3L << ((flags & 0x07) + 1));
        }
    }

    private static void skipSubBlocks(DataInputStream in) throws IOException {
        for (int size = in.readUnsignedByte(); size != 0; size = in.readUnsignedByte()) {
            in.skipNBytes(size);
        }
    }

    private static AppException corrupt(String why) {
        return new AppException.UnprocessableImage("The GIF file is corrupt: " + why);
    }
}
