package dev.pixelwise.classify;

import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * @param predictions top-k, most probable first
 * @param image       the upright upload as a JPEG preview (longest side at most 1024 px)
 * @param heatmap     PNG overlay the size of {@code image}, or null without {@code explain}
 * @param explanation the occlusion grid behind the heat-map, or null
 * @param timingsMs   preprocess, inference, postprocess (and explain) in milliseconds
 * @param collection  with a collection: its id, which method answered, and whether the image is unknown to it
 */
@TemplateData
public record ClassifyResult(String model, List<Prediction> predictions, String image, String heatmap, Explanation explanation,
                             Map<String, Long> timingsMs, CollectionUsed collection) {

    /**
     * @param method     "imprinting" (cosine to each label's mean embedding) or "head" (trained softmax layer)
     * @param similarity cosine similarity of the image to the nearest label's mean embedding
     * @param unknown    {@code similarity} is below {@code threshold}: none of the labels fits
     */
    @TemplateData
    public record CollectionUsed(String id, String method, double similarity, double threshold, boolean unknown) {
    }

    /** @param probability 0..1 */
    @TemplateData
    public record Prediction(String label, int index, double probability) {

        public long percent() {
            return Math.round(probability * 100);
        }

        public String percentText() {
            return String.format(Locale.ROOT, "%.1f%%", probability * 100);
        }
    }

    /**
     * Occlusion sensitivity: how much the explained class's probability drops when each cell of
     * a {@code rows × cols} grid over the model input is covered with neutral grey (row-major).
     */
    @TemplateData
    public record Explanation(String label, int index, String method, int rows, int cols, float[] drop) {
    }
}
