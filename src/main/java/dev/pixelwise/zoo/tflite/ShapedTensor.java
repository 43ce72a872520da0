package dev.pixelwise.zoo.tflite;

import java.util.Arrays;

/** What this package's tensor types share: an immutable shape (row-major, NHWC for images). */
public abstract sealed class ShapedTensor permits FloatTensor, TfliteTensor {

    final int[] shape; // never modified after construction

    ShapedTensor(int[] shape) {
        this.shape = shape.clone();
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** Product of the shape (1 for a scalar). */
    public long elementCount() {
        return count(shape);
    }

    /** Product of {@code shape}; a negative dimension is refused. */
    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }
}
