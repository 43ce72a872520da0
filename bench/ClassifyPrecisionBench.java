import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.Precision;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Why classify offers no precision option (run through bench/classify-precision.sh; a benchmark, not a timed
 * test): MobileNetV2's forward pass in fp32, bf16 and int8 through the app's GraphRunner, and each reduced
 * precision's answers against fp32's on every shared photo (whole photo stretched to 224², as the classifier
 * does), against issue #18's guard: top-1 unchanged and every probability within 0.01.
 *
 * <p>int8 gets its best case: ranges calibrated on the very photos it is judged on (the upscale and segment
 * tables leave their guard photos out). Timing: rounds alternating the precisions, each 20 warm-up + 200 single
 * passes, p50 per round; the table gives the median of the rounds and the ratio to fp32 in the same round.
 */
public class ClassifyPrecisionBench {

    public static void main(String[] args) throws Exception {
        Path photos = Path.of("../shared/images");
        Path tflite = Path.of("../shared/models/coral/mobilenet_v2_1.0_224_quant.tflite");
        int rounds = 5;
        StringBuilder md = new StringBuilder("## Classify: MobileNetV2 in fp32, bf16 and int8 (bench/classify-precision.sh)\n\n");
        md.append(String.format(Locale.ROOT, "CPU: %s, %d cores seen by the JVM; load average before: %s%n%n",
                ProfileBench.cpuName(), Runtime.getRuntime().availableProcessors(), ProfileBench.loadAverage()));
        try (TfliteGraph graph = new TfliteImporter().loadOrImport(tflite, Path.of("target/bench/samediff/mobilenet-v2-precision.samediff.fb"))) {
            List<String> names = new ArrayList<>();
            List<INDArray> inputs = new ArrayList<>();
            try (Stream<Path> s = Files.list(photos)) {
                for (Path p : s.filter(f -> f.toString().matches(".*\\.(jpg|bmp)$") && !f.toString().contains("mask")).sorted().toList()) {
                    BufferedImage sized = ImageOps.resizeBilinear(ImageIO.read(p.toFile()), graph.inputWidth(), graph.inputHeight());
                    inputs.add(graph.inputFromRgb(ImageOps.interleavedRgb(sized)));
                    names.add(p.getFileName().toString());
                }
            }
            graph.useInt8Ranges(graph.calibrate(inputs, names, TfliteImporter.PROBABILITIES));
            md.append("| precision | forward p50 ms (median of ").append(rounds).append(" rounds) | ratio to fp32 | photos | top-1 changed | largest probability change | guard (top-1 same, Δp ≤ 0.01) |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            List<Precision> precisions = List.of(Precision.FP32, Precision.BF16, Precision.INT8);
            double[][] p50 = new double[precisions.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < precisions.size(); k++) {
                    p50[k][r] = p50(graph, inputs.get(0), precisions.get(k));
                }
                System.out.printf(Locale.ROOT, "round %d: fp32 %.2f, bf16 %.2f, int8 %.2f ms%n", r + 1, p50[0][r], p50[1][r], p50[2][r]);
            }
            List<float[]> fp32 = new ArrayList<>();
            for (INDArray x : inputs) {
                fp32.add(probabilities(graph, x, Precision.FP32));
            }
            for (int k = 0; k < precisions.size(); k++) {
                Precision p = precisions.get(k);
                int changed = 0;
                double worst = 0;
                for (int i = 0; i < inputs.size(); i++) {
                    float[] a = fp32.get(i), b = probabilities(graph, inputs.get(i), p);
                    if (ClassifyBench.argMax(a) != ClassifyBench.argMax(b)) {
                        changed++;
                        System.out.printf("%s: %s top-1 %d → %d%n", p.label(), names.get(i), ClassifyBench.argMax(a), ClassifyBench.argMax(b));
                    }
                    for (int c = 0; c < a.length; c++) {
                        worst = Math.max(worst, Math.abs(a[c] - b[c]));
                    }
                }
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratio[r] = p50[k][r] / p50[0][r];
                }
                md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %d | %d | %.4f | %s |%n", p.label(),
                        SuperresBench.median(p50[k]), SuperresBench.median(ratio), inputs.size(), changed, worst,
                        p == Precision.FP32 ? "(reference)" : changed == 0 && worst <= 0.01 ? "holds" : "fails"));
            }
            inputs.forEach(INDArray::close);
        }
        md.append(String.format(Locale.ROOT, "%nint8's ranges were calibrated on the same photos (its best case). Load average after: %s%n",
                ProfileBench.loadAverage()));
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/classify-precision.md"), md);
        System.out.print(md);
        System.out.println("written to target/bench/classify-precision.md");
        System.exit(0);
    }

    static double p50(TfliteGraph graph, INDArray x, Precision p) {
        return ModelThread.call(() -> {
            for (int i = 0; i < 20; i++) {
                graph.output(x, p, TfliteImporter.PROBABILITIES).values().forEach(INDArray::close);
            }
            double[] t = new double[200];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                graph.output(x, p, TfliteImporter.PROBABILITIES).values().forEach(INDArray::close);
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            return SuperresBench.median(t);
        });
    }

    static float[] probabilities(TfliteGraph graph, INDArray x, Precision p) {
        graph.output(x, p, TfliteImporter.PROBABILITIES).values().forEach(INDArray::close); // a new plan's first call
        try (INDArray out = graph.output(x, p, TfliteImporter.PROBABILITIES).get(TfliteImporter.PROBABILITIES)) {
            return out.toFloatVector();
        }
    }
}
