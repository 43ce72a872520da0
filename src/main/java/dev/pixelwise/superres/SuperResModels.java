package dev.pixelwise.superres;

import dev.pixelwise.problem.AppException;
import dev.pixelwise.zoo.tfjs.TfjsGraph;
import dev.pixelwise.zoo.tfjs.TfjsImporter;
import dev.pixelwise.zoo.LoadedModels;
import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.ModelZoo;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

/** ESRGAN generators from the zoo, one SameDiff graph per model and scale, loaded on first use. */
@ApplicationScoped
public class SuperResModels {

    private final ModelZoo zoo;
    private final LoadedModels<TfjsGraph> graphs = new LoadedModels<>();

    public SuperResModels(ModelZoo zoo) {
        this.zoo = zoo;
    }

    /**
     * The network for {@code model} at {@code scale}, as interleaved-RGB in and out. Its {@code release}
     * frees the graph's tile buffers (hundreds of MB for esrgan-medium) so an idle model holds only weights.
     */
    TiledUpscaler.Network network(String model, int scale) {
        TfjsGraph graph = graph(model, scale);
        return new TiledUpscaler.Network() {
            @Override
            public int[] run(int[] rgb, int w, int h) {
                return ModelThread.call(() -> {
                    try (INDArray in = graph.inputFromRgb(rgb, h, w); INDArray out = graph.output(in)) {
                        return graph.toRgb(out);
                    }
                });
            }

            @Override
            public void release() {
                graph.releaseMemory();
            }
        };
    }

    private TfjsGraph graph(String model, int scale) {
        return graphs.get(model + "@x" + scale, k -> load(model, scale));
    }

    private TfjsGraph load(String model, int scale) {
        Path json = zoo.file(model, "x" + scale + "/model.json"); // 503 while missing or fetching
        for (var f : zoo.manifest(model).orElseThrow().files()) {
            zoo.file(model, f.name());
        }
        zoo.markState(model, ModelZoo.State.LOADING, null);
        try {
            TfjsGraph graph = ModelThread.call(() -> new TfjsImporter().loadOrImport(json, json.resolveSibling("model.samediff.fb")));
            zoo.markState(model, ModelZoo.State.LOADED, null);
            return graph;
        } catch (RuntimeException e) {
            zoo.markState(model, ModelZoo.State.FAILED, "could not load x" + scale + ": " + e.getMessage());
            throw new AppException.ModelUnavailable("Model " + model + " x" + scale + " could not be loaded: " + e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        graphs.forEach(TfjsGraph::close);
    }
}
