package dev.pixelwise.zoo.tflite;

import java.util.Arrays;
import java.util.Optional;

/** One operator of the main subgraph, in execution order. */
public final class TfliteOperator {

    /** Marks an absent optional input in {@link #inputs()} (e.g. a convolution without bias). */
    public static final int ABSENT = -1;

    private final int index;
    private final int builtinCode;
    private final String customCode;
    private final int version;
    private final int[] inputs;
    private final int[] outputs;
    private final OperatorOptions options;

    TfliteOperator(int index, int builtinCode, String customCode, int version, int[] inputs, int[] outputs,
                   OperatorOptions options) {
        this.index = index;
        this.builtinCode = builtinCode;
        this.customCode = customCode;
        this.version = version;
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        this.options = options;
    }

    /** Position in execution order. */
    public int index() {
        return index;
    }

    /** The operator code (max of the schema's deprecated_builtin_code and builtin_code fields). */
    public int builtinCode() {
        return builtinCode;
    }

    /** Empty for a code newer than this reader's {@link BuiltinOperator} list. */
    public Optional<BuiltinOperator> builtin() {
        return BuiltinOperator.ofCode(builtinCode);
    }

    /**
     * A readable name: the BuiltinOperator name ("CONV_2D"), "CUSTOM:&lt;custom_code&gt;" for custom
     * operators, or "BUILTIN_&lt;code&gt;" for a code this reader does not know.
     */
    public String name() {
        Optional<BuiltinOperator> op = builtin();
        if (op.isEmpty()) {
            return "BUILTIN_" + builtinCode;
        }
        if (op.get() == BuiltinOperator.CUSTOM) {
            return "CUSTOM:" + (customCode == null ? "?" : customCode);
        }
        return op.get().name();
    }

    /** The custom operator name, present only for CUSTOM operators. */
    public Optional<String> customCode() {
        return Optional.ofNullable(customCode);
    }

    /** The operator version from OperatorCode (bumped when an operator gains parameters). */
    public int version() {
        return version;
    }

    /** Input tensor indices; {@link #ABSENT} (−1) for an optional input that is not given. */
    public int[] inputs() {
        return inputs.clone();
    }

    /** Input tensor index {@code i}, or {@link #ABSENT} when not given or past the end. */
    public int input(int i) {
        return i < inputs.length ? inputs[i] : ABSENT;
    }

    public int inputCount() {
        return inputs.length;
    }

    public int[] outputs() {
        return outputs.clone();
    }

    public int output(int i) {
        return outputs[i];
    }

    public int outputCount() {
        return outputs.length;
    }

    public OperatorOptions options() {
        return options;
    }

    /** The options as the expected record type, with a clear error if they are something else. */
    public <T extends OperatorOptions> T options(Class<T> type) {
        if (!type.isInstance(options)) {
            throw new TfliteFormatException("operator #" + index + " " + name() + " has options "
                    + options + ", expected " + type.getSimpleName());
        }
        return type.cast(options);
    }

    @Override
    public String toString() {
        return "#" + index + " " + name() + " in " + Arrays.toString(inputs) + " out " + Arrays.toString(outputs)
                + " " + options;
    }
}
