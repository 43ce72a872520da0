package dev.pixelwise.classify;

import dev.pixelwise.zoo.LoadedModels;
import dev.pixelwise.zoo.ModelManifest;
import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.ModelZoo;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The classification models of the zoo, each loaded once (lazily, on first use) into a SameDiff
 * graph that its own batching thread owns. The imported graph is cached beside the TFLite file,
 * so only the first start pays for the import.
 */
@ApplicationScoped
public class ClassifierModels {

    /** A loaded model: how to feed it and the thread that runs it. */
    record Loaded(String id, ClassifierTranslator translator, BatchingClassifier runner) {
    }

    private final ModelZoo zoo;
    private final ClassifyConfig config;
    private final MeterRegistry metrics;
    private final LoadedModels<Loaded> loaded;

    public ClassifierModels(ModelZoo zoo, ClassifyConfig config, MeterRegistry metrics) {
        this.zoo = zoo;
        this.config = config;
        this.metrics = metrics;
        this.loaded = new LoadedModels<>(zoo, "classify", "a classification model");
    }

    List<String> ids() {
        return zoo.forTask("classify").stream().map(ModelManifest::id).toList();
    }

    String defaultId() {
        return config.defaultModel();
    }

    Loaded get(String id) {
        return loaded.get(id, null, new TfliteImporter(), this::ready);
    }

    private Loaded ready(TfliteGraph graph, ModelManifest m) throws IOException {
        String id = m.id();
        List<String> labels = m.labels() == null ? List.of() : Files.readAllLines(zoo.file(id, m.labels()));
        Map<String, Object> in = m.input();
        ClassifierTranslator translator = new ClassifierTranslator(graph.inputWidth(), graph.inputHeight(),
                ((Number) in.getOrDefault("mean", 128.0)).floatValue(), ((Number) in.getOrDefault("std", 128.0)).floatValue(),
                labels);
        DistributionSummary batches = DistributionSummary.builder("pixelwise.classify.batch.size")
                .description("Images per forward pass").tag("model", id).register(metrics);
        forward(graph, new float[][]{new float[graph.inputChannels() * graph.inputHeight() * graph.inputWidth()]}); // warm-up: first call pays oneDNN's set-up
        BatchingClassifier runner = new BatchingClassifier(id, batch -> forward(graph, batch),
                config.maxBatch(), config.maxDelay().toMillis(), batches::record);
        return new Loaded(id, translator, runner);
    }

    /** One forward pass over planar [3,H,W] images; the arrays are freed at once (native memory). */
    private static float[][] forward(TfliteGraph graph, float[][] batch) {
        return ModelThread.call(() -> forwardHere(graph, batch));
    }

    private static float[][] forwardHere(TfliteGraph graph, float[][] batch) {
        int c = graph.inputChannels();
        int h = graph.inputHeight();
        int w = graph.inputWidth();
        float[] flat = new float[batch.length * c * h * w];
        for (int i = 0; i < batch.length; i++) {
            System.arraycopy(batch[i], 0, flat, i * c * h * w, c * h * w);
        }
        try (INDArray input = Nd4j.create(flat, new long[]{batch.length, c, h, w}, 'c');
             INDArray out = graph.output(input, TfliteImporter.PROBABILITIES)) {
            float[][] probs = new float[batch.length][];
            for (int i = 0; i < batch.length; i++) {
                try (INDArray row = out.getRow(i)) {
                    probs[i] = row.toFloatVector();
                }
            }
            return probs;
        }
    }

    @PreDestroy
    void close() {
        loaded.forEach(l -> l.runner().close());
    }
}
