package dev.pixelwise.classify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Batching of concurrent classification requests on each model's thread. */
@ConfigMapping(prefix = "pixelwise.classify")
public interface ClassifyConfig {

    /** Default model id. */
    @WithDefault("mobilenet-v2")
    String defaultModel();

    /** Most images in one forward pass. */
    @WithDefault("8")
    int maxBatch();

    /** Longest the first request of a batch waits for company. */
    @WithDefault("5ms")
    Duration maxDelay();
}
