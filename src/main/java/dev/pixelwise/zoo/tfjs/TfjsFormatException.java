package dev.pixelwise.zoo.tfjs;

import java.io.IOException;

/**
 * A TF.js layers model cannot be read: model.json is not a Keras functional config with a weights manifest,
 * a weight shard is missing, or the shards do not hold exactly the bytes the manifest describes.
 */
public class TfjsFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public TfjsFormatException(String message) {
        super(message);
    }

    public TfjsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
