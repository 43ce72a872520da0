package dev.pixelwise.zoo.tflite;

import java.nio.ByteBuffer;

/** Accessor for table {@code Model} (the root type) of schema.fbs. */
final class FbModel extends FbTable {

    static final String FILE_IDENTIFIER = "TFL3";

    static FbModel root(ByteBuffer littleEndian) {
        int root = littleEndian.getInt(littleEndian.position()) + littleEndian.position();
        return new FbModel().init(root, littleEndian);
    }

    long version() { return uintField(0); }

    int operatorCodesLength() { return vectorLength(1); }

    FbOperatorCode operatorCode(int j) { return tableAt(1, j, new FbOperatorCode()); }

    int subgraphsLength() { return vectorLength(2); }

    FbSubGraph subgraph(int j) { return tableAt(2, j, new FbSubGraph()); }

    String description() { return stringField(3); }

    int buffersLength() { return vectorLength(4); }

    FbBuffer buffer(int j) { return tableAt(4, j, new FbBuffer()); }

    // 5 metadata_buffer:[int], 6 metadata:[Metadata], 7 signature_defs:[SignatureDef] are not read.
}
