package dev.pixelwise.classify;

import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.WindowArgs;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.AvgPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.MaxPooling2D;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Class activation maps (Zhou et al., "Learning Deep Features for Discriminative Localization", CVPR 2016).
 * MobileNet's classifier is linear over the global average of its last feature maps F (C × h × w):
 * logit_k = w_k · mean_p F[:, p] + b_k. So w_k · F[:, p] is what position p adds to class k, and the
 * map of those sums (rectified) shows where the class was seen. It needs only F, which the classifying
 * forward pass computes anyway, and w_k: no extra pass, unlike occlusion.
 */
final class ClassActivation {

    /** Per-label maps for at most this many of the first predictions (topK may be 1001). */
    static final int LABELS = 5;

    private ClassActivation() {
    }

    /**
     * Where a graph's maps come from.
     *
     * @param featureMaps  the graph variable the global pool reads, [N, C, h, w], or [N, h, w, C] when
     *                     {@code channelsLast} (the TFLite importer's graphs work in NHWC)
     * @param weights      the classifier's weights, [classes][C] (its 1×1 convolution)
     * @param bias         the classifier's bias per class, zeros when it has none (the maps do not use it)
     * @param alignment    where the maps' cells sit on the input
     */
    record Head(String featureMaps, boolean channelsLast, int channels, float[][] weights, float[] bias,
                CellAlignment alignment) {
    }

    /**
     * Where a feature map's cells sit on the input, in cells: cell (r, c) is centred on the input at
     * ((c + 0.5 + colShift) / cols, (r + 0.5 + rowShift) / rows) of its width and height, and the shift
     * is 0 when the cells tile the input evenly. TFLite's SAME padding puts the smaller half of the
     * padding before, so each strided layer moves its outputs' centres half an input step towards the
     * bottom right; MobileNet's five stride-2 layers add up to 15.5 of the input's 224 pixels, 0.48 of a
     * 32-pixel cell. A heat-map drawn without the shift points half a cell up and left of what was seen.
     */
    record CellAlignment(double rowShift, double colShift) {
        static final CellAlignment EVEN = new CellAlignment(0, 0);
    }

    /**
     * The feature maps and classifier of a graph with one global average pool ({@code pooled}, its output)
     * read by a 1×1 convolution: MobileNet V1 and V2 as imported from TFLite (AVERAGE_POOL_2D → CONV_2D →
     * RESHAPE → SOFTMAX). Null when the graph is not shaped like that.
     */
    static Head find(SameDiff sd, String pooled) {
        if (pooled == null) {
            return null;
        }
        return ModelThread.call(() -> {
            String maps = null;
            boolean channelsLast = false;
            SameDiffOp classifier = null;
            for (SameDiffOp op : sd.getOps().values()) {
                List<String> in = op.getInputsToOp();
                if (in == null || in.isEmpty()) {
                    continue;
                }
                if ("avgpool2d".equals(op.getOp().opName()) && op.getOutputsOfOp().contains(pooled)) {
                    maps = in.get(0);
                    WindowArgs window = WindowArgs.of(op.getOp());
                    channelsLast = window != null && window.channelsLast();
                } else if ("conv2d".equals(op.getOp().opName()) && in.get(0).equals(pooled)) {
                    if (classifier != null) {
                        return null; // two readers of the pool: not a plain classifier
                    }
                    classifier = op;
                }
            }
            if (maps == null || classifier == null || classifier.getInputsToOp().size() < 2) {
                return null;
            }
            INDArray w = sd.getVariable(classifier.getInputsToOp().get(1)).getArr(); // OIYX [classes, C, 1, 1]
            long[] s = w.shape();
            if (s.length != 4 || s[2] != 1 || s[3] != 1) {
                return null;
            }
            int classes = (int) s[0];
            int channels = (int) s[1];
            float[] flat = w.dup('c').data().asFloat();
            float[][] weights = new float[classes][channels];
            for (int k = 0; k < classes; k++) {
                System.arraycopy(flat, k * channels, weights[k], 0, channels);
            }
            float[] bias = new float[classes];
            if (classifier.getInputsToOp().size() > 2) {
                float[] b = sd.getVariable(classifier.getInputsToOp().get(2)).getArr().dup('c').data().asFloat();
                if (b.length == classes) {
                    bias = b;
                }
            }
            return new Head(maps, channelsLast, channels, weights, bias, alignment(sd, maps));
        });
    }

    /**
     * The alignment of {@code maps}' cells, from the convolutions and pools between the graph's
     * placeholder and them: each layer of kernel extent K, stride s and padding p before maps its
     * output's centres x (continuous, in its output's steps) to s·x + (K − s)/2 − p on its input.
     * Elementwise ops (activations, residual adds) keep the geometry; the walk follows the first
     * input that is not a constant. {@link CellAlignment#EVEN} when the path holds anything else.
     */
    static CellAlignment alignment(SameDiff sd, String maps) {
        List<DifferentialFunction> layers = new ArrayList<>();
        SDVariable v = sd.getVariable(maps);
        while (v.getVariableType() != VariableType.PLACEHOLDER) {
            DifferentialFunction op = sd.getVariableOutputOp(v.name());
            if (op == null || "pad".equals(op.opName())) {
                return CellAlignment.EVEN; // an explicit pad moves the cells in ways not read here
            }
            if (op instanceof Conv2D || op instanceof DepthwiseConv2D || op instanceof AvgPooling2D || op instanceof MaxPooling2D) {
                layers.add(op);
            }
            SDVariable next = null;
            for (SDVariable arg : op.args()) {
                if (arg.getVariableType() == VariableType.ARRAY || arg.getVariableType() == VariableType.PLACEHOLDER) {
                    next = arg;
                    break;
                }
            }
            if (next == null) {
                return CellAlignment.EVEN;
            }
            v = next;
        }
        long[] shape = v.getShape(); // NCHW
        if (shape == null || shape.length != 4 || shape[2] <= 0 || shape[3] <= 0) {
            return CellAlignment.EVEN;
        }
        Collections.reverse(layers);
        double[] row = along(layers, shape[2], true);
        double[] col = along(layers, shape[3], false);
        return row == null || col == null ? CellAlignment.EVEN
                : new CellAlignment(row[1] / row[0], col[1] / col[0]);
    }

    /** {stride, offset} of the composed layers on one axis, input pixels; null for a layer not understood. */
    private static double[] along(List<DifferentialFunction> layers, long size, boolean rows) {
        double stride = 1;
        double offset = 0;
        long in = size;
        for (DifferentialFunction op : layers) {
            WindowArgs w = WindowArgs.of(op);
            if (w == null) {
                return null;
            }
            long k = w.kernel(rows);
            long s = w.stride(rows);
            long p = w.padding(rows);
            long d = w.dilation(rows);
            boolean same = w.same();
            if (k <= 0 || s <= 0) {
                return null;
            }
            long extent = (k - 1) * d + 1;
            long out;
            if (same) {
                out = (in + s - 1) / s;
                p = Math.max((out - 1) * s + extent - in, 0) / 2;
            } else {
                out = (in + 2 * p - extent) / s + 1;
            }
            offset += stride * ((extent - s) / 2.0 - p);
            stride *= s;
            in = out;
        }
        return new double[] {stride, offset};
    }

    /**
     * The unrectified map: w · F[:, p] for each position p of planar [C, h, w] feature maps (row-major,
     * h·w values). Its mean plus the class's bias is the class's logit.
     */
    static float[] scores(float[] features, int channels, float[] weights) {
        if (weights.length != channels || features.length % channels != 0) {
            throw new IllegalArgumentException(weights.length + " weights for " + channels + " channels of "
                    + features.length + " values");
        }
        int positions = features.length / channels;
        double[] sum = new double[positions];
        for (int c = 0; c < channels; c++) {
            double wc = weights[c];
            int base = c * positions;
            for (int p = 0; p < positions; p++) {
                sum[p] += wc * features[base + p];
            }
        }
        float[] out = new float[positions];
        for (int p = 0; p < positions; p++) {
            out[p] = (float) sum[p];
        }
        return out;
    }

    /**
     * The class activation map: {@link #scores} rectified (only what speaks for the class) and scaled so
     * its peak is 1; all zeros when nothing speaks for it.
     */
    static float[] map(float[] features, int channels, float[] weights) {
        float[] s = scores(features, channels, weights);
        float max = 0;
        for (int p = 0; p < s.length; p++) {
            s[p] = Math.max(0, s[p]);
            max = Math.max(max, s[p]);
        }
        if (max > 0) {
            for (int p = 0; p < s.length; p++) {
                s[p] /= max;
            }
        }
        return s;
    }
}
