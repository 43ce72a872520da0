package dev.pixelwise.zoo.tflite;

import java.util.List;
import java.util.Arrays;

/**
 * Float32 NHWC kernels of the reference interpreter: plain loops that follow TFLite's reference
 * kernels (tensorflow/lite/kernels/internal/reference) in padding, rounding of sizes and edge rules.
 * Channel loops are innermost so the JIT can vectorise them.
 */
final class ReferenceKernels {

    private ReferenceKernels() {
    }

    /** Output size and padding before the first input pixel along one spatial axis. */
    record Window(int outSize, int padBefore) {
    }

    /**
     * TFLite's ComputePaddingHeightWidth: the kernel covers (k − 1)·d + 1 input pixels when dilated;
     * SAME gives ceil(in / stride) outputs and puts the smaller half of the padding first.
     */
    static Window window(Padding padding, int in, int kernel, int stride, int dilation) {
        int effective = (kernel - 1) * dilation + 1;
        int out = padding == Padding.SAME
                ? (in + stride - 1) / stride
                : (in - effective + stride) / stride;
        int total = Math.max((out - 1) * stride + effective - in, 0);
        return new Window(out, total / 2);
    }

    /**
     * CONV_2D. {@code filter} is laid out [kh][kw][in][out] (already moved from TFLite's
     * [out][kh][kw][in]); {@code bias} has {@code outChannels} values or is null.
     */
    static FloatTensor conv2d(FloatTensor input, float[] filter, int kh, int kw, int outChannels, float[] bias,
                              OperatorOptions.Conv2D o) {
        int n = input.dim(0), h = input.dim(1), w = input.dim(2), cin = input.dim(3);
        if (filter.length != kh * kw * cin * outChannels) {
            throw new IllegalArgumentException("filter of " + filter.length + " values does not fit "
                    + kh + "x" + kw + "x" + cin + "x" + outChannels);
        }
        Window wy = window(o.padding(), h, kh, o.strideH(), o.dilationH());
        Window wx = window(o.padding(), w, kw, o.strideW(), o.dilationW());
        int oh = wy.outSize(), ow = wx.outSize();
        float[] x = input.values;
        float[] y = new float[n * oh * ow * outChannels];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int yBase = ((b * oh + oy) * ow + ox) * outChannels;
                    if (bias != null) {
                        System.arraycopy(bias, 0, y, yBase, outChannels);
                    }
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * o.strideH() - wy.padBefore() + ky * o.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue; // zero padding
                        }
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * o.strideW() - wx.padBefore() + kx * o.dilationW();
                            if (ix < 0 || ix >= w) {
                                continue;
                            }
                            int xBase = ((b * h + iy) * w + ix) * cin;
                            int fBase = (ky * kw + kx) * cin * outChannels;
                            for (int ci = 0; ci < cin; ci++) {
                                float v = x[xBase + ci];
                                if (v == 0f) {
                                    continue; // common after RELU; adds nothing
                                }
                                int fRow = fBase + ci * outChannels;
                                for (int co = 0; co < outChannels; co++) {
                                    y[yBase + co] += v * filter[fRow + co];
                                }
                            }
                        }
                    }
                    activate(y, yBase, outChannels, o.activation());
                }
            }
        }
        return new FloatTensor(new int[]{n, oh, ow, outChannels}, y);
    }

    /**
     * DEPTHWISE_CONV_2D. {@code filter} is TFLite's [1][kh][kw][out] with out = in × multiplier;
     * output channel ic·multiplier + j reads input channel ic.
     */
    static FloatTensor depthwiseConv2d(FloatTensor input, float[] filter, int kh, int kw, int outChannels,
                                       float[] bias, OperatorOptions.DepthwiseConv2D o) {
        int n = input.dim(0), h = input.dim(1), w = input.dim(2), cin = input.dim(3);
        if (outChannels % cin != 0 || filter.length != kh * kw * outChannels) {
            throw new IllegalArgumentException("depthwise filter " + kh + "x" + kw + "x" + outChannels
                    + " does not fit " + cin + " input channels");
        }
        int multiplier = outChannels / cin;
        Window wy = window(o.padding(), h, kh, o.strideH(), o.dilationH());
        Window wx = window(o.padding(), w, kw, o.strideW(), o.dilationW());
        int oh = wy.outSize(), ow = wx.outSize();
        float[] x = input.values;
        float[] y = new float[n * oh * ow * outChannels];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int yBase = ((b * oh + oy) * ow + ox) * outChannels;
                    if (bias != null) {
                        System.arraycopy(bias, 0, y, yBase, outChannels);
                    }
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * o.strideH() - wy.padBefore() + ky * o.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * o.strideW() - wx.padBefore() + kx * o.dilationW();
                            if (ix < 0 || ix >= w) {
                                continue;
                            }
                            int xBase = ((b * h + iy) * w + ix) * cin;
                            int fBase = (ky * kw + kx) * outChannels;
                            if (multiplier == 1) {
                                for (int c = 0; c < cin; c++) {
                                    y[yBase + c] += x[xBase + c] * filter[fBase + c];
                                }
                            } else {
                                for (int ic = 0; ic < cin; ic++) {
                                    float v = x[xBase + ic];
                                    for (int j = 0; j < multiplier; j++) {
                                        int oc = ic * multiplier + j;
                                        y[yBase + oc] += v * filter[fBase + oc];
                                    }
                                }
                            }
                        }
                    }
                    activate(y, yBase, outChannels, o.activation());
                }
            }
        }
        return new FloatTensor(new int[]{n, oh, ow, outChannels}, y);
    }

    /** AVERAGE_POOL_2D: the mean over the window's pixels inside the image (padding is not counted). */
    static FloatTensor averagePool2d(FloatTensor input, OperatorOptions.Pool2D o) {
        int n = input.dim(0), h = input.dim(1), w = input.dim(2), c = input.dim(3);
        Window wy = window(o.padding(), h, o.filterHeight(), o.strideH(), 1);
        Window wx = window(o.padding(), w, o.filterWidth(), o.strideW(), 1);
        int oh = wy.outSize(), ow = wx.outSize();
        float[] x = input.values;
        float[] y = new float[n * oh * ow * c];
        double[] sum = new double[c];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * o.strideH() - wy.padBefore();
                int yStart = Math.max(y0, 0), yEnd = Math.min(y0 + o.filterHeight(), h);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * o.strideW() - wx.padBefore();
                    int xStart = Math.max(x0, 0), xEnd = Math.min(x0 + o.filterWidth(), w);
                    Arrays.fill(sum, 0);
                    for (int iy = yStart; iy < yEnd; iy++) {
                        for (int ix = xStart; ix < xEnd; ix++) {
                            int xBase = ((b * h + iy) * w + ix) * c;
                            for (int ch = 0; ch < c; ch++) {
                                sum[ch] += x[xBase + ch];
                            }
                        }
                    }
                    int count = Math.max((yEnd - yStart) * (xEnd - xStart), 1);
                    int yBase = ((b * oh + oy) * ow + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        y[yBase + ch] = o.activation().apply((float) (sum[ch] / count));
                    }
                }
            }
        }
        return new FloatTensor(new int[]{n, oh, ow, c}, y);
    }

    /** ADD with numpy-style broadcasting (shapes aligned at the last axis), then the activation. */
    static FloatTensor add(FloatTensor a, FloatTensor b, FusedActivation activation) {
        int[] shape = broadcastShape(a.shape(), b.shape());
        int size = Math.toIntExact(FloatTensor.count(shape));
        float[] y = new float[size];
        if (a.size() == size && b.size() == size) {
            for (int i = 0; i < size; i++) {
                y[i] = activation.apply(a.values[i] + b.values[i]);
            }
        } else {
            int[] ia = broadcastIndex(a.shape(), shape);
            int[] ib = broadcastIndex(b.shape(), shape);
            for (int i = 0; i < size; i++) {
                y[i] = activation.apply(a.values[ia[i]] + b.values[ib[i]]);
            }
        }
        return new FloatTensor(shape, y);
    }

    static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int da = d - (rank - a.length) >= 0 ? a[d - (rank - a.length)] : 1;
            int db = d - (rank - b.length) >= 0 ? b[d - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(a)
                        + " with " + Arrays.toString(b));
            }
            out[d] = Math.max(da, db);
        }
        return out;
    }

    /** For each flat index of {@code outShape}, the flat index into a tensor of {@code shape} broadcast to it. */
    private static int[] broadcastIndex(int[] shape, int[] outShape) {
        int rank = outShape.length;
        int[] strides = new int[rank]; // stride of each output axis in the source; 0 where broadcast
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            int sd = d - (rank - shape.length);
            int dim = sd >= 0 ? shape[sd] : 1;
            strides[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        int size = Math.toIntExact(FloatTensor.count(outShape));
        int[] index = new int[size];
        int[] coord = new int[rank];
        int src = 0;
        for (int i = 0; i < size; i++) {
            index[i] = src;
            for (int d = rank - 1; d >= 0; d--) { // odometer step
                coord[d]++;
                src += strides[d];
                if (coord[d] < outShape[d]) {
                    break;
                }
                src -= strides[d] * coord[d];
                coord[d] = 0;
            }
        }
        return index;
    }

    /** SOFTMAX over the last axis: exp(beta·(x − max)) / sum. */
    static FloatTensor softmax(FloatTensor input, float beta) {
        int depth = input.dim(input.rank() - 1);
        int rows = input.size() / Math.max(depth, 1);
        float[] x = input.values;
        float[] y = new float[x.length];
        for (int r = 0; r < rows; r++) {
            int base = r * depth;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < depth; i++) {
                max = Math.max(max, x[base + i]);
            }
            double sum = 0;
            for (int i = 0; i < depth; i++) {
                double e = Math.exp(beta * ((double) x[base + i] - max));
                y[base + i] = (float) e;
                sum += e;
            }
            for (int i = 0; i < depth; i++) {
                y[base + i] = (float) (y[base + i] / sum);
            }
        }
        return new FloatTensor(input.shape(), y);
    }

    /** CONCATENATION of tensors that agree on every axis but {@code axis} (negative counts from the end). */
    static FloatTensor concatenate(List<FloatTensor> inputs, int axis, FusedActivation activation) {
        int[] shape = inputs.get(0).shape();
        int rank = shape.length;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("concatenation axis " + axis + " for rank " + rank);
        }
        int outer = 1;
        for (int d = 0; d < a; d++) {
            outer *= shape[d];
        }
        int total = 0;
        for (FloatTensor t : inputs) {
            for (int d = 0; d < rank; d++) {
                if (d != a && t.dim(d) != shape[d]) {
                    throw new IllegalArgumentException("cannot concatenate " + t + " with "
                            + Arrays.toString(shape) + " on axis " + a);
                }
            }
            total += t.dim(a);
        }
        int[] outShape = shape.clone();
        outShape[a] = total;
        float[] y = new float[Math.toIntExact(FloatTensor.count(outShape))];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (FloatTensor t : inputs) {
                int chunk = t.size() / outer; // elements of this input per outer index
                System.arraycopy(t.values, o * chunk, y, pos, chunk);
                pos += chunk;
            }
        }
        activate(y, 0, y.length, activation);
        return new FloatTensor(outShape, y);
    }

    /**
     * RESIZE_BILINEAR of an NHWC tensor, TFLite's float reference: scale = in/out, or (in−1)/(out−1)
     * with align_corners; source coordinate y·scale, or (y+0.5)·scale−0.5 with half_pixel_centers;
     * neighbours clamped to the image.
     */
    static FloatTensor resizeBilinear(FloatTensor input, int outH, int outW, boolean alignCorners,
                                      boolean halfPixelCenters) {
        int n = input.dim(0), h = input.dim(1), w = input.dim(2), c = input.dim(3);
        float scaleY = alignCorners && outH > 1 ? (h - 1) / (float) (outH - 1) : h / (float) outH;
        float scaleX = alignCorners && outW > 1 ? (w - 1) / (float) (outW - 1) : w / (float) outW;
        float[] x = input.values;
        float[] y = new float[n * outH * outW * c];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < outH; oy++) {
                float sy = halfPixelCenters ? (oy + 0.5f) * scaleY - 0.5f : oy * scaleY;
                int y0 = Math.max((int) Math.floor(sy), 0);
                int y1 = Math.min((int) Math.ceil(sy), h - 1);
                float dy = sy - y0;
                for (int ox = 0; ox < outW; ox++) {
                    float sx = halfPixelCenters ? (ox + 0.5f) * scaleX - 0.5f : ox * scaleX;
                    int x0 = Math.max((int) Math.floor(sx), 0);
                    int x1 = Math.min((int) Math.ceil(sx), w - 1);
                    float dx = sx - x0;
                    int p00 = ((b * h + y0) * w + x0) * c, p01 = ((b * h + y0) * w + x1) * c;
                    int p10 = ((b * h + y1) * w + x0) * c, p11 = ((b * h + y1) * w + x1) * c;
                    int out = ((b * outH + oy) * outW + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        y[out + ch] = x[p00 + ch] * (1 - dy) * (1 - dx) + x[p10 + ch] * dy * (1 - dx)
                                + x[p01 + ch] * (1 - dy) * dx + x[p11 + ch] * dy * dx;
                    }
                }
            }
        }
        return new FloatTensor(new int[]{n, outH, outW, c}, y);
    }

    /** ARG_MAX along {@code axis}: the index (as a float) of the first largest value; the axis is removed. */
    static FloatTensor argMax(FloatTensor input, int axis) {
        int rank = input.rank();
        int a = axis < 0 ? axis + rank : axis;
        int outer = 1, inner = 1, len = input.dim(a);
        for (int d = 0; d < a; d++) {
            outer *= input.dim(d);
        }
        for (int d = a + 1; d < rank; d++) {
            inner *= input.dim(d);
        }
        float[] x = input.values;
        float[] y = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                int best = 0;
                float bestValue = x[base];
                for (int k = 1; k < len; k++) {
                    float v = x[base + k * inner];
                    if (v > bestValue) {
                        bestValue = v;
                        best = k;
                    }
                }
                y[o * inner + i] = best;
            }
        }
        int[] shape = new int[rank - 1];
        for (int d = 0, j = 0; d < rank; d++) {
            if (d != a) {
                shape[j++] = input.dim(d);
            }
        }
        return new FloatTensor(shape, y);
    }

    private static void activate(float[] y, int from, int length, FusedActivation activation) {
        switch (activation) {
            case NONE -> {
            }
            case RELU6 -> {
                for (int i = from; i < from + length; i++) {
                    y[i] = Math.min(Math.max(y[i], 0f), 6f);
                }
            }
            default -> {
                for (int i = from; i < from + length; i++) {
                    y[i] = activation.apply(y[i]);
                }
            }
        }
    }
}
