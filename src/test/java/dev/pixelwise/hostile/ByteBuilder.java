package dev.pixelwise.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A growable byte array with the little/big-endian writes file headers need. */
final class ByteBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean littleEndian;

    ByteBuilder(boolean littleEndian) {
        this.littleEndian = littleEndian;
    }

    static ByteBuilder le() {
        return new ByteBuilder(true);
    }

    static ByteBuilder be() {
        return new ByteBuilder(false);
    }

    ByteBuilder u8(int v) {
        out.write(v);
        return this;
    }

    ByteBuilder u16(int v) {
        if (littleEndian) {
            out.write(v);
            out.write(v >>> 8);
        } else {
            out.write(v >>> 8);
            out.write(v);
        }
        return this;
    }

    ByteBuilder u24(int v) {
        if (littleEndian) {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
        } else {
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }
        return this;
    }

    ByteBuilder u32(long v) {
        if (littleEndian) {
            u16((int) v).u16((int) (v >>> 16));
        } else {
            u16((int) (v >>> 16)).u16((int) v);
        }
        return this;
    }

    ByteBuilder u64(long v) {
        if (littleEndian) {
            u32(v).u32(v >>> 32);
        } else {
            u32(v >>> 32).u32(v);
        }
        return this;
    }

    ByteBuilder ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    ByteBuilder bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    ByteBuilder zeros(int n) {
        out.writeBytes(new byte[n]);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
