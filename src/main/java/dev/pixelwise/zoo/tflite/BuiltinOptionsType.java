package dev.pixelwise.zoo.tflite;

/**
 * Type tags of the union {@code BuiltinOptions} in schema.fbs: 0 is NONE, then the union's members
 * numbered from 1 in declaration order (checked against the generated schema_generated.h).
 */
final class BuiltinOptionsType {

    static final int CONV_2D = 1;
    static final int DEPTHWISE_CONV_2D = 2;
    static final int POOL_2D = 5;
    static final int FULLY_CONNECTED = 8;
    static final int SOFTMAX = 9;
    static final int CONCATENATION = 10;
    static final int ADD = 11;
    static final int RESIZE_BILINEAR = 15;
    static final int RESHAPE = 17;
    static final int MUL = 21;
    static final int PAD = 22;
    static final int REDUCER = 27;
    static final int SUB = 28;
    static final int SQUEEZE = 30;
    static final int DEQUANTIZE = 38;
    static final int ARG_MAX = 40;
    static final int RESIZE_NEAREST_NEIGHBOR = 74;
    static final int QUANTIZE = 89;

    private static final String[] NAMES = {
        "NONE", "Conv2DOptions", "DepthwiseConv2DOptions", "ConcatEmbeddingsOptions", "LSHProjectionOptions",
        "Pool2DOptions", "SVDFOptions", "RNNOptions", "FullyConnectedOptions", "SoftmaxOptions",
        "ConcatenationOptions", "AddOptions", "L2NormOptions", "LocalResponseNormalizationOptions",
        "LSTMOptions", "ResizeBilinearOptions", "CallOptions", "ReshapeOptions", "SkipGramOptions",
        "SpaceToDepthOptions", "EmbeddingLookupSparseOptions", "MulOptions", "PadOptions", "GatherOptions",
        "BatchToSpaceNDOptions", "SpaceToBatchNDOptions", "TransposeOptions", "ReducerOptions", "SubOptions",
        "DivOptions", "SqueezeOptions", "SequenceRNNOptions", "StridedSliceOptions", "ExpOptions",
        "TopKV2Options", "SplitOptions", "LogSoftmaxOptions", "CastOptions", "DequantizeOptions",
        "MaximumMinimumOptions", "ArgMaxOptions", "LessOptions", "NegOptions", "PadV2Options",
        "GreaterOptions", "GreaterEqualOptions", "LessEqualOptions", "SelectOptions", "SliceOptions",
        "TransposeConvOptions", "SparseToDenseOptions", "TileOptions", "ExpandDimsOptions", "EqualOptions",
        "NotEqualOptions", "ShapeOptions", "PowOptions", "ArgMinOptions", "FakeQuantOptions", "PackOptions",
        "LogicalOrOptions", "OneHotOptions", "LogicalAndOptions", "LogicalNotOptions", "UnpackOptions",
        "FloorDivOptions", "SquareOptions", "ZerosLikeOptions", "FillOptions",
        "BidirectionalSequenceLSTMOptions", "BidirectionalSequenceRNNOptions",
        "UnidirectionalSequenceLSTMOptions", "FloorModOptions", "RangeOptions",
        "ResizeNearestNeighborOptions", "LeakyReluOptions", "SquaredDifferenceOptions", "MirrorPadOptions",
        "AbsOptions", "SplitVOptions", "UniqueOptions", "ReverseV2Options", "AddNOptions", "GatherNdOptions",
        "CosOptions", "WhereOptions", "RankOptions", "ReverseSequenceOptions", "MatrixDiagOptions",
        "QuantizeOptions", "MatrixSetDiagOptions", "HardSwishOptions", "IfOptions", "WhileOptions",
        "DepthToSpaceOptions", "NonMaxSuppressionV4Options", "NonMaxSuppressionV5Options", "ScatterNdOptions",
        "SelectV2Options", "DensifyOptions", "SegmentSumOptions", "BatchMatMulOptions", "CumsumOptions",
        "CallOnceOptions", "BroadcastToOptions", "Rfft2dOptions", "Conv3DOptions", "HashtableOptions",
        "HashtableFindOptions", "HashtableImportOptions", "HashtableSizeOptions", "VarHandleOptions",
        "ReadVariableOptions", "AssignVariableOptions", "RandomOptions", "BucketizeOptions", "GeluOptions",
        "DynamicUpdateSliceOptions", "UnsortedSegmentProdOptions", "UnsortedSegmentMaxOptions",
        "UnsortedSegmentMinOptions", "UnsortedSegmentSumOptions", "ATan2Options", "SignOptions",
        "BitcastOptions", "BitwiseXorOptions", "RightShiftOptions"
    };

    private BuiltinOptionsType() {
    }

    /** The options table name for a union type tag, e.g. 15 → "ResizeBilinearOptions". */
    static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "BuiltinOptions#" + type;
    }
}
