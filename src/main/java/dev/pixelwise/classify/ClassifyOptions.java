package dev.pixelwise.classify;

import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * @param topK       how many labels to return, 1..1001
 * @param explain    which heat-map to make, if any
 * @param collection a collection's id: classify with its labels instead of ImageNet's, or null
 */
public record ClassifyOptions(String model, int topK, Explain explain, String collection) {

    /** How to explain an answer. */
    public enum Explain {
        /** No heat-map. */
        NONE,
        /** Class activation maps: from the classifying pass itself, one per label shown (almost free). */
        CAM,
        /** Occlusion sensitivity: about 50 extra forward passes, the top label only. */
        OCCLUSION;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static OptionSpec modelSpec(List<String> models, String defaultModel) {
        return OptionSpec.choice("model", "Model", defaultModel, models, "MobileNetV2 is the more accurate; V1 0.75 is faster");
    }

    static final OptionSpec TOP_K = OptionSpec.integer("topK", "Top-k labels", 5, 1, 1001, "How many labels to show (1001 = every class)");
    static final OptionSpec EXPLAIN = OptionSpec.choice("explain", "Explain (heat-map)", "none",
            List.of("none", "cam", "occlusion"),
            "Which regions drove the answer: cam (class activation map, from the same forward pass, one per label) "
                    + "or occlusion (about 50 extra forward passes, the top label); true = cam, false = none",
            Map.of("none", "none", "cam", "cam (class activation map, fast)", "occlusion", "occlusion (slow)"));

    static final OptionSpec COLLECTION = OptionSpec.text("collection", "Collection", null,
            "A collection's id: answer with the labels taught to it (leave empty for ImageNet's)");

    static ClassifyOptions parse(JobOptions options, OptionSpec model) {
        return new ClassifyOptions(options.choice(model), options.integer(TOP_K), explain(options),
                options.present(COLLECTION) ? options.raw(COLLECTION) : null);
    }

    /** One of the choices, or a boolean as before explain was a choice: true = cam (the default explanation), false = none. */
    private static Explain explain(JobOptions options) {
        String v = options.raw(EXPLAIN).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "on", "1", "yes" -> Explain.CAM;
            case "false", "off", "0", "no" -> Explain.NONE;
            default -> {
                for (Explain e : Explain.values()) {
                    if (e.value().equals(v)) {
                        yield e;
                    }
                }
                throw new AppException.BadOption(EXPLAIN.name(), "'" + v + "' is not one of "
                        + String.join(", ", EXPLAIN.choices()) + " (or true = cam, false = none)");
            }
        };
    }
}
