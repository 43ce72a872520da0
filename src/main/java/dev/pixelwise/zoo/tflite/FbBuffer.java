package dev.pixelwise.zoo.tflite;

import java.nio.ByteBuffer;

/** Accessor for table {@code Buffer} of schema.fbs. */
final class FbBuffer extends FbTable {

    ByteBuffer data() { return byteVectorView(0); }

    /** Fields 1 and 2 (schema 3c, models over 2 GB): data lives at this file offset, outside the FlatBuffer, when > 1. */
    long offset() { return longField(1, 0); }

    long size() { return longField(2, 0); }
}
