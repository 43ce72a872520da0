package dev.pixelwise.zoo.tflite;

/**
 * Accessors for the builtin option tables of schema.fbs that this reader parses. Field ids are the
 * declaration positions in the schema (deprecated fields keep their ids); defaults are the schema's.
 */
final class FbOptions {

    private FbOptions() {
    }

    /** table Conv2DOptions { padding; stride_w; stride_h; fused_activation_function; dilation_w_factor = 1; dilation_h_factor = 1; quantized_bias_type } */
    static final class Conv2D extends FbTable {
        int padding() { return byteField(0, (byte) 0); }
        int strideW() { return intField(1, 0); }
        int strideH() { return intField(2, 0); }
        int fusedActivation() { return byteField(3, (byte) 0); }
        int dilationW() { return intField(4, 1); }
        int dilationH() { return intField(5, 1); }
    }

    /** table DepthwiseConv2DOptions { padding; stride_w; stride_h; depth_multiplier; fused_activation_function; dilation_w_factor = 1; dilation_h_factor = 1 } */
    static final class DepthwiseConv2D extends FbTable {
        int padding() { return byteField(0, (byte) 0); }
        int strideW() { return intField(1, 0); }
        int strideH() { return intField(2, 0); }
        int depthMultiplier() { return intField(3, 0); }
        int fusedActivation() { return byteField(4, (byte) 0); }
        int dilationW() { return intField(5, 1); }
        int dilationH() { return intField(6, 1); }
    }

    /** table Pool2DOptions { padding; stride_w; stride_h; filter_width; filter_height; fused_activation_function } */
    static final class Pool2D extends FbTable {
        int padding() { return byteField(0, (byte) 0); }
        int strideW() { return intField(1, 0); }
        int strideH() { return intField(2, 0); }
        int filterWidth() { return intField(3, 0); }
        int filterHeight() { return intField(4, 0); }
        int fusedActivation() { return byteField(5, (byte) 0); }
    }

    /** table FullyConnectedOptions { fused_activation_function; weights_format = DEFAULT; keep_num_dims; asymmetric_quantize_inputs; quantized_bias_type } */
    static final class FullyConnected extends FbTable {
        int fusedActivation() { return byteField(0, (byte) 0); }
        int weightsFormat() { return byteField(1, (byte) 0); }
        boolean keepNumDims() { return boolField(2); }
    }

    /** table SoftmaxOptions { beta: float } */
    static final class Softmax extends FbTable {
        float beta() { return floatField(0, 0f); }
    }

    /** table ConcatenationOptions { axis; fused_activation_function } */
    static final class Concatenation extends FbTable {
        int axis() { return intField(0, 0); }
        int fusedActivation() { return byteField(1, (byte) 0); }
    }

    /** AddOptions, MulOptions and SubOptions all start with { fused_activation_function; ... }. */
    static final class ActivationOnly extends FbTable {
        int fusedActivation() { return byteField(0, (byte) 0); }
    }

    /** table ReshapeOptions { new_shape:[int] } */
    static final class Reshape extends FbTable {
        boolean hasNewShape() { return has(0); }
        int[] newShape() { return intVector(0); }
    }

    /** table ResizeBilinearOptions { new_height (deprecated); new_width (deprecated); align_corners; half_pixel_centers } */
    static final class ResizeBilinear extends FbTable {
        boolean alignCorners() { return boolField(2); }
        boolean halfPixelCenters() { return boolField(3); }
    }

    /** table ResizeNearestNeighborOptions { align_corners; half_pixel_centers } */
    static final class ResizeNearestNeighbor extends FbTable {
        boolean alignCorners() { return boolField(0); }
        boolean halfPixelCenters() { return boolField(1); }
    }

    /** table ArgMaxOptions { output_type: TensorType } */
    static final class ArgMax extends FbTable {
        int outputType() { return byteField(0, (byte) 0); }
    }

    /** table SqueezeOptions { squeeze_dims:[int] } */
    static final class Squeeze extends FbTable {
        int[] squeezeDims() { return intVector(0); }
    }

    /** table ReducerOptions { keep_dims: bool } (MEAN, SUM, REDUCE_MAX, ...) */
    static final class Reducer extends FbTable {
        boolean keepDims() { return boolField(0); }
    }
}
