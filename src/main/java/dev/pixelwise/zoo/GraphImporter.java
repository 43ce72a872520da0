package dev.pixelwise.zoo;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a model format becomes an {@link ImportedGraph}: which of a model's files to import and where the
 * import is cached. {@link LoadedModels} drives it; the formats live in subpackages (tflite, tfjs).
 *
 * @param <G> the graph this format imports to
 */
public interface GraphImporter<G extends ImportedGraph> {

    /** The file of {@code model} the graph is imported from; {@code variant} picks one of several (e.g. "x4"), or is null. */
    String sourceFile(ModelManifest model, String variant);

    /** Where the graph imported from {@code source} is cached. */
    Path cacheFile(Path source);

    /** The graph of {@code source}, from {@code cacheFile} when that is current, else imported and cached. */
    G loadOrImport(Path source, Path cacheFile) throws IOException;
}
