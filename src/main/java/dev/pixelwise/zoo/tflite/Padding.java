package dev.pixelwise.zoo.tflite;

/** Spatial padding of convolutions and pools ({@code enum Padding : byte { SAME, VALID }} in schema.fbs). */
public enum Padding {
    /** Output size ceil(in / stride); zeros added, the smaller half before. */
    SAME,
    /** No padding: output size ceil((in - effectiveKernel + 1) / stride). */
    VALID;

    static Padding ofCode(int code) {
        return switch (code) {
            case 0 -> SAME;
            case 1 -> VALID;
            default -> throw new TfliteFormatException("unknown TFLite padding code " + code);
        };
    }
}
