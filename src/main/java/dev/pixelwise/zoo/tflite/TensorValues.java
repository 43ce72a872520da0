package dev.pixelwise.zoo.tflite;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Reads the constant data of tensors as real numbers (dequantised) or as integers. */
public final class TensorValues {

    private TensorValues() {
    }

    /**
     * The tensor's constant values as floats: real = scale × (q − zeroPoint) when the tensor is
     * quantised (per-channel along the quantised axis when there are several scales), otherwise the
     * stored numbers themselves. Works for uint8/int8 weights and for int32 biases, whose scale is
     * input scale × weight scale and zero point 0.
     */
    public static float[] dequantize(TfliteTensor t) {
        ByteBuffer data = requireData(t);
        int n = Math.toIntExact(t.elementCount());
        float[] out = new float[n];
        if (t.type() == TensorType.FLOAT32) {
            for (int i = 0; i < n; i++) {
                out[i] = data.getFloat(4 * i);
            }
            return out;
        }
        if (t.type() == TensorType.FLOAT16) {
            for (int i = 0; i < n; i++) {
                out[i] = halfToFloat(data.getShort(2 * i));
            }
            return out;
        }
        TfliteQuantization q = t.quantization().orElse(null);
        if (q == null) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) rawInteger(t.type(), data, i);
            }
            return out;
        }
        int[] shape = t.shape();
        int channels = q.scales().length;
        int axis = q.axis();
        int inner = 1; // elements per step along the quantised axis
        if (channels > 1) {
            if (axis < 0 || axis >= shape.length || shape[axis] != channels) {
                throw new TfliteFormatException("tensor #" + t.index() + " " + t.name() + " has " + channels
                        + " scales, which does not match axis " + axis + " of shape " + Arrays.toString(shape));
            }
            for (int d = axis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        for (int i = 0; i < n; i++) {
            int channel = channels > 1 ? (i / inner) % channels : 0;
            out[i] = q.dequantize(rawInteger(t.type(), data, i), channel);
        }
        return out;
    }

    /** The constant values of an INT32 or INT64 tensor (shape constants, axes, sizes). */
    public static int[] ints(TfliteTensor t) {
        if (t.type() != TensorType.INT32 && t.type() != TensorType.INT64) {
            throw new IllegalArgumentException("tensor #" + t.index() + " " + t.name() + " is " + t.type()
                    + ", not INT32/INT64");
        }
        ByteBuffer data = requireData(t);
        int n = Math.toIntExact(t.elementCount());
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.toIntExact(rawInteger(t.type(), data, i));
        }
        return out;
    }

    private static ByteBuffer requireData(TfliteTensor t) {
        if (!t.hasData()) {
            throw new IllegalArgumentException("tensor #" + t.index() + " " + t.name()
                    + " has no constant data (it is computed at run time)");
        }
        ByteBuffer data = t.data();
        long expected = t.elementCount() * t.type().byteSize();
        if (t.type().byteSize() == 0 || data.remaining() != expected) {
            throw new TfliteFormatException("tensor #" + t.index() + " " + t.name() + " of type " + t.type()
                    + " and shape " + Arrays.toString(t.shape()) + " has " + data.remaining()
                    + " data bytes, expected " + expected);
        }
        return data;
    }

    /** Element i of an integer-typed buffer, widened without loss (unsigned types stay non-negative). */
    static long rawInteger(TensorType type, ByteBuffer data, int i) {
        return switch (type) {
            case UINT8 -> data.get(i) & 0xFF;
            case INT8 -> data.get(i);
            case BOOL -> data.get(i) != 0 ? 1 : 0;
            case INT16 -> data.getShort(2 * i);
            case UINT16 -> data.getShort(2 * i) & 0xFFFF;
            case INT32 -> data.getInt(4 * i);
            case UINT32 -> Integer.toUnsignedLong(data.getInt(4 * i));
            case INT64, UINT64 -> data.getLong(8 * i);
            default -> throw new IllegalArgumentException("cannot read " + type + " values as integers");
        };
    }

    /** IEEE 754 binary16 → float (Float.float16ToFloat arrives only in Java 20). */
    static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h >>> 15) << 31;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f; // subnormal: mantissa × 2^-24
            return sign != 0 ? -value : value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
