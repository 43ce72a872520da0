package dev.pixelwise.imaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The name an ICC profile gives itself: its description tag ('desc'), as ICC v2 ('desc' type, ASCII)
 * or v4 ('mluc', UTF-16, first record) writes it. Reads the bytes as stored, so a profile the JDK's
 * colour engine would refuse still gets its name shown.
 */
final class IccNames {

    private static final int DESC = 0x64657363;  // 'desc'
    private static final int MLUC = 0x6D6C7563;  // 'mluc'
    private static final int MAX_NAME = 256;

    private IccNames() {
    }

    /** The description, or null when the profile has none that reads. */
    static String describe(byte[] profile) {
        if (profile == null || profile.length < 132) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(profile);
        long tags = Integer.toUnsignedLong(b.getInt(128));
        for (long i = 0; i < tags && 132 + i * 12 + 12 <= profile.length; i++) {
            int at = (int) (132 + i * 12);
            if (b.getInt(at) != DESC) {
                continue;
            }
            long offset = Integer.toUnsignedLong(b.getInt(at + 4));
            long size = Integer.toUnsignedLong(b.getInt(at + 8));
            if (offset + size > profile.length || size < 12) {
                return null;
            }
            return tag(b, (int) offset, (int) size);
        }
        return null;
    }

    private static String tag(ByteBuffer b, int offset, int size) {
        int type = b.getInt(offset);
        String text = null;
        if (type == DESC) {
            long count = Integer.toUnsignedLong(b.getInt(offset + 8)); // ASCII length with its NUL
            if (count > 0 && 12 + count <= size) {
                text = new String(b.array(), offset + 12, (int) Math.min(count, MAX_NAME), StandardCharsets.US_ASCII);
            }
        } else if (type == MLUC && size >= 28) {
            long records = Integer.toUnsignedLong(b.getInt(offset + 8));
            long length = Integer.toUnsignedLong(b.getInt(offset + 20));
            long start = Integer.toUnsignedLong(b.getInt(offset + 24));
            if (records > 0 && start + length <= size) {
                text = new String(b.array(), offset + (int) start, (int) Math.min(length, 2 * MAX_NAME), StandardCharsets.UTF_16BE);
            }
        }
        if (text == null) {
            return null;
        }
        int nul = text.indexOf('\0');
        String name = (nul >= 0 ? text.substring(0, nul) : text).replaceAll("\\p{Cntrl}", "").strip();
        return name.isEmpty() ? null : name;
    }
}
