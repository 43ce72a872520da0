package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Walks a TIFF's image file directories (classic and BigTIFF) before a reader does: the chain and
 * the sub-directory links (SubIFDs, EXIF, GPS, interoperability) must not loop, every directory
 * and every out-of-line value array must lie inside the file, and so must the first image's
 * strips or tiles. Readers otherwise follow a loop, believe a billion-entry count, or decode a
 * strip that is not there. Reads directories only; no pixels.
 */
final class TiffDirectories {

    /** Multi-page files have tens of pages; we decode the first and a reader lists them all. */
    static final int MAX_DIRECTORIES = 1024;
    static final long MAX_ENTRIES = 1 << 20;

    private static final Set<Integer> LINK_TAGS = Set.of(330, 34665, 34853, 40965);
    private static final int BLOCK = 4096; // values read per step when walking strip arrays

    /**
     * What the first image stores, for judging its data size once the header's size is known.
     *
     * @param bitsPerPixel sum of BitsPerSample over the samples of a pixel
     * @param storedBytes  sum of the strip or tile byte counts
     */
    record FirstImage(long compression, long photometric, long bitsPerPixel, long storedBytes) implements StoredData {

        /** Refuses uncompressed data shorter than its pixels need; compressed sizes cannot be judged. */
        @Override
        public void requireFor(ImageHeader header) {
            boolean subsampled = photometric == 6; // YCbCr may store fewer chroma samples
            if (compression != 1 || subsampled || bitsPerPixel <= 0) {
                return;
            }
            long needed = ((long) header.width() * bitsPerPixel + 7) / 8 * header.height();
            if (storedBytes < needed) {
                throw corrupt(String.format(Locale.ROOT, "its strips hold %d bytes; %d×%d uncompressed pixels need %d",
                        storedBytes, header.width(), header.height(), needed));
            }
        }
    }

    private record Entry(int tag, int type, long count, long dataPosition) {
    }

    private final FileChannel channel;
    private final long size;
    private ByteOrder order;
    private boolean big;

    private TiffDirectories(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    static FirstImage verify(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new TiffDirectories(channel).walk();
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
    }

    private FirstImage walk() throws IOException {
        ByteBuffer head = read(0, 8);
        order = head.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        head.order(order);
        big = head.getShort(2) == 43;
        long first = big ? read(8, 8).order(order).getLong() : Integer.toUnsignedLong(head.getInt(4));
        if (first == 0) {
            throw corrupt("it has no image directory");
        }
        Deque<Long> pending = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        pending.add(first);
        FirstImage firstImage = null;
        long entries = 0;
        while (!pending.isEmpty()) {
            long offset = pending.poll();
            if (!seen.add(offset)) {
                throw corrupt("its directories form a loop");
            }
            if (seen.size() > MAX_DIRECTORIES) {
                throw corrupt("it has more than " + MAX_DIRECTORIES + " directories");
            }
            int countSize = big ? 8 : 2;
            int entrySize = big ? 20 : 12;
            int nextSize = big ? 8 : 4;
            if (offset < 8 || offset > size - countSize) {
                throw corrupt("a directory lies outside the file (at byte " + Long.toUnsignedString(offset) + ")");
            }
            ByteBuffer countBytes = read(offset, countSize).order(order);
            long count = big ? countBytes.getLong() : Short.toUnsignedInt(countBytes.getShort());
            if (count == 0) {
                throw corrupt("a directory has no entries");
            }
            if (count < 0 || count > (size - offset - countSize - nextSize) / entrySize) {
                throw corrupt("a directory claims " + Long.toUnsignedString(count) + " entries, more than the file holds");
            }
            entries += count;
            if (entries > MAX_ENTRIES) {
                throw corrupt("its directories have more than " + MAX_ENTRIES + " entries");
            }
            long start = offset + countSize;
            ByteBuffer dir = read(start, (int) (count * entrySize + nextSize)).order(order);
            Entry[] parsed = new Entry[(int) count];
            for (int i = 0; i < count; i++) {
                parsed[i] = entry(dir, i * entrySize, start + (long) i * entrySize);
                if (LINK_TAGS.contains(parsed[i].tag())) {
                    link(parsed[i], pending);
                }
            }
            long next = big ? dir.getLong((int) count * entrySize) : Integer.toUnsignedLong(dir.getInt((int) count * entrySize));
            if (next != 0) {
                pending.add(next);
            }
            if (firstImage == null) {
                firstImage = firstImage(parsed);
            }
        }
        return firstImage;
    }

    /** Reads one entry and checks that its values, when stored elsewhere, lie inside the file. */
    private Entry entry(ByteBuffer dir, int at, long position) {
        int tag = Short.toUnsignedInt(dir.getShort(at));
        int type = Short.toUnsignedInt(dir.getShort(at + 2));
        long count = big ? dir.getLong(at + 4) : Integer.toUnsignedLong(dir.getInt(at + 4));
        int valueAt = at + (big ? 12 : 8);
        long valuePosition = position + (big ? 12 : 8);
        int width = typeSize(type);
        if (width == 0) {
            return new Entry(tag, type, 0, valuePosition); // unknown types are skipped by readers too
        }
        if (count < 0 || count > size / width) {
            throw corrupt(String.format(Locale.ROOT, "tag %d claims %s values, more than the file holds",
                    tag, Long.toUnsignedString(count)));
        }
        long bytes = count * width;
        if (bytes <= (big ? 8 : 4)) {
            return new Entry(tag, type, count, valuePosition);
        }
        long offset = big ? dir.getLong(valueAt) : Integer.toUnsignedLong(dir.getInt(valueAt));
        if (offset < 0 || offset > size - bytes) {
            throw corrupt(String.format(Locale.ROOT, "the values of tag %d lie past the end of the file", tag));
        }
        return new Entry(tag, type, count, offset);
    }

    private void link(Entry entry, Deque<Long> pending) throws IOException {
        if (entry.count() > MAX_DIRECTORIES) {
            throw corrupt("tag " + entry.tag() + " links " + entry.count() + " directories");
        }
        for (long target : values(entry, 0, (int) entry.count())) {
            if (target != 0) {
                pending.add(target);
            }
        }
    }

    private FirstImage firstImage(Entry[] entries) throws IOException {
        long compression = 1;
        long photometric = -1;
        long samples = 1;
        Entry bits = null;
        Entry offsets = null;
        Entry counts = null;
        for (Entry e : entries) {
            switch (e.tag()) {
                case 258 -> bits = e;
                case 259 -> compression = single(e, 1);
                case 262 -> photometric = single(e, -1);
                case 277 -> samples = single(e, 1);
                case 273, 324 -> offsets = e;
                case 279, 325 -> counts = e;
                default -> { }
            }
        }
        long bitsPerPixel = 0;
        if (bits != null && bits.count() > 0 && samples <= 64) {
            long[] perSample = values(bits, 0, (int) Math.min(bits.count(), samples));
            for (int s = 0; s < samples; s++) {
                bitsPerPixel += perSample[Math.min(s, perSample.length - 1)];
            }
        }
        long stored = 0;
        if (offsets != null && counts != null && offsets.count() == counts.count()) {
            for (long from = 0; from < offsets.count(); from += BLOCK) {
                int n = (int) Math.min(BLOCK, offsets.count() - from);
                long[] at = values(offsets, from, n);
                long[] length = values(counts, from, n);
                for (int i = 0; i < n; i++) {
                    if (at[i] > size || length[i] > size - at[i]) {
                        throw new AppException.UnprocessableImage("The TIFF file is truncated: strip or tile "
                                + (from + i + 1) + " lies past its end");
                    }
                    stored += length[i];
                }
            }
        }
        return new FirstImage(compression, photometric, bitsPerPixel, stored);
    }

    private long single(Entry e, long fallback) throws IOException {
        return e.count() == 0 ? fallback : values(e, 0, 1)[0];
    }

    /** {@code n} unsigned values of an entry from index {@code from}; an unknown type reads as zeros. */
    private long[] values(Entry e, long from, int n) throws IOException {
        long[] out = new long[n];
        int width = typeSize(e.type());
        if (width == 0 || n == 0) {
            return out;
        }
        ByteBuffer b = read(e.dataPosition() + from * width, n * width).order(order);
        for (int i = 0; i < n; i++) {
            out[i] = switch (width) {
                case 1 -> Byte.toUnsignedLong(b.get(i));
                case 2 -> Short.toUnsignedLong(b.getShort(i * 2));
                case 4 -> Integer.toUnsignedLong(b.getInt(i * 4));
                default -> b.getLong(i * 8);
            };
        }
        return out;
    }

    /** Bytes per value of a TIFF field type; 0 for types no reader knows. */
    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;    // BYTE, ASCII, SBYTE, UNDEFINED
            case 3, 8 -> 2;          // SHORT, SSHORT
            case 4, 9, 11, 13 -> 4;  // LONG, SLONG, FLOAT, IFD
            case 5, 10, 12, 16, 17, 18 -> 8; // RATIONAL, SRATIONAL, DOUBLE, LONG8, SLONG8, IFD8
            default -> 0;
        };
    }

    private ByteBuffer read(long position, int length) throws IOException {
        if (position < 0 || position > size - length) {
            throw new AppException.UnprocessableImage("The TIFF file is truncated");
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                throw new AppException.UnprocessableImage("The TIFF file is truncated");
            }
        }
        return b.flip();
    }

    private static AppException corrupt(String why) {
        return new AppException.UnprocessableImage("The TIFF file is corrupt: " + why);
    }
}
