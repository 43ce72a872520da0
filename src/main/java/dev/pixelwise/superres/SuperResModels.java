package dev.pixelwise.superres;

import dev.pixelwise.zoo.LoadedModels;
import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.ModelZoo;
import dev.pixelwise.zoo.Precision;
import dev.pixelwise.zoo.tfjs.TfjsGraph;
import dev.pixelwise.zoo.tfjs.TfjsImporter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ESRGAN generators from the zoo, one SameDiff graph per model and scale, loaded on first use. */
@ApplicationScoped
public class SuperResModels {

    private final LoadedModels<TfjsGraph> graphs;

    public SuperResModels(ModelZoo zoo) {
        this.graphs = new LoadedModels<>(zoo, "upscale", "an upscaling model");
    }

    /**
     * The network for {@code model} at {@code scale}, its convolutions in {@code precision}, as interleaved-RGB in and out. Its {@code release}
     * frees the graph's tile buffers (hundreds of MB for esrgan-medium) so an idle model holds only weights.
     */
    TiledUpscaler.Network network(String model, int scale, Precision precision) {
        TfjsGraph graph = graph(model, scale);
        return new TiledUpscaler.Network() {
            @Override
            public int[] run(int[] rgb, int w, int h) {
                return ModelThread.call(() -> {
                    try (INDArray in = graph.inputFromRgb(rgb, h, w); INDArray out = graph.output(in, precision)) {
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

    /** What {@code precision} runs as on {@code model} at {@code scale} (int8 needs its calibration table). */
    Precision runnable(String model, int scale, Precision precision) {
        return graph(model, scale).runnable(precision);
    }

    private TfjsGraph graph(String model, int scale) {
        return graphs.get(model, "x" + scale, new TfjsImporter(), (graph, manifest) -> graph);
    }

    @PreDestroy
    void close() {
        graphs.forEach(TfjsGraph::close);
    }
}
