package dev.pixelwise.classify;

import dev.pixelwise.zoo.ModelThread;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

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
     */
    record Head(String featureMaps, boolean channelsLast, int channels, float[][] weights, float[] bias) {
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
                    // avgpool2d's integer arguments: [kH, kW, sH, sW, pH, pW, dH, dW, same, divisor, NHWC?]
                    long[] a = ((DynamicCustomOp) op.getOp()).iArgs();
                    channelsLast = a.length > 10 && a[10] == 1;
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
            return new Head(maps, channelsLast, channels, weights, bias);
        });
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
