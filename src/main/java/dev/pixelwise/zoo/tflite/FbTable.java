package dev.pixelwise.zoo.tflite;

import com.google.flatbuffers.Table;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Base of the hand-written FlatBuffer accessors (what flatc would generate from schema.fbs), reading
 * fields by id: a field with id n has its offset at vtable slot 4 + 2n. Absent fields give the schema
 * default. Vector reads check their extent against the buffer first, so a corrupt length cannot make
 * us allocate gigabytes before failing.
 */
abstract class FbTable extends Table {

    @SuppressWarnings("unchecked")
    final <T extends FbTable> T init(int tablePos, ByteBuffer buffer) {
        __reset(tablePos, buffer);
        return (T) this;
    }

    /** Byte offset of field {@code id} from the table start, or 0 when the field is absent. */
    final int fieldOffset(int id) {
        return __offset(4 + 2 * id);
    }

    final boolean has(int id) {
        return fieldOffset(id) != 0;
    }

    final byte byteField(int id, byte defaultValue) {
        int o = fieldOffset(id);
        return o != 0 ? bb.get(bb_pos + o) : defaultValue;
    }

    final boolean boolField(int id) {
        return byteField(id, (byte) 0) != 0;
    }

    final int intField(int id, int defaultValue) {
        int o = fieldOffset(id);
        return o != 0 ? bb.getInt(bb_pos + o) : defaultValue;
    }

    /** An unsigned 32-bit field (FlatBuffers {@code uint}). */
    final long uintField(int id) {
        return Integer.toUnsignedLong(intField(id, 0));
    }

    final long longField(int id, long defaultValue) {
        int o = fieldOffset(id);
        return o != 0 ? bb.getLong(bb_pos + o) : defaultValue;
    }

    final float floatField(int id, float defaultValue) {
        int o = fieldOffset(id);
        return o != 0 ? bb.getFloat(bb_pos + o) : defaultValue;
    }

    /** A string field, or null when absent. */
    final String stringField(int id) {
        int o = fieldOffset(id);
        return o != 0 ? __string(bb_pos + o) : null;
    }

    /** Number of elements of a vector field (0 when absent). */
    final int vectorLength(int id) {
        int o = fieldOffset(id);
        return o != 0 ? __vector_len(o) : 0;
    }

    /** Absolute position of element 0 of a vector field whose elements are {@code elementSize} bytes. */
    private int vectorStart(int id, int elementSize) {
        int o = fieldOffset(id);
        int start = __vector(o);
        int length = __vector_len(o);
        checkExtent(start, length, elementSize);
        return start;
    }

    private void checkExtent(int start, int length, int elementSize) {
        long end = (long) start + (long) length * elementSize;
        if (start < 0 || length < 0 || end > bb.limit()) {
            throw new TfliteFormatException("vector of " + length + " × " + elementSize
                    + " bytes at byte " + start + " runs past the end of the " + bb.limit() + "-byte buffer");
        }
    }

    final int[] intVector(int id) {
        int n = vectorLength(id);
        if (n == 0) {
            return new int[0];
        }
        int start = vectorStart(id, 4);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = bb.getInt(start + 4 * i);
        }
        return out;
    }

    final long[] longVector(int id) {
        int n = vectorLength(id);
        if (n == 0) {
            return new long[0];
        }
        int start = vectorStart(id, 8);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = bb.getLong(start + 8 * i);
        }
        return out;
    }

    final float[] floatVector(int id) {
        int n = vectorLength(id);
        if (n == 0) {
            return new float[0];
        }
        int start = vectorStart(id, 4);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = bb.getFloat(start + 4 * i);
        }
        return out;
    }

    /** A read-only little-endian view of a [ubyte] vector field (empty when absent). */
    final ByteBuffer byteVectorView(int id) {
        int n = vectorLength(id);
        if (n == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
        }
        int start = vectorStart(id, 1);
        return bb.slice(start, n).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Element j of a vector of tables, read into {@code into}. */
    final <T extends FbTable> T tableAt(int id, int j, T into) {
        int start = vectorStart(id, 4);
        return into.init(__indirect(start + 4 * j), bb);
    }

    /** A sub-table field read into {@code into}, or null when absent. */
    final <T extends FbTable> T table(int id, T into) {
        int o = fieldOffset(id);
        return o != 0 ? into.init(__indirect(bb_pos + o), bb) : null;
    }
}
