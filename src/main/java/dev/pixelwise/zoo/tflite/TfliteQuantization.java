package dev.pixelwise.zoo.tflite;

import java.util.Arrays;

/**
 * Affine quantisation of a tensor: real = scale × (q − zeroPoint). Per-tensor when there is one
 * scale; per-channel along {@link #axis()} when there are several (one scale and zero point per index
 * of that axis).
 */
public final class TfliteQuantization {

    private final float[] scales;
    private final long[] zeroPoints;
    private final int axis;
    private final float[] min;
    private final float[] max;

    TfliteQuantization(float[] scales, long[] zeroPoints, int axis, float[] min, float[] max) {
        if (scales.length == 0) {
            throw new TfliteFormatException("quantisation without scales");
        }
        if (zeroPoints.length != scales.length && zeroPoints.length > 1) {
            throw new TfliteFormatException("quantisation has " + scales.length + " scales but "
                    + zeroPoints.length + " zero points");
        }
        this.scales = scales.clone();
        // A missing zero_point vector means 0; one zero point for many scales applies to all.
        this.zeroPoints = new long[scales.length];
        for (int i = 0; i < scales.length; i++) {
            this.zeroPoints[i] = zeroPoints.length == 0 ? 0 : zeroPoints[zeroPoints.length == 1 ? 0 : i];
        }
        this.axis = axis;
        this.min = min.clone();
        this.max = max.clone();
    }

    /** Per-tensor quantisation (for tests and callers building models by hand). */
    public static TfliteQuantization perTensor(float scale, long zeroPoint) {
        return new TfliteQuantization(new float[]{scale}, new long[]{zeroPoint}, 0, new float[0], new float[0]);
    }

    public boolean isPerChannel() {
        return scales.length > 1;
    }

    /** The single scale of a per-tensor quantisation. */
    public float scale() {
        requirePerTensor();
        return scales[0];
    }

    /** The single zero point of a per-tensor quantisation. */
    public long zeroPoint() {
        requirePerTensor();
        return zeroPoints[0];
    }

    private void requirePerTensor() {
        if (isPerChannel()) {
            throw new IllegalStateException("per-channel quantisation (" + scales.length
                    + " channels on axis " + axis + "): use scales() and zeroPoints()");
        }
    }

    public float[] scales() {
        return scales.clone();
    }

    public long[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** The quantised dimension (schema field quantized_dimension); meaningful when per-channel. */
    public int axis() {
        return axis;
    }

    /** Calibration minimum(s) recorded by the converter, possibly empty. */
    public float[] min() {
        return min.clone();
    }

    /** Calibration maximum(s) recorded by the converter, possibly empty. */
    public float[] max() {
        return max.clone();
    }

    /** real = scale × (q − zeroPoint) for channel {@code channel} (0 when per-tensor). */
    public float dequantize(long q, int channel) {
        return (float) (scales[channel] * (double) (q - zeroPoints[channel]));
    }

    @Override
    public String toString() {
        return isPerChannel()
                ? "per-channel(axis " + axis + ", " + scales.length + " scales)"
                : "scale " + scales[0] + ", zero point " + zeroPoints[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TfliteQuantization q && axis == q.axis && Arrays.equals(scales, q.scales)
                && Arrays.equals(zeroPoints, q.zeroPoints);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints) + axis;
    }
}
