import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.zoo.Int8Ranges;
import dev.pixelwise.zoo.Precision;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;
import dev.pixelwise.zoo.tflite.TfliteModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Segmentation benchmark (run through bench/segment.sh; a benchmark, not a timed test): the app's SameDiff
 * import of the Coral DeepLabV3 (MobileNetV2 backbone, 513²) against the same network in PyTorch CPU, built
 * by bench/torch_tflite.py from the graph and weights {@link ClassifyBench#exportGraph} exports from the same
 * .tflite file, fed the same input tensor, in one run. Issue #18's target: DL4J p50 ≤ 1.0× PyTorch.
 *
 * <p>Protocol as ClassifyBench's single-image part: {@code --rounds N} (5) rounds alternating the engines;
 * per round and engine {@code --warmup N} (5) warm-up runs (DL4J: first round only), then 50 timed runs;
 * medians over the rounds. DL4J runs what the app's segment task runs (SemanticSegmenter.classify): the
 * image stretched bilinear to 513², the input quantisation applied ({@link TfliteGraph#inputFromRgb}), and
 * the graph's class map asked of the app's GraphRunner ({@link TfliteImporter#CLASSES}, int64 [1, 513, 513]).
 * The fused oneDNN convolutions are on unless {@code -Dpixelwise.zoo.onednn-fusion=false} is given; the
 * notes name the ND4J build that ran (ND4J_NATIVE=onednn-avx512 bench/segment.sh for another, see common.sh).
 * PyTorch computes the same class map (torch.argmax) with 2 threads under torch.inference_mode().
 *
 * <p>Agreement: the share of pixels whose class is the same in both maps (the program fails below 0.999 in
 * fp32 and bf16; in int8 below 0.99, the share DeepLabPrecisionTest allows against the app's own fp32) and the
 * largest difference of the logits (33×33×21, before the final resize).
 */
public class SegmentBench {

    /** What DL4J's convolutions compute in: -Dprecision=auto|fp32|bf16|int8, default auto (the segment task's default). */
    static final Precision PRECISION = Precision.resolve(System.getProperty("precision", "auto"), Precision.AUTO_SEGMENT);
    static final String NAME = "deeplabv3-mnv2";
    static final String FILE = "deeplabv3_mnv2_pascal_quant.tflite";
    static final Path IMAGE = Path.of("../shared/images/bird_segmentation.bmp");
    static final double MIN_AGREEMENT = PRECISION == Precision.INT8 ? 0.99 : 0.999;

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> ClassifyBench.warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: segment.sh [--warmup N] [--rounds N]");
            }
        }
        Path out = ClassifyBench.OUT;
        Path dir = out.resolve("torch").resolve(NAME);
        Files.createDirectories(dir);
        String loadBefore = ClassifyBench.loadAverage();
        System.out.printf(Locale.ROOT, "cores seen by the JVM: %d; load average before: %s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore);
        Path tflite = ClassifyBench.MODELS.resolve(FILE);
        TfliteModel model = TfliteModel.read(tflite);
        System.out.println(NAME + ": " + model.operatorCounts());
        ClassifyBench.exportGraph(model, NAME, dir);

        List<Double> dl4jP50 = new ArrayList<>(), dl4jP95 = new ArrayList<>(), dl4jForeign = new ArrayList<>();
        List<Double> torchP50 = new ArrayList<>(), torchP95 = new ArrayList<>(), torchForeign = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        double agreement = 1, logitsDiff = 0;
        String torchInfo = "";
        try (TfliteGraph graph = new TfliteImporter().loadOrImport(tflite,
                out.resolve("samediff").resolve(FILE + ".samediff.fb"));
             INDArray input = input(graph)) {
            Int8Ranges.attach(graph, "deeplabv3-mnv2", null); // as the app does: int8 needs the model's table
            if (graph.runnable(PRECISION) != PRECISION) {
                throw new IllegalStateException(PRECISION + " does not run on " + graph + " (no calibration table?)");
            }
            ClassifyBench.writeFloats(dir.resolve("input.bin"), input.data().asFloat());
            Map<String, INDArray> ref = graph.output(input, PRECISION, TfliteImporter.CLASSES, TfliteImporter.LOGITS);
            try (INDArray classes = ref.get(TfliteImporter.CLASSES); INDArray logits = ref.get(TfliteImporter.LOGITS);
                 INDArray classesFloat = classes.castTo(DataType.FLOAT)) {
                System.out.println("  DL4J: classes " + Arrays.toString(classes.shape()) + ", logits "
                        + Arrays.toString(logits.shape()));
                ClassifyBench.writeFloats(dir.resolve("dl4j_classes.bin"), classesFloat.data().asFloat());
                ClassifyBench.writeFloats(dir.resolve("dl4j_logits.bin"), logits.data().asFloat());
            }
            for (int round = 0; round < rounds; round++) {
                // Rounds alternate the engines, so a slow spell of this shared 2-core machine hits both alike.
                double[] d = timeDl4j(graph, input, round == 0);
                String t = ClassifyBench.runTorch(dir);
                dl4jP50.add(d[0]);
                dl4jP95.add(d[1]);
                dl4jForeign.add(d[2]);
                torchP50.add(ClassifyBench.num(t, "p50_ms"));
                torchP95.add(ClassifyBench.num(t, "p95_ms"));
                torchForeign.add(ClassifyBench.num(t, "foreign_cpu_pct"));
                ratios.add(d[0] / ClassifyBench.num(t, "p50_ms"));
                agreement = Math.min(agreement, ClassifyBench.num(t, "class_agreement"));
                logitsDiff = Math.max(logitsDiff, ClassifyBench.num(t, "logits_max_abs_diff"));
                torchInfo = String.format(Locale.ROOT, "torch %s, %d threads", ClassifyBench.str(t, "torch"),
                        (int) ClassifyBench.num(t, "threads"));
                System.out.printf(Locale.ROOT, "  round %d: DL4J p50 %.1f ms, PyTorch p50 %.1f ms, ratio %.2f%n",
                        round + 1, d[0], ClassifyBench.num(t, "p50_ms"), d[0] / ClassifyBench.num(t, "p50_ms"));
            }
        }
        double ratio = ClassifyBench.medianOf(ratios);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "CPU: %s, %d cores seen by the JVM; load average before: %s; DL4J precision %s "
                        + "(-Dprecision=%s; the app's default is auto), PyTorch float32%n%n",
                ProfileBench.cpuName(), Runtime.getRuntime().availableProcessors(), loadBefore, PRECISION.label(),
                System.getProperty("precision", "auto")));
        md.append("| model | input | DL4J p50 ms | DL4J p95 ms | PyTorch p50 ms | PyTorch p95 ms "
                + "| **p50 ratio (DL4J/PyTorch)** | class maps agree | logits max abs diff |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        String row = String.format(Locale.ROOT, "| %s | 513×513 %s | %.1f | %.1f | %.1f | %.1f | **%.2f** | %.6f | %.3g |",
                NAME, IMAGE.getFileName(), ClassifyBench.medianOf(dl4jP50), ClassifyBench.medianOf(dl4jP95),
                ClassifyBench.medianOf(torchP50), ClassifyBench.medianOf(torchP95), ratio, agreement, logitsDiff);
        md.append(row).append("\n\n");
        md.append(String.format(Locale.ROOT, "- p50 ratio per round %s; target ≤ 1.0× %s; %s; "
                        + "PyTorch: %s; CPU used by other processes while timing (median): DL4J %.0f%%, PyTorch %.0f%%%s%n",
                ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), ratio <= 1.0 ? "met" : "missed",
                ClassifyBench.nativeBuild(), torchInfo,
                ClassifyBench.medianOf(dl4jForeign), ClassifyBench.medianOf(torchForeign),
                Math.max(ClassifyBench.medianOf(dl4jForeign), ClassifyBench.medianOf(torchForeign)) > 10
                        ? " (DISTURBED: rerun on an idle machine)" : ""));
        md.append(String.format(Locale.ROOT, "- %d rounds, each DL4J then PyTorch: %d warm-up (DL4J: first round only) "
                        + "+ %d runs (p50/p95, nearest rank); medians over the rounds, the ratio the median of the "
                        + "per-round ratios. Class maps agree: the lowest share of equal pixels over the rounds; load "
                        + "average after: %s%n",
                rounds, ClassifyBench.warmup, ClassifyBench.SINGLE_RUNS, ClassifyBench.loadAverage()));
        Files.writeString(out.resolve("segment.md"), md.toString());
        System.out.println();
        System.out.print(md);
        System.out.println("written to " + out.resolve("segment.md"));
        if (agreement < MIN_AGREEMENT) {
            System.err.printf(Locale.ROOT, "FAILED: the class maps agree on %.6f of the pixels (< %.3f)%n",
                    agreement, MIN_AGREEMENT);
            System.exit(1);
        }
    }

    /** The image as the app's segment task feeds it (SemanticSegmenter.classify): stretched, quantisation applied. */
    static INDArray input(TfliteGraph g) throws Exception {
        BufferedImage src = ImageIO.read(IMAGE.toFile());
        return g.inputFromRgb(ImageOps.interleavedRgb(ImageOps.resizeBilinear(src, g.inputWidth(), g.inputHeight())));
    }

    /** p50, p95 (ms) and other processes' CPU share (%) of {@link ClassifyBench#SINGLE_RUNS} class-map passes. */
    static double[] timeDl4j(TfliteGraph graph, INDArray input, boolean first) {
        ClassifyBench.CpuWatch watch = new ClassifyBench.CpuWatch();
        for (int i = 0; first && i < ClassifyBench.warmup; i++) {
            graph.output(input, PRECISION, TfliteImporter.CLASSES).values().forEach(INDArray::close);
        }
        double[] ms = new double[ClassifyBench.SINGLE_RUNS];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            graph.output(input, PRECISION, TfliteImporter.CLASSES).values().forEach(INDArray::close);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new double[]{ClassifyBench.percentile(ms, 50), ClassifyBench.percentile(ms, 95), watch.foreignPercent()};
    }
}
