package dev.pixelwise.zoo.tflite;

/** Activation fused into an operator ({@code enum ActivationFunctionType : byte} in schema.fbs). */
public enum FusedActivation {
    NONE,
    RELU,
    /** Clamp to [-1, 1]. */
    RELU_N1_TO_1,
    /** Clamp to [0, 6]. */
    RELU6,
    TANH,
    SIGN_BIT;

    static FusedActivation ofCode(int code) {
        FusedActivation[] all = values();
        if (code < 0 || code >= all.length) {
            throw new TfliteFormatException("unknown TFLite fused activation code " + code);
        }
        return all[code];
    }

    /** Applies this activation to one value (SIGN_BIT has no float meaning and is refused). */
    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case RELU_N1_TO_1 -> Math.min(Math.max(x, -1f), 1f);
            case RELU6 -> Math.min(Math.max(x, 0f), 6f);
            case TANH -> (float) Math.tanh(x);
            case SIGN_BIT -> throw new UnsupportedOperationException("fused activation SIGN_BIT");
        };
    }
}
