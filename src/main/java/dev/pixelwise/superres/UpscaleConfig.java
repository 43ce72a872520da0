package dev.pixelwise.superres;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "pixelwise.upscale")
public interface UpscaleConfig {

    /**
     * Largest output (width × height after scaling) accepted; checked before any work (422). 64 MP in binary
     * units, 64 × 2²⁰ = 8192 × 8192, so a 2048 × 2048 photo at x4 fits exactly.
     */
    @WithDefault("67108864")
    long maxOutputPixels();
}
