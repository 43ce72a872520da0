package dev.pixelwise.zoo.tflite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plain-Java float32 forward pass of a (quantised) TFLite model, the ground truth for imports.
 * Weights and biases are dequantised once (real = scale × (q − zero point)); activations stay float
 * all the way through and are never re-quantised between layers. QUANTIZE and DEQUANTIZE are
 * therefore identities, and ARG_MAX yields class indices as floats. Single-threaded, NHWC.
 */
public final class TfliteReferenceInterpreter {

    /** Operator names {@link #run} can execute. */
    public static final Set<String> SUPPORTED_OPS = Set.of(
            "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "AVERAGE_POOL_2D", "RESHAPE", "SOFTMAX",
            "CONCATENATION", "RESIZE_BILINEAR", "QUANTIZE", "DEQUANTIZE", "ARG_MAX");

    private final TfliteModel model;
    /** Dequantised constant tensors by tensor index. */
    private final Map<Integer, float[]> constants = new HashMap<>();
    /** CONV_2D filters by tensor index, moved from [out][kh][kw][in] to [kh][kw][in][out]. */
    private final Map<Integer, float[]> convFilters = new HashMap<>();
    /** For each tensor, the last operator that reads it (or Integer.MAX_VALUE for graph outputs). */
    private final int[] lastUse;

    /** Prepares the weights; throws {@link TfliteUnsupportedOperatorException} if any operator is not supported. */
    public TfliteReferenceInterpreter(TfliteModel model) {
        model.requireSupported(SUPPORTED_OPS);
        this.model = model;
        for (TfliteTensor t : model.tensors()) {
            if (t.hasData()) {
                constants.put(t.index(), TensorValues.dequantize(t));
            }
        }
        for (TfliteOperator op : model.operators()) {
            if (op.name().equals("CONV_2D")) {
                TfliteTensor filter = model.tensor(op.input(1));
                convFilters.computeIfAbsent(filter.index(), i -> toKhKwInOut(constant(filter), filter.shape()));
            }
        }
        lastUse = new int[model.tensors().size()];
        Arrays.fill(lastUse, -1);
        for (TfliteOperator op : model.operators()) {
            for (int i : op.inputs()) {
                if (i != TfliteOperator.ABSENT) {
                    lastUse[i] = op.index();
                }
            }
        }
        for (int i : model.outputIndices()) {
            lastUse[i] = Integer.MAX_VALUE;
        }
    }

    public TfliteModel model() {
        return model;
    }

    /**
     * A graph input built from quantised values, e.g. uint8 pixels: real = scale × (q − zero point)
     * with the input tensor's quantisation ((p − 128) / 128 for these MobileNets), shaped like it.
     */
    public FloatTensor inputFromQuantized(int inputNumber, int[] quantized) {
        TfliteTensor spec = model.inputs().get(inputNumber);
        TfliteQuantization q = spec.quantization().orElseThrow(() ->
                new IllegalArgumentException("input " + spec + " is not quantised"));
        float[] real = new float[quantized.length];
        for (int i = 0; i < quantized.length; i++) {
            real[i] = q.dequantize(quantized[i], 0);
        }
        return new FloatTensor(spec.shape(), real);
    }

    /** Runs the graph on real-valued inputs (in graph-input order) and returns the graph outputs in order. */
    public List<FloatTensor> run(FloatTensor... inputs) {
        FloatTensor[] values = execute(inputs, false);
        List<FloatTensor> out = new ArrayList<>();
        for (int i : model.outputIndices()) {
            out.add(values[i]);
        }
        return out;
    }

    /** Like {@link #run} but returns every computed tensor (graph inputs and all activations) by tensor index. */
    public Map<Integer, FloatTensor> runKeepingAll(FloatTensor... inputs) {
        FloatTensor[] values = execute(inputs, true);
        Map<Integer, FloatTensor> all = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && !constants.containsKey(i)) {
                all.put(i, values[i]);
            }
        }
        return Collections.unmodifiableMap(all);
    }

    private FloatTensor[] execute(FloatTensor[] inputs, boolean keepAll) {
        int[] inputIndices = model.inputIndices();
        if (inputs.length != inputIndices.length) {
            throw new IllegalArgumentException("the model has " + inputIndices.length + " inputs, got " + inputs.length);
        }
        FloatTensor[] values = new FloatTensor[model.tensors().size()];
        for (int i = 0; i < inputs.length; i++) {
            TfliteTensor spec = model.tensor(inputIndices[i]);
            if (!Arrays.equals(spec.shape(), inputs[i].shape())) {
                throw new IllegalArgumentException("input " + i + " must have shape " + Arrays.toString(spec.shape())
                        + ", got " + Arrays.toString(inputs[i].shape()));
            }
            values[inputIndices[i]] = inputs[i];
        }
        for (TfliteOperator op : model.operators()) {
            FloatTensor result;
            try {
                result = evaluate(op, values);
            } catch (RuntimeException e) {
                throw new IllegalStateException("operator " + op + " failed: " + e.getMessage(), e);
            }
            TfliteTensor out = model.tensor(op.output(0));
            if (!Arrays.equals(out.shape(), result.shape())) {
                throw new IllegalStateException("operator " + op + " computed shape " + Arrays.toString(result.shape())
                        + " but the model declares " + out);
            }
            values[out.index()] = result;
            if (!keepAll) {
                for (int i : op.inputs()) { // free activations nobody reads any more
                    if (i != TfliteOperator.ABSENT && lastUse[i] == op.index()) {
                        values[i] = null;
                    }
                }
            }
        }
        return values;
    }

    private FloatTensor evaluate(TfliteOperator op, FloatTensor[] values) {
        switch (op.name()) {
            case "CONV_2D": {
                TfliteTensor filter = model.tensor(op.input(1));
                int[] fs = filter.shape(); // [out][kh][kw][in]
                return ReferenceKernels.conv2d(value(op.input(0), values), convFilters.get(filter.index()),
                        fs[1], fs[2], fs[0], bias(op), op.options(OperatorOptions.Conv2D.class));
            }
            case "DEPTHWISE_CONV_2D": {
                TfliteTensor filter = model.tensor(op.input(1));
                int[] fs = filter.shape(); // [1][kh][kw][out]
                return ReferenceKernels.depthwiseConv2d(value(op.input(0), values), constant(filter),
                        fs[1], fs[2], fs[3], bias(op), op.options(OperatorOptions.DepthwiseConv2D.class));
            }
            case "ADD": {
                FusedActivation act = op.options(OperatorOptions.Elementwise.class).activation();
                return ReferenceKernels.add(value(op.input(0), values), value(op.input(1), values), act);
            }
            case "AVERAGE_POOL_2D":
                return ReferenceKernels.averagePool2d(value(op.input(0), values),
                        op.options(OperatorOptions.Pool2D.class));
            case "RESHAPE": {
                FloatTensor in = value(op.input(0), values);
                return new FloatTensor(reshapeTarget(op, in.size()), in.values);
            }
            case "SOFTMAX":
                return ReferenceKernels.softmax(value(op.input(0), values),
                        op.options(OperatorOptions.Softmax.class).beta());
            case "CONCATENATION": {
                List<FloatTensor> parts = new ArrayList<>();
                for (int i : op.inputs()) {
                    parts.add(value(i, values));
                }
                OperatorOptions.Concatenation o = op.options(OperatorOptions.Concatenation.class);
                return ReferenceKernels.concatenate(parts, o.axis(), o.activation());
            }
            case "RESIZE_BILINEAR": {
                int[] size = TensorValues.ints(constantTensor(op.input(1), "resize size"));
                OperatorOptions.ResizeBilinear o = op.options(OperatorOptions.ResizeBilinear.class);
                return ReferenceKernels.resizeBilinear(value(op.input(0), values), size[0], size[1],
                        o.alignCorners(), o.halfPixelCenters());
            }
            case "QUANTIZE":
            case "DEQUANTIZE":
                return value(op.input(0), values); // float pass: no rounding to the quantised grid
            case "ARG_MAX": {
                int[] axis = TensorValues.ints(constantTensor(op.input(1), "arg-max axis"));
                return ReferenceKernels.argMax(value(op.input(0), values), axis[0]);
            }
            default:
                throw new UnsupportedOperationException(op.name());
        }
    }

    /** A tensor's current value: computed activation, graph input, or dequantised constant. */
    private FloatTensor value(int index, FloatTensor[] values) {
        if (values[index] != null) {
            return values[index];
        }
        TfliteTensor t = model.tensor(index);
        if (t.hasData()) {
            values[index] = new FloatTensor(t.shape(), constants.get(index));
            return values[index];
        }
        throw new IllegalStateException("tensor " + t + " is read before any operator computed it");
    }

    private float[] bias(TfliteOperator op) {
        int i = op.input(2);
        return i == TfliteOperator.ABSENT ? null : constant(model.tensor(i));
    }

    private float[] constant(TfliteTensor t) {
        float[] c = constants.get(t.index());
        if (c == null) {
            throw new IllegalStateException("tensor " + t + " should be a constant (weights) but has no data");
        }
        return c;
    }

    private TfliteTensor constantTensor(int index, String what) {
        TfliteTensor t = model.tensor(index);
        if (!t.hasData()) {
            throw new IllegalStateException(what + " tensor " + t + " is not a constant");
        }
        return t;
    }

    /** RESHAPE target: the output tensor's static shape, else new_shape or the shape input, with one −1 inferred. */
    private int[] reshapeTarget(TfliteOperator op, int size) {
        int[] declared = model.tensor(op.output(0)).shape();
        if (FloatTensor.count(declared) == size && declared.length > 0) {
            return declared;
        }
        int[] target = op.options() instanceof OperatorOptions.Reshape r && !r.newShape().isEmpty()
                ? r.newShape().stream().mapToInt(Integer::intValue).toArray()
                : TensorValues.ints(constantTensor(op.input(1), "reshape shape"));
        int known = 1, unknownAxis = -1;
        for (int d = 0; d < target.length; d++) {
            if (target[d] == -1) {
                unknownAxis = d;
            } else {
                known *= target[d];
            }
        }
        if (unknownAxis >= 0) {
            target[unknownAxis] = size / known;
        }
        return target;
    }

    /** [out][kh][kw][in] → [kh][kw][in][out], so the innermost conv loop walks output channels. */
    private static float[] toKhKwInOut(float[] f, int[] shape) {
        int out = shape[0], kh = shape[1], kw = shape[2], in = shape[3];
        float[] t = new float[f.length];
        for (int o = 0; o < out; o++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int i = 0; i < in; i++) {
                        t[((y * kw + x) * in + i) * out + o] = f[((o * kh + y) * kw + x) * in + i];
                    }
                }
            }
        }
        return t;
    }
}
