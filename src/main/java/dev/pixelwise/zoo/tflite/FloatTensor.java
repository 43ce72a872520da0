package dev.pixelwise.zoo.tflite;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order (NHWC for images), the value type of the reference
 * interpreter. Immutable from outside: {@link #of} and {@link #toArray()} copy.
 */
public final class FloatTensor extends ShapedTensor {

    final float[] values; // shared without copying inside this package, never modified after construction

    FloatTensor(int[] shape, float[] values) {
        super(shape);
        long n = count(this.shape);
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + values.length);
        }
        this.values = values;
    }

    /** A tensor with a copy of {@code values}, which must hold exactly the product of {@code shape}. */
    public static FloatTensor of(int[] shape, float[] values) {
        return new FloatTensor(shape, values.clone());
    }

    public int size() {
        return values.length;
    }

    /** The value at flat (row-major) index {@code i}. */
    public float get(int i) {
        return values[i];
    }

    /** The value at the given coordinates, one per axis. */
    public float at(int... coordinates) {
        if (coordinates.length != shape.length) {
            throw new IllegalArgumentException("need " + shape.length + " coordinates");
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (coordinates[d] < 0 || coordinates[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("coordinate " + coordinates[d] + " on axis " + d
                        + " of shape " + Arrays.toString(shape));
            }
            flat = flat * shape[d] + coordinates[d];
        }
        return values[flat];
    }

    public float[] toArray() {
        return values.clone();
    }

    /** Flat index of the largest value (the first one on ties). */
    public int argMax() {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
