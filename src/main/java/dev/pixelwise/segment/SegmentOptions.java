package dev.pixelwise.segment;

import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.zoo.Precision;

import java.util.List;

/**
 * @param k       clusters in colour mode, 2..32
 * @param opacity   of the class colours in the overlay, 0..1
 * @param precision what DeepLab's convolutions compute in: "auto", "fp32", "bf16" or "int8" ({@link Precision#resolve} with {@link Precision#AUTO_SEGMENT}, on the worker)
 */
public record SegmentOptions(String mode, String model, int k, double opacity, String precision) {

    static final OptionSpec MODE = OptionSpec.choice("mode", "Mode", "semantic", List.of("semantic", "color"),
            "semantic: DeepLabV3 (21 PASCAL VOC classes); color: K-Means clusters of colour");
    static final OptionSpec MODEL = OptionSpec.choice("model", "Model", "deeplabv3-mnv2", List.of("deeplabv3-mnv2"),
            "Semantic segmentation model");
    static final OptionSpec K = OptionSpec.integer("k", "Colour clusters (k)", 6, 2, 32, "Colour mode: how many clusters");
    static final OptionSpec OPACITY = OptionSpec.decimal("opacity", "Overlay opacity", 0.6, 0, 1,
            "How strongly class colours cover the image in overlay.png");

    /**
     * bf16 runs DeepLab's convolutions 10–25 % faster on a CPU with AVX-512 BF16, int8 (AVX-512 VNNI) about as
     * fast; both class maps stay within the guard (bird IoU within 0.01 of fp32's, DeepLabPrecisionTest).
     */
    static final OptionSpec PRECISION = OptionSpec.choice("precision", "Precision", "auto", Precision.OPTION_VALUES,
            "Semantic mode: auto is int8 where the CPU has AVX-512 VNNI, else bf16 where it has AVX-512 BF16 (each "
                    + "changes a few hundred of 263 169 class cells), else fp32",
            Precision.optionLabels(Precision.AUTO_SEGMENT));

    static final List<OptionSpec> SPECS = List.of(MODE, MODEL, K, OPACITY, PRECISION);

    static SegmentOptions parse(JobOptions options) {
        return new SegmentOptions(options.choice(MODE), options.choice(MODEL), options.integer(K), options.decimal(OPACITY),
                options.choice(PRECISION));
    }
}
