package dev.pixelwise.zoo.tflite;

/** The bytes are not a readable TFLite model: wrong identifier, truncated or corrupt FlatBuffer, bad values. */
public class TfliteFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TfliteFormatException(String message) {
        super(message);
    }

    public TfliteFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
