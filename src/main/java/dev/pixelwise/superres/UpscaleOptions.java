package dev.pixelwise.superres;

import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;

import java.util.List;
import java.util.Map;

/**
 * @param scale     2, 3, 4 or 8
 * @param tile      tile side in input pixels (each tile also gets {@link TiledUpscaler#CONTEXT} px of context)
 * @param selfCheck downscale the upload by the scale, upscale it back, and score model and bicubic against it
 */
public record UpscaleOptions(String model, int scale, int tile, boolean selfCheck) {

    /** The default: slim and medium end in nearest-neighbour upsampling and leave an s×s block grid; thick does not. */
    static final String DEFAULT_MODEL = "esrgan-thick";

    static final OptionSpec MODEL = OptionSpec.choice("model", "Model", DEFAULT_MODEL,
            List.of("esrgan-thick", "esrgan-medium", "esrgan-slim"),
            "thick is the default and the sharpest, with no block grid; slim and medium are fast previews that end in "
                    + "nearest-neighbour upsampling, so they show a grid of scale-sized blocks (plain at x8)",
            Map.of("esrgan-thick", "esrgan-thick (best, slowest)",
                    "esrgan-medium", "esrgan-medium (fast preview, block grid)",
                    "esrgan-slim", "esrgan-slim (fastest preview, block grid)"));
    static final OptionSpec SCALE = OptionSpec.choice("scale", "Scale", "4", List.of("2", "3", "4", "8"), "Enlargement factor");
    static final OptionSpec TILE = OptionSpec.integer("tile", "Tile size (px)", 128, 32, 512,
            "Smaller tiles use less memory; tiles that run out of memory are retried smaller");
    static final OptionSpec SELF_CHECK = OptionSpec.bool("selfCheck", "Self-check", false,
            "Shrink the image by the scale, enlarge it back, and report PSNR/SSIM of ESRGAN and bicubic");

    static final List<OptionSpec> SPECS = List.of(MODEL, SCALE, TILE, SELF_CHECK);

    static UpscaleOptions parse(JobOptions options) {
        return new UpscaleOptions(options.choice(MODEL), Integer.parseInt(options.choice(SCALE)), options.integer(TILE),
                options.bool(SELF_CHECK));
    }
}
