package dev.pixelwise.zoo;

/** A model file could not be obtained or did not match its checksum; the message says which and why. */
public class ModelFetchException extends RuntimeException {
    public ModelFetchException(String message) {
        super(message);
    }
}
