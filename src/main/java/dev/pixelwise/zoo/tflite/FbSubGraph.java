package dev.pixelwise.zoo.tflite;

/** Accessor for table {@code SubGraph} of schema.fbs. */
final class FbSubGraph extends FbTable {

    int tensorsLength() { return vectorLength(0); }

    FbTensor tensor(int j) { return tableAt(0, j, new FbTensor()); }

    int[] inputs() { return intVector(1); }

    int[] outputs() { return intVector(2); }

    int operatorsLength() { return vectorLength(3); }

    FbOperator operator(int j) { return tableAt(3, j, new FbOperator()); }

    String name() { return stringField(4); }
}
