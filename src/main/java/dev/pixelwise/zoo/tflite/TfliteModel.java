package dev.pixelwise.zoo.tflite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable view of a TensorFlow Lite model file (a FlatBuffer with identifier "TFL3", schema from
 * TensorFlow Lite's schema.fbs): the tensors, operators and graph inputs/outputs of its main
 * (first) subgraph. Read with {@link #read(Path)}; format problems throw {@link TfliteFormatException}.
 */
public final class TfliteModel {

    private final String source;
    private final long schemaVersion;
    private final String description;
    private final int subgraphCount;
    private final String subgraphName;
    private final List<TfliteTensor> tensors;
    private final List<TfliteOperator> operators;
    private final int[] inputs;
    private final int[] outputs;

    TfliteModel(String source, long schemaVersion, String description, int subgraphCount, String subgraphName,
                List<TfliteTensor> tensors, List<TfliteOperator> operators, int[] inputs, int[] outputs) {
        this.source = source;
        this.schemaVersion = schemaVersion;
        this.description = description == null ? "" : description;
        this.subgraphCount = subgraphCount;
        this.subgraphName = subgraphName == null ? "" : subgraphName;
        this.tensors = List.copyOf(tensors);
        this.operators = List.copyOf(operators);
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
    }

    /** Reads a .tflite file (the whole file is loaded; these models are a few MB). */
    public static TfliteModel read(Path file) throws IOException {
        return ModelParser.parse(Files.readAllBytes(file), file.toString());
    }

    /** Reads the remaining bytes of {@code buffer} (copied, so the caller may reuse it). */
    public static TfliteModel read(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return ModelParser.parse(bytes, "TFLite buffer");
    }

    /** Reads a whole model held in memory ({@code bytes} is not copied and must not change afterwards). */
    public static TfliteModel read(byte[] bytes, String sourceName) {
        return ModelParser.parse(bytes, sourceName);
    }

    /** Where the model came from (file path or a caller's name), for messages. */
    public String source() {
        return source;
    }

    /** Model.version (3 for every current TFLite file). */
    public long schemaVersion() {
        return schemaVersion;
    }

    /** Model.description, e.g. "TOCO Converted."; empty if absent. */
    public String description() {
        return description;
    }

    /** Number of subgraphs in the file; this view covers subgraph 0, the main model. */
    public int subgraphCount() {
        return subgraphCount;
    }

    public String subgraphName() {
        return subgraphName;
    }

    public List<TfliteTensor> tensors() {
        return tensors;
    }

    public TfliteTensor tensor(int index) {
        return tensors.get(index);
    }

    /** Operators in execution order. */
    public List<TfliteOperator> operators() {
        return operators;
    }

    /** Tensor indices of the graph inputs. */
    public int[] inputIndices() {
        return inputs.clone();
    }

    /** Tensor indices of the graph outputs. */
    public int[] outputIndices() {
        return outputs.clone();
    }

    public List<TfliteTensor> inputs() {
        return Arrays.stream(inputs).mapToObj(tensors::get).toList();
    }

    public List<TfliteTensor> outputs() {
        return Arrays.stream(outputs).mapToObj(tensors::get).toList();
    }

    /** Operator name → how many times the graph uses it, in order of first use. */
    public Map<String, Integer> operatorCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TfliteOperator op : operators) {
            counts.merge(op.name(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    /**
     * Throws {@link TfliteUnsupportedOperatorException} naming every operator (with its use count)
     * whose {@link TfliteOperator#name()} is not in {@code supportedOps}, e.g.
     * "unsupported TFLite operators: RESIZE_BILINEAR ×3, ARG_MAX ×1".
     */
    public void requireSupported(Set<String> supportedOps) {
        Map<String, Integer> unsupported = new LinkedHashMap<>();
        operatorCounts().forEach((name, count) -> {
            if (!supportedOps.contains(name)) {
                unsupported.put(name, count);
            }
        });
        if (!unsupported.isEmpty()) {
            throw new TfliteUnsupportedOperatorException(unsupported);
        }
    }

    /** See {@link TensorValues#dequantize(TfliteTensor)}: real = scale × (q − zeroPoint), per-channel aware. */
    public float[] dequantize(TfliteTensor tensor) {
        return TensorValues.dequantize(tensor);
    }

    public float[] dequantize(int tensorIndex) {
        return TensorValues.dequantize(tensor(tensorIndex));
    }

    /** A multi-line listing: inputs, outputs and one line per operator, for logs and debugging. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": schema ").append(schemaVersion).append(", ").append(tensors.size())
                .append(" tensors, ").append(operators.size()).append(" operators ").append(operatorCounts()).append('\n');
        List<String> lines = new ArrayList<>();
        for (int i : inputs) {
            lines.add("input  " + tensors.get(i));
        }
        for (int i : outputs) {
            lines.add("output " + tensors.get(i));
        }
        for (TfliteOperator op : operators) {
            lines.add(op.toString());
        }
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "TfliteModel[" + source + ", " + operators.size() + " operators " + operatorCounts() + "]";
    }
}
