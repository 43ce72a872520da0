package dev.pixelwise.classify;

import dev.pixelwise.problem.AppException;
import dev.pixelwise.zoo.LoadedModels;
import dev.pixelwise.zoo.ModelManifest;
import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.ModelZoo;
import dev.pixelwise.zoo.Precision;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * The classification models of the zoo, each loaded once (lazily, on first use) into a SameDiff
 * graph that its own batching thread owns. The imported graph is cached beside the TFLite file,
 * so only the first start pays for the import.
 */
@ApplicationScoped
public class ClassifierModels {

    /**
     * A loaded model: how to feed it and the threads that run it, one for the probabilities and one for
     * the pooled features ({@code embedder}, null when the graph has no single global pool); {@code cam}
     * says where its class activation maps come from (null when the graph has no pool read by a 1×1
     * classifier), {@code mapRows} × {@code mapCols} their size.
     */
    record Loaded(String id, ClassifierTranslator translator, BatchingClassifier runner, BatchingClassifier embedder,
                  ClassActivation.Head cam, int mapRows, int mapCols) {
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
        float[][] blank = {new float[graph.inputChannels() * graph.inputHeight() * graph.inputWidth()]};
        forward(graph, blank); // warm-up: first call pays oneDNN's set-up
        String pooled = pooledOutput(graph);
        ClassActivation.Head cam = ClassActivation.find(graph.sameDiff(), pooled);
        String maps = cam == null ? null : cam.featureMaps();
        boolean channelsLast = cam != null && cam.channelsLast();
        int[] mapSize = {0, 0};
        if (maps != null) { // warm-up of the plan with the feature maps, and their size
            ModelThread.run(() -> {
                try (INDArray out = output(graph, blank, maps).get(maps)) {
                    mapSize[0] = (int) out.size(channelsLast ? 1 : 2);
                    mapSize[1] = (int) out.size(channelsLast ? 2 : 3);
                }
            });
            forward(graph, blank, cam);
        }
        BatchingClassifier runner = new BatchingClassifier(id, (batch, withMaps) -> forward(graph, batch, withMaps ? cam : null),
                config.maxBatch(), config.maxDelay().toMillis(), batches::record);
        BatchingClassifier embedder = null;
        if (pooled != null) {
            embed(graph, pooled, blank, null);
            if (maps != null) {
                embed(graph, pooled, blank, cam);
            }
            DistributionSummary featureBatches = DistributionSummary.builder("pixelwise.classify.features.batch.size")
                    .description("Images per forward pass to the pooled features (collections)").tag("model", id)
                    .register(metrics);
            embedder = new BatchingClassifier(id + "-features", (batch, withMaps) -> embed(graph, pooled, batch, withMaps ? cam : null),
                    config.maxBatch(), config.maxDelay().toMillis(), featureBatches::record);
        }
        return new Loaded(id, translator, runner, embedder, cam, mapSize[0], mapSize[1]);
    }

    /**
     * The model's pooled features, L2-normalised, for each upright image (resized as for classification):
     * the output of its global average pool, the layer its classifier reads (MobileNetV2: 1280 values).
     * Blocks until the batch thread has run them; 503 when the model cannot load or has no such layer.
     */
    public float[][] embed(String modelId, List<BufferedImage> upright) {
        Loaded model = get(modelId);
        if (model.embedder() == null) {
            throw new AppException.ModelUnavailable("Model " + modelId + " has no pooled feature layer");
        }
        float[][] inputs = new float[upright.size()][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = model.translator().toTensor(model.translator().resize(upright.get(i)));
        }
        return await(model.embedder(), inputs);
    }

    /** The result of a batch submitted to {@code runner}; an interrupted wait is a cancellation. */
    static float[][] await(BatchingClassifier runner, float[][] batch) {
        return await(runner, batch, false).outputs();
    }

    /** {@link #await(BatchingClassifier, float[][])}, with the feature maps of the same pass when {@code maps}. */
    static BatchingClassifier.Pass await(BatchingClassifier runner, float[][] batch, boolean maps) {
        try {
            return runner.submit(batch, maps).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CancellationException c) { // a lone request run here, interrupted on the way
                throw c;
            }
            throw new AppException.ModelUnavailable("Inference failed: " + e.getCause().getMessage());
        }
    }

    /**
     * The name of the graph's global average pool output: its only AVERAGE_POOL_2D (MobileNet V1 and V2
     * pool the last feature maps to [N, C, 1, 1] and feed that to a 1×1 convolution, the classifier).
     * Null when there is not exactly one.
     */
    public static String pooledOutput(TfliteGraph graph) {
        List<String> pools = new ArrayList<>();
        for (SameDiffOp op : graph.sameDiff().getOps().values()) {
            if ("avgpool2d".equals(op.getOp().opName())) {
                pools.addAll(op.getOutputsOfOp());
            }
        }
        return pools.size() == 1 ? pools.get(0) : null;
    }

    /**
     * Pooled features of planar [3,H,W] images (normalised model inputs), flattened to [C] and scaled to
     * unit length. Public for the bench, which embeds a data set the way the app embeds an example.
     */
    public static float[][] embed(TfliteGraph graph, String pooled, float[][] batch) {
        return embed(graph, pooled, batch, null).outputs();
    }

    /** {@link #embed(TfliteGraph, String, float[][])}, with the feature maps of {@code maps} (if not null). */
    private static BatchingClassifier.Pass embed(TfliteGraph graph, String pooled, float[][] batch, ClassActivation.Head maps) {
        return ModelThread.call(() -> {
            Map<String, INDArray> out = output(graph, batch, maps == null ? new String[]{pooled}
                    : new String[]{pooled, maps.featureMaps()});
            try {
                float[][] features = rows(out.get(pooled), batch.length);
                for (int i = 0; i < features.length; i++) {
                    features[i] = unitLength(features[i]);
                }
                return new BatchingClassifier.Pass(features, maps == null ? null : planarRows(out, maps, batch.length));
            } finally {
                out.values().forEach(INDArray::close);
            }
        });
    }

    /** Each image's feature maps as planar [C, h, w] values (the graph may hold them channels last). */
    private static float[][] planarRows(Map<String, INDArray> out, ClassActivation.Head maps, int n) {
        INDArray m = out.get(maps.featureMaps());
        return rows(maps.channelsLast() ? m.permute(0, 3, 1, 2) : m, n); // a view of m: closed with it
    }

    /**
     * Each image's values of a [N, …] array, flattened in C order, read straight from its native memory (a copy in C
     * order first when it is a view). Why: a view per row and ND4J's copy of it took 0.14 ms per classify inside
     * the app (p50 of 200, AMD EPYC, 2 cores), 0.03 ms in a loop of their own.
     */
    private static float[][] rows(INDArray out, int n) {
        // a permuted array is no view, yet its elements are not in C order: the strides tell
        INDArray c = out.ordering() == 'c' && !out.isView() && Shape.hasDefaultStridesForShape(out) ? out : out.dup('c');
        try {
            FloatPointer values = new FloatPointer(c.data().addressPointer());
            long start = values.position();
            int per = (int) (c.length() / n);
            float[][] rows = new float[n][per];
            for (int i = 0; i < n; i++) {
                values.position(start + (long) i * per).get(rows[i], 0, per);
            }
            return rows;
        } finally {
            if (c != out) {
                c.close();
            }
        }
    }

    /** {@code v} divided by its Euclidean norm (in double, so the result depends on the values only). */
    public static float[] unitLength(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (v[i] / norm);
        }
        return out;
    }

    /** One forward pass over planar [3,H,W] images; the arrays are freed at once (native memory). */
    private static float[][] forward(TfliteGraph graph, float[][] batch) {
        return forward(graph, batch, null).outputs();
    }

    /** The probabilities and, when {@code maps} is not null, its feature maps, from one forward pass. */
    private static BatchingClassifier.Pass forward(TfliteGraph graph, float[][] batch, ClassActivation.Head maps) {
        return ModelThread.call(() -> forwardHere(graph, batch, maps));
    }

    private static BatchingClassifier.Pass forwardHere(TfliteGraph graph, float[][] batch, ClassActivation.Head maps) {
        Map<String, INDArray> out = output(graph, batch, maps == null ? new String[]{TfliteImporter.PROBABILITIES}
                : new String[]{TfliteImporter.PROBABILITIES, maps.featureMaps()});
        try {
            float[][] probs = rows(out.get(TfliteImporter.PROBABILITIES), batch.length);
            return new BatchingClassifier.Pass(probs, maps == null ? null : planarRows(out, maps, batch.length));
        } finally {
            out.values().forEach(INDArray::close);
        }
    }

    /**
     * One forward pass over planar [C, H, W] images, in float32, the named outputs (the caller closes them). The
     * images are copied straight into the native input array the graph keeps: a Java array of the whole batch
     * first cost 0.6 ms per image through the API (p50), and at 600 KB per image it is a G1 humongous
     * allocation, which starts a concurrent cycle.
     */
    private static Map<String, INDArray> output(TfliteGraph graph, float[][] batch, String... names) {
        return graph.output(batch.length, graph.fromPlanar(batch), Precision.FP32, names);
    }

    @PreDestroy
    void close() {
        loaded.forEach(l -> {
            l.runner().close();
            if (l.embedder() != null) {
                l.embedder().close();
            }
        });
    }
}
