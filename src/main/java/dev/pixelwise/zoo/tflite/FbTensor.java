package dev.pixelwise.zoo.tflite;

/** Accessor for table {@code Tensor} of schema.fbs. */
final class FbTensor extends FbTable {

    int[] shape() { return intVector(0); }

    int type() { return byteField(1, (byte) 0); }

    /** Index into Model.buffers; 0 is the always-empty sentinel buffer. */
    long buffer() { return uintField(2); }

    String name() { return stringField(3); }

    /** Null when absent. */
    FbQuantizationParameters quantization() { return table(4, new FbQuantizationParameters()); }

    boolean isVariable() { return boolField(5); }

    /** Field 6, sparsity: we only need to know that it is there (sparse tensors are refused). */
    boolean isSparse() { return has(6); }

    // 7 shape_signature, 8 has_rank, 9 variant_tensors are not read.
}
