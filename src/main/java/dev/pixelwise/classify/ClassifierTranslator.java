package dev.pixelwise.classify;

import dev.pixelwise.imaging.ImageOps;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Image ↔ tensor for the ImageNet classifiers: the whole image stretched to the model's input
 * size with bilinear filtering (the policy the published answers were made with), values
 * (p − mean) / std, planar NCHW; and probabilities → top-k labels.
 */
final class ClassifierTranslator {

    private final int width;
    private final int height;
    private final float mean;
    private final float std;
    private final List<String> labels;

    ClassifierTranslator(int width, int height, float mean, float std, List<String> labels) {
        this.width = width;
        this.height = height;
        this.mean = mean;
        this.std = std;
        this.labels = labels;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** The model-sized RGB image that {@link #toTensor} reads. */
    BufferedImage resize(BufferedImage upright) {
        return ImageOps.resizeBilinear(upright, width, height);
    }

    /** One image as planar float [3, H, W]; alpha is ignored. */
    float[] toTensor(BufferedImage modelSized) {
        return ImageOps.planarRgb(modelSized, mean, std);
    }

    /** The value a pixel of mid grey (128) has after normalisation: what occlusion paints. */
    float neutral() {
        return (128 - mean) / std;
    }

    List<ClassifyResult.Prediction> topK(float[] probabilities, int k) {
        Integer[] order = IntStream.range(0, probabilities.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed());
        List<ClassifyResult.Prediction> out = new ArrayList<>(k);
        for (int i = 0; i < Math.min(k, order.length); i++) {
            int idx = order[i];
            out.add(new ClassifyResult.Prediction(label(idx), idx, probabilities[idx]));
        }
        return out;
    }

    String label(int index) {
        return index < labels.size() ? labels.get(index) : "class " + index;
    }
}
