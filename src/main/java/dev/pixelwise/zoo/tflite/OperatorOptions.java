package dev.pixelwise.zoo.tflite;

import java.util.List;

/**
 * The parsed {@code builtin_options} of an operator. Option tables this reader does not know come back
 * as {@link Unparsed} (the graph can still be listed; an importer will refuse the operator by name).
 * Vector fields are immutable lists, so that the records compare and print by value.
 */
public sealed interface OperatorOptions {

    /** The operator carries no options table (e.g. QUANTIZE in older files). */
    None NONE = new None();

    record None() implements OperatorOptions {
    }

    /** An options table with no fields worth reading (QuantizeOptions, DequantizeOptions, PadOptions). */
    record Empty(String tableName) implements OperatorOptions {
    }

    /** An options table this reader does not parse; {@code unionType} is the BuiltinOptions tag. */
    record Unparsed(int unionType, String tableName) implements OperatorOptions {
    }

    /** What the two convolutions' options have in common. Strides and dilations in input pixels. */
    sealed interface Convolution extends OperatorOptions {
        Padding padding();

        int strideW();

        int strideH();

        FusedActivation activation();

        int dilationW();

        int dilationH();
    }

    /** CONV_2D. */
    record Conv2D(Padding padding, int strideW, int strideH, FusedActivation activation,
                  int dilationW, int dilationH) implements Convolution {
    }

    /** DEPTHWISE_CONV_2D. {@code depthMultiplier}: output channels per input channel (redundant with the filter shape). */
    record DepthwiseConv2D(Padding padding, int strideW, int strideH, int depthMultiplier,
                           FusedActivation activation, int dilationW, int dilationH) implements Convolution {
    }

    /** AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D. Filter size and strides in pixels. */
    record Pool2D(Padding padding, int strideW, int strideH, int filterWidth, int filterHeight,
                  FusedActivation activation) implements OperatorOptions {
    }

    /** FULLY_CONNECTED; {@code shuffledWeights} is the SHUFFLED4x16INT8 weights format. */
    record FullyConnected(FusedActivation activation, boolean shuffledWeights, boolean keepNumDims)
            implements OperatorOptions {
    }

    /** SOFTMAX: exp(beta · x) normalised over the last axis. */
    record Softmax(float beta) implements OperatorOptions {
    }

    /** CONCATENATION along {@code axis} (may be negative, counted from the end). */
    record Concatenation(int axis, FusedActivation activation) implements OperatorOptions {
    }

    /** ADD, MUL or SUB: elementwise with broadcasting, then the activation. */
    record Elementwise(FusedActivation activation) implements OperatorOptions {
    }

    /** RESHAPE; {@code newShape} may be empty when the target shape comes from the second input. */
    record Reshape(List<Integer> newShape) implements OperatorOptions {
        public Reshape {
            newShape = List.copyOf(newShape);
        }
    }

    /** RESIZE_BILINEAR (target size is the second input, an int32 [height, width] tensor). */
    record ResizeBilinear(boolean alignCorners, boolean halfPixelCenters) implements OperatorOptions {
    }

    /** RESIZE_NEAREST_NEIGHBOR. */
    record ResizeNearestNeighbor(boolean alignCorners, boolean halfPixelCenters) implements OperatorOptions {
    }

    /** ARG_MAX (the axis is the second input); {@code outputType} INT32 or INT64. */
    record ArgMax(TensorType outputType) implements OperatorOptions {
    }

    /** SQUEEZE; empty {@code squeezeDims} means all size-1 axes. */
    record Squeeze(List<Integer> squeezeDims) implements OperatorOptions {
        public Squeeze {
            squeezeDims = List.copyOf(squeezeDims);
        }
    }

    /** MEAN, SUM, REDUCE_MAX, ... (the axes are the second input). */
    record Reducer(boolean keepDims) implements OperatorOptions {
    }
}
