package dev.pixelwise.imaging;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Limits every upload passes before it may cost memory. A body is held to {@link #maxUploadSize()}
 * while it streams (api.UploadReader, api.BodyLimitFilter); only a batch's body has a larger cap.
 */
@ConfigMapping(prefix = "pixelwise.limits")
public interface ImageLimits {

    /** Largest accepted upload (bytes; suffixes K, M, G). */
    @WithDefault("25M")
    MemorySize maxUploadSize();

    /** Largest accepted image, width × height, read from the header before any pixel is decoded. */
    @WithDefault("40000000")
    long maxPixels();

    /** Longest a single decode may take before it is aborted. */
    @WithDefault("10s")
    Duration decodeTimeout();

    /**
     * Longest a request body may take to arrive, however steadily it trickles; then the request
     * is answered 408 and the connection closed. ({@code quarkus.http.idle-timeout} only catches
     * a client that stops sending altogether.)
     */
    @WithDefault("2m")
    Duration uploadTimeout();
}
