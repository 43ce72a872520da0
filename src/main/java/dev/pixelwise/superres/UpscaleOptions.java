package dev.pixelwise.superres;

import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;

import java.util.List;

/**
 * @param scale     2, 3, 4 or 8
 * @param tile      tile side in input pixels (each tile also gets {@link TiledUpscaler#CONTEXT} px of context)
 * @param selfCheck downscale the upload by the scale, upscale it back, and score model and bicubic against it
 */
public record UpscaleOptions(String model, int scale, int tile, boolean selfCheck) {

    static final OptionSpec MODEL = OptionSpec.choice("model", "Model", "esrgan-medium",
            List.of("esrgan-slim", "esrgan-medium", "esrgan-thick"),
            "medium is the default: slim is fast but blocky at x4; thick is the sharpest and slowest");
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
