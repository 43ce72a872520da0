package dev.pixelwise.classify;

import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;

import java.util.List;

/**
 * @param topK       how many labels to return, 1..1001
 * @param collection a collection's id: classify with its labels instead of ImageNet's, or null
 */
public record ClassifyOptions(String model, int topK, boolean explain, String collection) {

    static OptionSpec modelSpec(List<String> models, String defaultModel) {
        return OptionSpec.choice("model", "Model", defaultModel, models, "MobileNetV2 is the more accurate; V1 0.75 is faster");
    }

    static final OptionSpec TOP_K = OptionSpec.integer("topK", "Top-k labels", 5, 1, 1001, "How many labels to show (1001 = every class)");
    static final OptionSpec EXPLAIN = OptionSpec.bool("explain", "Explain (heat-map)", false,
            "Occlusion sensitivity: which regions drive the top answer (about 50 extra forward passes)");

    static final OptionSpec COLLECTION = OptionSpec.text("collection", "Collection", null,
            "A collection's id: answer with the labels taught to it (leave empty for ImageNet's)");

    static ClassifyOptions parse(JobOptions options, OptionSpec model) {
        return new ClassifyOptions(options.choice(model), options.integer(TOP_K), options.bool(EXPLAIN),
                options.present(COLLECTION) ? options.raw(COLLECTION) : null);
    }
}
