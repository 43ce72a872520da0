package dev.pixelwise.zoo.tflite;

/** Accessor for table {@code Operator} of schema.fbs. */
final class FbOperator extends FbTable {

    long opcodeIndex() { return uintField(0); }

    /** Tensor indices; -1 marks an absent optional input. */
    int[] inputs() { return intVector(1); }

    int[] outputs() { return intVector(2); }

    /** Field 3: type tag of the union {@code builtin_options} (see {@link BuiltinOptionsType}); field 4 is its table. */
    int builtinOptionsType() { return byteField(3, (byte) 0) & 0xFF; }

    boolean hasBuiltinOptions() { return has(4); }

    /** The options table read into {@code into}, or null when absent. */
    <T extends FbTable> T builtinOptions(T into) { return table(4, into); }

    // 5 custom_options ... 12 builtin_options_2 are not read.
}
