package dev.pixelwise.batch;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Limits of batches (many images, one task, one setting) and how much of the pool one batch may hold. */
@ConfigMapping(prefix = "pixelwise.batches")
public interface BatchesConfig {

    /** Images in one batch: file parts plus the entries of its zips. */
    @WithDefault("500")
    int maxFiles();

    /**
     * Bytes of one batch request (every part). The HTTP body cap is the larger of this and the single
     * upload limit; a single job's image is still held to its own limit.
     */
    @WithDefault("500M")
    MemorySize maxTotalSize();

    /**
     * Children of one client's batches queued or running at once; default: the workers of this node
     * (in the multi-node mode, set it to the workers of the cluster). The rest wait in the batch's
     * folder, so batches never fill the queue and a single upload from someone else waits behind at
     * most the children already running.
     */
    Optional<Integer> window();

    Zip zip();

    /** A zip of images is read entry by entry within these bounds (no nested archives, no paths out). */
    interface Zip {
        @WithDefault("1000")
        int maxEntries();

        /** Uncompressed bytes of one entry. */
        @WithDefault("25M")
        MemorySize maxEntrySize();

        /** Uncompressed bytes of all entries of one zip. */
        @WithDefault("500M")
        MemorySize maxTotalSize();

        /** Uncompressed ÷ compressed bytes of an entry (and of the whole archive). */
        @WithDefault("100")
        int maxRatio();
    }
}
