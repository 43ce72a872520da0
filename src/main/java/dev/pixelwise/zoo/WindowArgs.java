package dev.pixelwise.zoo;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.AvgPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.MaxPooling2D;

/**
 * The window of a 2-D convolution or pool as ND4J runs it, read from the op's integer arguments:
 * [kH, kW, sH, sW, pH, pW, dH, dW, padding mode (0 VALID, 1 SAME), …], alike for conv2d,
 * depthwise_conv2d and the 2-D pools. After those, conv2d and depthwise_conv2d give NHWC? then (conv2d
 * only) the weights format; the pools give their divisor or exponent, then NHWC?. Read from the
 * arguments rather than the config object: a graph read back from its cache file has the arguments, and
 * not always a config that matches them.
 *
 * @param mode         padding mode: 0 VALID, 1 SAME (other values: not understood)
 * @param channelsLast NHWC activations
 * @param weightsFormat conv2d's weights format (1 = OIYX), -1 for other ops or when not given
 */
public record WindowArgs(long kh, long kw, long sh, long sw, long ph, long pw, long dh, long dw, long mode,
                         boolean channelsLast, long weightsFormat) {

    /** The window of {@code op}, or null when it is no op with these arguments. */
    public static WindowArgs of(DifferentialFunction op) {
        if (!(op instanceof DynamicCustomOp custom)) {
            return null;
        }
        long[] a = custom.iArgs();
        if (a == null || a.length < 9) {
            return null;
        }
        boolean pool = op instanceof AvgPooling2D || op instanceof MaxPooling2D;
        int layoutAt = pool ? 10 : 9;
        boolean channelsLast = a.length > layoutAt && a[layoutAt] == 1;
        long weightsFormat = !pool && a.length > 10 ? a[10] : -1;
        return new WindowArgs(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], channelsLast, weightsFormat);
    }

    public boolean same() {
        return mode == 1;
    }

    /** Along rows ({@code rows}) or columns: kernel size, stride, padding, dilation (at least 1). */
    public long kernel(boolean rows) {
        return rows ? kh : kw;
    }

    public long stride(boolean rows) {
        return rows ? sh : sw;
    }

    public long padding(boolean rows) {
        return rows ? ph : pw;
    }

    public long dilation(boolean rows) {
        return Math.max(1, rows ? dh : dw);
    }
}
