package dev.pixelwise.superres;

import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.zoo.Precision;

import java.util.List;
import java.util.Map;

/**
 * @param scale     2, 3, 4 or 8
 * @param tile      tile side in input pixels (each tile also gets {@link TiledUpscaler#CONTEXT} px of context)
 * @param selfCheck downscale the upload by the scale, upscale it back, and score model and bicubic against it
 * @param precision what the convolutions compute in: "auto", "fp32", "bf16" or "int8" ({@link Precision#resolve} with {@link Precision#AUTO_UPSCALE}, on the worker)
 */
public record UpscaleOptions(String model, int scale, int tile, boolean selfCheck, String precision) {

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

    /**
     * bf16 doubles the convolutions' speed on a CPU with AVX-512 BF16 and stays over 53 dB PSNR of fp32 on
     * photos and line art alike; int8, on a CPU with AVX-512 VNNI,
     * is faster again and stays over 45 dB on photos its calibration never saw (the guard, EsrganPrecisionTest),
     * but not on line art, so auto never picks it ({@link Precision#AUTO_UPSCALE}).
     */
    static final OptionSpec PRECISION = OptionSpec.choice("precision", "Precision", "auto", Precision.OPTION_VALUES,
            "auto is bf16 where the CPU has AVX-512 BF16 (over 53 dB PSNR of fp32), else fp32; int8 (AVX-512 VNNI) is "
                    + "faster again and over 45 dB PSNR of fp32 on photos, but 38–44 dB on line art and screenshots",
            Precision.optionLabels(Precision.AUTO_UPSCALE));

    static final List<OptionSpec> SPECS = List.of(MODEL, SCALE, TILE, SELF_CHECK, PRECISION);

    static UpscaleOptions parse(JobOptions options) {
        return new UpscaleOptions(options.choice(MODEL), Integer.parseInt(options.choice(SCALE)), options.integer(TILE),
                options.bool(SELF_CHECK), options.choice(PRECISION));
    }
}
