package dev.pixelwise.zoo.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * One tensor of the main subgraph: shape, element type, quantisation, and constant data if any. The
 * shape is NHWC for image tensors; [out, kh, kw, in] for CONV_2D filters, [1, kh, kw, out] for depthwise ones.
 */
public final class TfliteTensor extends ShapedTensor {

    private final int index;
    private final String name;
    private final TensorType type;
    private final TfliteQuantization quantization;
    private final int bufferIndex;
    private final ByteBuffer data;
    private final boolean variable;

    TfliteTensor(int index, String name, TensorType type, int[] shape, TfliteQuantization quantization,
                 int bufferIndex, ByteBuffer data, boolean variable) {
        super(shape);
        this.index = index;
        this.name = name == null ? "" : name;
        this.type = type;
        this.quantization = quantization;
        this.bufferIndex = bufferIndex;
        this.data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.variable = variable;
    }

    /** Position in the subgraph's tensor list; operators refer to tensors by this number. */
    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public TensorType type() {
        return type;
    }

    /** Empty when the file gives no scale (float tensors, shape constants). */
    public Optional<TfliteQuantization> quantization() {
        return Optional.ofNullable(quantization);
    }

    public boolean isQuantized() {
        return quantization != null;
    }

    /** Index into the model's buffer list (0: the empty sentinel, i.e. no constant data). */
    public int bufferIndex() {
        return bufferIndex;
    }

    /** True for weights, biases and other constants stored in the file. */
    public boolean hasData() {
        return data.capacity() > 0;
    }

    /** The raw constant bytes, little-endian, read-only; empty for activations. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A variable tensor (state of RNN-like operators). */
    public boolean isVariable() {
        return variable;
    }

    @Override
    public String toString() {
        return "#" + index + " " + name + " " + type + Arrays.toString(shape)
                + (quantization != null ? " (" + quantization + ")" : "")
                + (hasData() ? " const " + data.capacity() + " B" : "");
    }
}
