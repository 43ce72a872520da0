package dev.pixelwise.segment;

import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;

import java.util.List;

/**
 * @param k       clusters in colour mode, 2..32
 * @param opacity of the class colours in the overlay, 0..1
 */
public record SegmentOptions(String mode, String model, int k, double opacity) {

    static final OptionSpec MODE = OptionSpec.choice("mode", "Mode", "semantic", List.of("semantic", "color"),
            "semantic: DeepLabV3 (21 PASCAL VOC classes); color: K-Means clusters of colour");
    static final OptionSpec MODEL = OptionSpec.choice("model", "Model", "deeplabv3-mnv2", List.of("deeplabv3-mnv2"),
            "Semantic segmentation model");
    static final OptionSpec K = OptionSpec.integer("k", "Colour clusters (k)", 6, 2, 32, "Colour mode: how many clusters");
    static final OptionSpec OPACITY = OptionSpec.decimal("opacity", "Overlay opacity", 0.6, 0, 1,
            "How strongly class colours cover the image in overlay.png");

    static final List<OptionSpec> SPECS = List.of(MODE, MODEL, K, OPACITY);

    static SegmentOptions parse(JobOptions options) {
        return new SegmentOptions(options.choice(MODE), options.choice(MODEL), options.integer(K), options.decimal(OPACITY));
    }
}
