package dev.pixelwise.zoo.tflite;

/** Accessor for table {@code QuantizationParameters} of schema.fbs. */
final class FbQuantizationParameters extends FbTable {

    float[] min() { return floatVector(0); }

    float[] max() { return floatVector(1); }

    float[] scale() { return floatVector(2); }

    long[] zeroPoint() { return longVector(3); }

    /** Field 4: type of the union {@code details} (0 = NONE, 1 = CustomQuantization); field 5 is its value. */
    int detailsType() { return byteField(4, (byte) 0) & 0xFF; }

    int quantizedDimension() { return intField(6, 0); }
}
