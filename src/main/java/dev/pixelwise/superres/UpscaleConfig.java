package dev.pixelwise.superres;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "pixelwise.upscale")
public interface UpscaleConfig {

    /** Largest output (width × height after scaling) accepted; checked before any work (422). */
    @WithDefault("64000000")
    long maxOutputPixels();
}
