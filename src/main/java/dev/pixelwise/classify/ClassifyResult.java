package dev.pixelwise.classify;

import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * @param predictions top-k, most probable first
 * @param image       the upright upload as a JPEG preview (longest side at most 1024 px)
 * @param heatmap     PNG overlay of the top label, or null without {@code explain}: occlusion's is the size of
 *                    {@code image}, a class activation map's at most {@value ClassifyTask#CAM_SIDE} px on its
 *                    longest side with {@code image}'s aspect ratio (a 7×7 map has no finer detail; stretch it
 *                    over the image)
 * @param explanation the grid behind {@code heatmap}, or null
 * @param explanations with {@code explain=cam}: one per prediction, in their order, for at most the first
 *                    {@value ClassActivation#LABELS} (the first is {@code explanation}); with occlusion only
 *                    {@code explanation}; empty without
 * @param timingsMs   preprocess, inference, postprocess (and explain) in milliseconds
 * @param collection  with a collection: its id, which method answered, and whether the image is unknown to it
 */
@TemplateData
public record ClassifyResult(String model, List<Prediction> predictions, String image, String heatmap, Explanation explanation,
                             List<Explanation> explanations, Map<String, Long> timingsMs, CollectionUsed collection) {

    /** The heat-map file of the {@code i}-th prediction, or null when it has none (for the page's label switch). */
    public String heatmapAt(int i) {
        return explanations != null && i < explanations.size() ? explanations.get(i).heatmap() : null;
    }

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
     * Why a label was given, as a {@code rows × cols} grid over the model input (row-major), by
     * {@code method}: "occlusion", how much the label's probability drops when each cell is covered with
     * neutral grey; "cam", the class activation map (the last feature maps weighted by the label's
     * classifier weights, rectified, scaled so the peak is 1).
     *
     * @param rowShift where the cells sit: cell (r, c) is centred at ((c + 0.5 + colShift) / cols,
     *                 (r + 0.5 + rowShift) / rows) of the image: about 0.48 for MobileNet's maps (its padding puts
     *                 each cell's centre half a cell down and right), 0 for occlusion's grid
     * @param heatmap  the PNG overlay of this grid (a file of the job), drawn with that alignment
     */
    @TemplateData
    public record Explanation(String label, int index, String method, int rows, int cols, double rowShift,
                              double colShift, float[] drop, String heatmap) {
    }
}
