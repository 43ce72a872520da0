package dev.pixelwise.zoo.tflite;

/** Accessor for table {@code OperatorCode} of schema.fbs. */
final class FbOperatorCode extends FbTable {

    /** Field 0, a byte: the only code field of old files; 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) when the code needs field 3. */
    int deprecatedBuiltinCode() { return byteField(0, (byte) 0); }

    String customCode() { return stringField(1); }

    int version() { return intField(2, 1); }

    /** Field 3, an int32 added in schema 3a; 0 (the default, ADD) in files written before it. */
    int builtinCode() { return intField(3, 0); }

    /** The real operator code, as TFLite's own GetBuiltinCode() computes it. */
    int effectiveBuiltinCode() {
        return Math.max(deprecatedBuiltinCode(), builtinCode());
    }
}
