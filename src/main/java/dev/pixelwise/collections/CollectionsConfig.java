package dev.pixelwise.collections;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;
import java.nio.file.Path;
import io.quarkus.runtime.configuration.MemorySize;

/** Limits and defaults of collections (labels taught from a few examples). */
@ConfigMapping(prefix = "pixelwise.collections")
public interface CollectionsConfig {

    /** Where each collection is kept as one file; default: {@code collections} in the jobs' data folder. */
    Optional<Path> dir();

    /** The classification model whose pooled features are the embeddings. */
    @WithDefault("mobilenet-v2")
    String model();

    /** Collections one key (or the server without keys) may hold. */
    @WithDefault("100")
    int maxCollections();

    @WithDefault("50")
    int maxLabels();

    @WithDefault("200")
    int maxExamplesPerLabel();

    /** Characters in a collection's or a label's name. */
    @WithDefault("64")
    int maxNameLength();

    /** Images in one request (image parts plus zip entries). */
    @WithDefault("100")
    int maxImagesPerRequest();

    /**
     * Below this cosine similarity to the nearest label's mean embedding the answer is {@code unknown}.
     * MobileNetV2's pooled features are never negative, so unrelated photos still score about 0.25–0.45
     * against a label's mean (measured on the shared photos), and a photo of the label's kind that none of
     * the examples resembles closely about 0.45–0.6: the default only turns away the clearly unrelated,
     * and each collection can set its own.
     */
    @WithDefault("0.4")
    double defaultThreshold();

    /** Examples every label needs before the trained softmax head answers instead of imprinting. */
    @WithDefault("10")
    int headMinExamples();

    Zip zip();

    /** A zip of examples is read entry by entry, inside these bounds (no nested archives, no paths out). */
    interface Zip {
        @WithDefault("200")
        int maxEntries();

        /** Uncompressed bytes of one entry. */
        @WithDefault("25M")
        MemorySize maxEntrySize();

        /** Uncompressed bytes of all entries together. */
        @WithDefault("200M")
        MemorySize maxTotalSize();

        /** Uncompressed ÷ compressed bytes of an entry (and of the whole archive). */
        @WithDefault("100")
        int maxRatio();
    }
}
