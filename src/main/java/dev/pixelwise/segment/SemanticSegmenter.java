package dev.pixelwise.segment;

import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.zoo.LoadedModels;
import dev.pixelwise.zoo.ModelManifest;
import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.ModelZoo;
import dev.pixelwise.zoo.Precision;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/** DeepLab-style models of the zoo: the whole image stretched to the input size, a class per pixel back. */
@ApplicationScoped
public class SemanticSegmenter {

    /** A loaded model and its labels (one per class index). */
    record Loaded(TfliteGraph graph, List<String> labels) {
    }

    private final ModelZoo zoo;
    private final LoadedModels<Loaded> loaded;

    public SemanticSegmenter(ModelZoo zoo) {
        this.zoo = zoo;
        this.loaded = new LoadedModels<>(zoo, "segment", "a segmentation model");
    }

    Loaded get(String id) {
        return loaded.get(id, null, new TfliteImporter(), this::ready);
    }

    /** Class index per pixel of the model's input grid (row-major, input height × width). */
    byte[] classify(Loaded model, BufferedImage upright, Precision precision) {
        TfliteGraph g = model.graph();
        BufferedImage sized = ImageOps.resizeBilinear(upright, g.inputWidth(), g.inputHeight());
        int[] rgb = ImageOps.interleavedRgb(sized);
        long[] values = ModelThread.call(() -> {
            try (INDArray classes = g.output(1, g.fromRgb(rgb), precision, TfliteImporter.CLASSES).get(TfliteImporter.CLASSES);
                 INDArray flat = classes.reshape(classes.length())) {
                return flat.toLongVector();
            }
        });
        byte[] map = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            map[i] = (byte) values[i];
        }
        return map;
    }

    private Loaded ready(TfliteGraph graph, ModelManifest m) throws IOException {
        // The labels file lists the class names, then a blank line and notes.
        List<String> labels = Files.readAllLines(zoo.file(m.id(), m.labels())).stream()
                .takeWhile(l -> !l.isBlank()).toList();
        return new Loaded(graph, labels);
    }

    @PreDestroy
    void close() {
        loaded.forEach(l -> l.graph().close());
    }
}
