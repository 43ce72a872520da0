package dev.pixelwise.collections;

import java.nio.file.Path;

/**
 * What collections need of a CNN: an image file's unit-length embedding. The classify package
 * provides it (MobileNet's pooled features), so collections do not depend on how it is computed.
 */
@FunctionalInterface
public interface Embedder {

    /** The embedding of the image in {@code file}; a 415/422 problem when it is not an image. */
    float[] embed(Path file);
}
