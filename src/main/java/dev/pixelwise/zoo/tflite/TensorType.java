package dev.pixelwise.zoo.tflite;

/** TFLite tensor element types, codes as in {@code enum TensorType : byte} of TensorFlow Lite's schema.fbs. */
public enum TensorType {
    FLOAT32(0, 4),
    FLOAT16(1, 2),
    INT32(2, 4),
    UINT8(3, 1),
    INT64(4, 8),
    STRING(5, 0),
    BOOL(6, 1),
    INT16(7, 2),
    COMPLEX64(8, 8),
    INT8(9, 1),
    FLOAT64(10, 8),
    COMPLEX128(11, 16),
    UINT64(12, 8),
    RESOURCE(13, 0),
    VARIANT(14, 0),
    UINT32(15, 4),
    UINT16(16, 2),
    INT4(17, 0);

    private final int code;
    private final int byteSize;

    TensorType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    public int code() {
        return code;
    }

    /** Bytes per element in a constant buffer; 0 where that is not a fixed whole number (STRING, INT4, ...). */
    public int byteSize() {
        return byteSize;
    }

    static TensorType ofCode(int code) {
        for (TensorType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new TfliteFormatException("unknown TFLite tensor type code " + code);
    }
}
