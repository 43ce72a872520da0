package dev.pixelwise.zoo.tflite;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the FlatBuffer accessors into the immutable {@link TfliteModel} view, eagerly: every field we
 * expose is read here, so a truncated or corrupt file fails in {@link #parse} and never later.
 */
final class ModelParser {

    private final byte[] file;
    private final String source;
    private final ByteBuffer bb;
    /** What is being read, for error messages ("tensor #57 of 174"). */
    private String where = "the root table (Model) and its subgraph list";

    private ModelParser(byte[] file, String source) {
        this.file = file;
        this.source = source;
        this.bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    static TfliteModel parse(byte[] file, String source) {
        checkIdentifier(file, source);
        ModelParser parser = new ModelParser(file, source);
        try {
            return parser.parseModel();
        } catch (TfliteFormatException e) {
            throw new TfliteFormatException(source + " is truncated or corrupt (" + file.length + " bytes): "
                    + e.getMessage() + " (while reading " + parser.where + ")", e);
        } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException
                 | NegativeArraySizeException | ArithmeticException | IllegalStateException e) {
            throw new TfliteFormatException(source + " is truncated or corrupt (" + file.length
                    + " bytes): a FlatBuffer offset or length points outside the file while reading "
                    + parser.where + " (" + e + ")", e);
        }
    }

    private static void checkIdentifier(byte[] file, String source) {
        if (file.length < 8) {
            throw new TfliteFormatException(source + " is not a TFLite model: only " + file.length
                    + " bytes (a TFLite FlatBuffer has a root offset and the identifier \"TFL3\" in its first 8 bytes)");
        }
        String id = new String(file, 4, 4, StandardCharsets.ISO_8859_1);
        if (!FbModel.FILE_IDENTIFIER.equals(id)) {
            StringBuilder shown = new StringBuilder();
            for (int i = 4; i < 8; i++) {
                int b = file[i] & 0xFF;
                shown.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b));
            }
            throw new TfliteFormatException(source + " is not a TFLite model: bytes 4..8 are \"" + shown
                    + "\", expected the FlatBuffer identifier \"TFL3\"");
        }
    }

    private TfliteModel parseModel() {
        FbModel model = FbModel.root(bb);
        if (model.subgraphsLength() < 1) {
            throw new TfliteFormatException("the model has no subgraph");
        }
        where = "subgraph 0";
        FbSubGraph graph = model.subgraph(0);

        List<TfliteTensor> tensors = new ArrayList<>();
        int tensorCount = graph.tensorsLength();
        for (int i = 0; i < tensorCount; i++) {
            where = "tensor #" + i + " of " + tensorCount;
            tensors.add(parseTensor(model, graph.tensor(i), i));
        }

        List<TfliteOperator> operators = new ArrayList<>();
        int operatorCount = graph.operatorsLength();
        for (int i = 0; i < operatorCount; i++) {
            where = "operator #" + i + " of " + operatorCount;
            operators.add(parseOperator(model, graph.operator(i), i, tensorCount));
        }

        where = "the subgraph's inputs and outputs";
        int[] inputs = checkTensorIndices(graph.inputs(), tensorCount, false, "subgraph inputs");
        int[] outputs = checkTensorIndices(graph.outputs(), tensorCount, false, "subgraph outputs");
        where = "the model description";
        return new TfliteModel(source, model.version(), model.description(), model.subgraphsLength(),
                graph.name(), tensors, operators, inputs, outputs);
    }

    private TfliteTensor parseTensor(FbModel model, FbTensor t, int index) {
        if (t.isSparse()) {
            throw new TfliteFormatException("tensor #" + index + " is sparse, which this reader does not support");
        }
        TensorType type = TensorType.ofCode(t.type());
        int[] shape = t.shape();
        for (int d : shape) {
            if (d < 0) {
                throw new TfliteFormatException("tensor #" + index + " has a negative dimension");
            }
        }
        long bufferIndex = t.buffer();
        if (bufferIndex >= model.buffersLength()) {
            throw new TfliteFormatException("tensor #" + index + " refers to buffer " + bufferIndex + " of "
                    + model.buffersLength());
        }
        where = "buffer " + bufferIndex + " of tensor #" + index;
        ByteBuffer data = bufferData(model.buffer((int) bufferIndex), (int) bufferIndex);
        if (data.capacity() > 0 && type.byteSize() > 0) {
            long expected = ShapedTensor.count(shape) * type.byteSize();
            if (data.capacity() != expected) {
                throw new TfliteFormatException("tensor #" + index + " " + t.name() + " needs " + expected
                        + " bytes but its buffer has " + data.capacity());
            }
        }
        return new TfliteTensor(index, t.name(), type, shape, parseQuantization(t.quantization(), index),
                (int) bufferIndex, data, t.isVariable());
    }

    private ByteBuffer bufferData(FbBuffer buffer, int index) {
        long offset = buffer.offset();
        if (offset > 1) {
            // Schema 3c: the data sits after the FlatBuffer, at a file offset.
            long size = buffer.size();
            if (size < 0 || offset + size > file.length) {
                throw new TfliteFormatException("buffer " + index + " lies at bytes " + offset + ".."
                        + (offset + size) + ", past the end of the file");
            }
            return ByteBuffer.wrap(file, (int) offset, (int) size).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        return buffer.data();
    }

    private static TfliteQuantization parseQuantization(FbQuantizationParameters q, int tensorIndex) {
        if (q == null) {
            return null;
        }
        if (q.detailsType() != 0) {
            throw new TfliteFormatException("tensor #" + tensorIndex + " uses custom quantisation details");
        }
        float[] scale = q.scale();
        if (scale.length == 0) {
            return null; // converters often write an empty QuantizationParameters table
        }
        return new TfliteQuantization(scale, q.zeroPoint(), q.quantizedDimension(), q.min(), q.max());
    }

    private TfliteOperator parseOperator(FbModel model, FbOperator op, int index, int tensorCount) {
        long opcodeIndex = op.opcodeIndex();
        if (opcodeIndex >= model.operatorCodesLength()) {
            throw new TfliteFormatException("operator #" + index + " uses operator code " + opcodeIndex + " of "
                    + model.operatorCodesLength());
        }
        FbOperatorCode code = model.operatorCode((int) opcodeIndex);
        int[] inputs = checkTensorIndices(op.inputs(), tensorCount, true, "operator #" + index + " inputs");
        int[] outputs = checkTensorIndices(op.outputs(), tensorCount, false, "operator #" + index + " outputs");
        return new TfliteOperator(index, code.effectiveBuiltinCode(), code.customCode(), code.version(),
                inputs, outputs, parseOptions(op));
    }

    private static int[] checkTensorIndices(int[] indices, int tensorCount, boolean optionalAllowed, String what) {
        for (int i : indices) {
            boolean absent = optionalAllowed && i == TfliteOperator.ABSENT;
            if (!absent && (i < 0 || i >= tensorCount)) {
                throw new TfliteFormatException(what + " refer to tensor " + i + " of " + tensorCount);
            }
        }
        return indices;
    }

    private static OperatorOptions parseOptions(FbOperator op) {
        int type = op.builtinOptionsType();
        String name = BuiltinOptionsType.name(type);
        if (type == 0 || !op.hasBuiltinOptions()) {
            return OperatorOptions.NONE;
        }
        switch (type) {
            case BuiltinOptionsType.CONV_2D: {
                FbOptions.Conv2D o = op.builtinOptions(new FbOptions.Conv2D());
                return new OperatorOptions.Conv2D(Padding.ofCode(o.padding()), o.strideW(), o.strideH(),
                        FusedActivation.ofCode(o.fusedActivation()), o.dilationW(), o.dilationH());
            }
            case BuiltinOptionsType.DEPTHWISE_CONV_2D: {
                FbOptions.DepthwiseConv2D o = op.builtinOptions(new FbOptions.DepthwiseConv2D());
                return new OperatorOptions.DepthwiseConv2D(Padding.ofCode(o.padding()), o.strideW(), o.strideH(),
                        o.depthMultiplier(), FusedActivation.ofCode(o.fusedActivation()), o.dilationW(), o.dilationH());
            }
            case BuiltinOptionsType.POOL_2D: {
                FbOptions.Pool2D o = op.builtinOptions(new FbOptions.Pool2D());
                return new OperatorOptions.Pool2D(Padding.ofCode(o.padding()), o.strideW(), o.strideH(),
                        o.filterWidth(), o.filterHeight(), FusedActivation.ofCode(o.fusedActivation()));
            }
            case BuiltinOptionsType.FULLY_CONNECTED: {
                FbOptions.FullyConnected o = op.builtinOptions(new FbOptions.FullyConnected());
                return new OperatorOptions.FullyConnected(FusedActivation.ofCode(o.fusedActivation()),
                        o.weightsFormat() != 0, o.keepNumDims());
            }
            case BuiltinOptionsType.SOFTMAX:
                return new OperatorOptions.Softmax(op.builtinOptions(new FbOptions.Softmax()).beta());
            case BuiltinOptionsType.CONCATENATION: {
                FbOptions.Concatenation o = op.builtinOptions(new FbOptions.Concatenation());
                return new OperatorOptions.Concatenation(o.axis(), FusedActivation.ofCode(o.fusedActivation()));
            }
            case BuiltinOptionsType.ADD:
            case BuiltinOptionsType.MUL:
            case BuiltinOptionsType.SUB:
                return new OperatorOptions.Elementwise(FusedActivation.ofCode(
                        op.builtinOptions(new FbOptions.ActivationOnly()).fusedActivation()));
            case BuiltinOptionsType.RESHAPE:
                return new OperatorOptions.Reshape(boxed(op.builtinOptions(new FbOptions.Reshape()).newShape()));
            case BuiltinOptionsType.RESIZE_BILINEAR: {
                FbOptions.ResizeBilinear o = op.builtinOptions(new FbOptions.ResizeBilinear());
                return new OperatorOptions.ResizeBilinear(o.alignCorners(), o.halfPixelCenters());
            }
            case BuiltinOptionsType.RESIZE_NEAREST_NEIGHBOR: {
                FbOptions.ResizeNearestNeighbor o = op.builtinOptions(new FbOptions.ResizeNearestNeighbor());
                return new OperatorOptions.ResizeNearestNeighbor(o.alignCorners(), o.halfPixelCenters());
            }
            case BuiltinOptionsType.ARG_MAX:
                return new OperatorOptions.ArgMax(TensorType.ofCode(op.builtinOptions(new FbOptions.ArgMax()).outputType()));
            case BuiltinOptionsType.SQUEEZE:
                return new OperatorOptions.Squeeze(boxed(op.builtinOptions(new FbOptions.Squeeze()).squeezeDims()));
            case BuiltinOptionsType.REDUCER:
                return new OperatorOptions.Reducer(op.builtinOptions(new FbOptions.Reducer()).keepDims());
            case BuiltinOptionsType.QUANTIZE:
            case BuiltinOptionsType.DEQUANTIZE:
            case BuiltinOptionsType.PAD:
                return new OperatorOptions.Empty(name);
            default:
                return new OperatorOptions.Unparsed(type, name);
        }
    }

    private static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
