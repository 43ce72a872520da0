import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.zoo.ImportedGraph;
import dev.pixelwise.zoo.Int8Ranges;
import dev.pixelwise.zoo.ModelThread;
import dev.pixelwise.zoo.Precision;
import dev.pixelwise.zoo.tfjs.TfjsGraph;
import dev.pixelwise.zoo.tfjs.TfjsImporter;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-op profile of the imported graphs through the app's GraphRunner (run through bench/profile.sh; a
 * benchmark, not a timed test): MobileNetV2 (224²), DeepLabV3 (513²) and ESRGAN thick ×4 (a 64² crop),
 * each warmed up, then {@code --runs N} (20; 5 for the larger two) forward passes with the runner's step
 * timer on. Per op type and per layer: calls, total ms per forward, share of the forward, multiply-adds
 * (conv / depthwise / matrix products, from the shapes) and GFLOP/s (2 FLOPs per multiply-add).
 *
 * <p>The oneDNN primitives inside ND4J's conv and pooling ops (the convolution itself, and the reorders
 * of activations and weights into its layout and back) are not visible from Java. With {@code --dnnl-log
 * MODEL=FILE} this program reads what oneDNN printed about one pass of MODEL when run with
 * {@code DNNL_VERBOSE=1} (profile.sh makes those logs first, one JVM per model), and shows the reorders
 * as their own rows: per op type, the primitive time split into convolution / reorders; per layer, the
 * reorder ms of that layer.
 *
 * <p>All ND4J work runs on the app's {@link ModelThread}, as in the app: libgomp keeps a thread team per
 * thread that ever ran a parallel region, and two teams on two cores make every region slower.
 */
public class ProfileBench {

    static final Path OUT = Path.of("target/bench");
    static final Path CORAL = Path.of("../shared/models/coral");
    static final Path PHOTOS = Path.of("../shared/images");

    /**
     * The cache files of graphs imported with {@code -Dpixelwise.tflite.nchw=true} (the layout before issue
     * #18, for before/after profiles: JAVA_OPTS="-Dpixelwise.tflite.nchw=true -Dpixelwise.zoo.onednn-fusion=false"
     * bench/profile.sh) are kept apart from the NHWC ones.
     */
    static final String LAYOUT = Boolean.getBoolean("pixelwise.tflite.nchw") ? "-nchw" : "";
    /** DeepLab's precision: -Dprecision resolved as the segment task does (its auto may pick int8, upscale's not). */
    static final Precision SEGMENT_PRECISION = Precision.resolve(System.getProperty("precision", "auto"), Precision.AUTO_SEGMENT);
    static int runs = -1;
    static int warmup = 5;
    static final Map<String, Path> dnnlLogs = new LinkedHashMap<>();

    /** One model to profile: how to load it, its input, the outputs asked, and the runs. */
    record Subject(String name, String input, int defaultRuns, Loader loader) {
    }

    interface Loader {
        Loaded load() throws Exception;
    }

    /** A loaded graph with the forward pass the app does (the outputs it asks for). */
    record Loaded(ImportedGraph graph, INDArray input, Function<INDArray, List<INDArray>> forward) {
    }

    static final List<Subject> SUBJECTS = List.of(
            new Subject("mobilenet-v2", "224×224 cat.bmp", 20, () -> {
                TfliteGraph g = new TfliteImporter().loadOrImport(CORAL.resolve("mobilenet_v2_1.0_224_quant.tflite"),
                        OUT.resolve("samediff").resolve("mobilenet_v2_1.0_224_quant.tflite" + LAYOUT + ".samediff.fb"));
                INDArray x = tfliteInput(g, "cat.bmp");
                return new Loaded(g, x, in -> List.of(g.output(in, TfliteImporter.PROBABILITIES)));
            }),
            new Subject("deeplabv3-mnv2", "513×513 bird_segmentation.bmp", 5, () -> {
                TfliteGraph g = new TfliteImporter().loadOrImport(CORAL.resolve("deeplabv3_mnv2_pascal_quant.tflite"),
                        OUT.resolve("samediff").resolve("deeplabv3_mnv2_pascal_quant.tflite" + LAYOUT + ".samediff.fb"));
                INDArray x = tfliteInput(g, "bird_segmentation.bmp");
                Int8Ranges.attach(g, "deeplabv3-mnv2", null);
                return new Loaded(g, x, in -> List.copyOf(g.output(in, SEGMENT_PRECISION, TfliteImporter.CLASSES,
                        TfliteImporter.LOGITS).values()));
            }),
            new Subject("esrgan-thick-x4", "64×64 crop of kite_and_cold.jpg", 5, () -> {
                TfjsGraph g = new TfjsImporter().loadOrImport(SuperresBench.modelJson("thick"),
                        OUT.resolve("samediff").resolve("esrgan-thick-x4.samediff.fb"));
                BufferedImage kite = ImageIO.read(PHOTOS.resolve("kite_and_cold.jpg").toFile());
                int size = 64;
                int[] rgb = ImageOps.interleavedRgb(kite.getSubimage((kite.getWidth() - size) / 2,
                        (kite.getHeight() - size) / 2, size, size));
                INDArray x = g.inputFromRgb(rgb, size, size);
                Int8Ranges.attach(g, "esrgan-thick", "x4");
                return new Loaded(g, x, in -> List.of(g.output(in, SuperresBench.PRECISION)));
            }));

    public static void main(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        boolean verbosePass = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--dnnl-pass" -> verbosePass = true;
                case "--dnnl-log" -> {
                    String[] kv = args[++i].split("=", 2);
                    dnnlLogs.put(kv[0], Path.of(kv[1]));
                }
                default -> names.add(args[i]);
            }
        }
        if (names.isEmpty()) {
            SUBJECTS.forEach(s -> names.add(s.name()));
        }
        Files.createDirectories(OUT.resolve("samediff"));
        boolean dnnlPass = verbosePass;
        ModelThread.call(() -> { // every ND4J call on the model thread, the import too (see the class comment)
            if (dnnlPass) {
                dnnlPass(names);
            } else {
                profile(names);
            }
            return null;
        });
        System.exit(0); // the model thread is a daemon, but ND4J's own threads may not be
    }

    /**
     * For DNNL_VERBOSE=1: warm up, then exactly {@link #DNNL_PASSES} passes of one model, so the log holds
     * {@link #DNNL_PASSES} identical sequences of primitive executions after the warm-up's.
     */
    static final int DNNL_PASSES = 3;
    static final int WARM_PASSES = 2;

    static void dnnlPass(List<String> names) throws Exception {
        if (names.size() != 1) {
            throw new IllegalArgumentException("--dnnl-pass profiles one model per JVM");
        }
        Subject s = subject(names.get(0));
        Loaded m = s.loader().load();
        try (ImportedGraph g = m.graph()) {
            for (int i = 0; i < WARM_PASSES; i++) {
                m.forward().apply(m.input()).forEach(INDArray::close);
            }
            System.err.println("DNNL-PASSES-START"); // stderr: the log on stdout is oneDNN's alone
            for (int i = 0; i < DNNL_PASSES; i++) {
                m.forward().apply(m.input()).forEach(INDArray::close);
            }
        }
    }

    static Subject subject(String name) {
        return SUBJECTS.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model " + name + "; known: "
                        + SUBJECTS.stream().map(Subject::name).toList()));
    }

    // ---------------------------------------------------------------- profile

    /** One layer (step) of the program: what it is, and what the timed passes spent in it. */
    static final class Layer {
        final int index;
        final String op;
        final String output;
        String shapes;
        long macs;
        long nanos;
        int calls;
        Dnnl dnnl; // the oneDNN primitives it ran, from the verbose log, or null

        Layer(int index, String op, String output) {
            this.index = index;
            this.op = op;
            this.output = output;
        }
    }

    static void profile(List<String> names) throws Exception {
        String cpu = cpuName();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "## Per-op profile (bench/profile.sh)%n%nCPU: %s, %d cores seen by the JVM; "
                        + "ND4J %s, oneDNN build, ND4J max threads %d, OMP_NUM_THREADS=%s; load average before: %s%n%n",
                cpu, Runtime.getRuntime().availableProcessors(), "1.0.0-M2.1",
                Nd4j.getEnvironment().maxThreads(), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), loadAverage()));
        md.append(String.format(Locale.ROOT, "TFLite graphs %s inside; fused oneDNN convolutions %s; DeepLab in %s and "
                        + "ESRGAN in %s (-Dprecision=%s; the tasks' default is auto), MobileNet in fp32 (classify has no option).%n%n",
                LAYOUT.isEmpty() ? "NHWC" : "NCHW (-Dpixelwise.tflite.nchw=true)",
                "false".equals(System.getProperty("pixelwise.zoo.onednn-fusion")) ? "off" : "on",
                SEGMENT_PRECISION.label(), SuperresBench.PRECISION.label(), System.getProperty("precision", "auto")));
        for (String name : names) {
            Subject s = subject(name);
            int n = runs > 0 ? runs : s.defaultRuns();
            Loaded m = s.loader().load();
            List<Layer> layers = new ArrayList<>();
            double[] forwardMs = new double[n];
            double[] untimedMs = new double[n];
            try (ImportedGraph g = m.graph()) {
                for (int i = 0; i < warmup; i++) {
                    m.forward().apply(m.input()).forEach(INDArray::close);
                }
                // Untimed passes first (the timer off, as the app runs), then the timed ones.
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    m.forward().apply(m.input()).forEach(INDArray::close);
                    untimedMs[i] = (System.nanoTime() - t0) / 1e6;
                }
                int[] step = {0};
                g.timeSteps((kind, op, output, inputs, outputs, nanos) -> {
                    int i = step[0]++;
                    if (layers.size() <= i) {
                        Layer l = new Layer(i, kind, output);
                        l.shapes = shapes(inputs, outputs);
                        l.macs = multiplyAdds(op, inputs, outputs);
                        layers.add(l);
                    }
                    Layer l = layers.get(i);
                    l.nanos += nanos;
                    l.calls++;
                });
                for (int r = 0; r < n; r++) {
                    step[0] = 0;
                    long t0 = System.nanoTime();
                    m.forward().apply(m.input()).forEach(INDArray::close);
                    forwardMs[r] = (System.nanoTime() - t0) / 1e6;
                }
                g.timeSteps(null);
            }
            m.input().close();
            Path log = dnnlLogs.get(name);
            String dnnlNote = log == null ? "no DNNL_VERBOSE log given" : attach(layers, Dnnl.read(log));
            md.append(table(s, n, layers, forwardMs, untimedMs, dnnlNote));
            System.out.println(name + " done");
        }
        md.append(String.format(Locale.ROOT, "Load average after: %s%n", loadAverage()));
        Path file = OUT.resolve("profile" + LAYOUT + ".md");
        Files.writeString(file, md.toString());
        System.out.println();
        System.out.print(md);
        System.out.println("written to " + file);
    }

    static String table(Subject s, int n, List<Layer> layers, double[] forwardMs, double[] untimedMs, String dnnlNote) {
        StringBuilder md = new StringBuilder();
        double stepsMs = layers.stream().mapToLong(l -> l.nanos).sum() / 1e6 / n;
        long macs = layers.stream().mapToLong(l -> l.macs).sum();
        double untimed = SuperresBench.median(untimedMs);
        double timed = SuperresBench.median(forwardMs);
        md.append(String.format(Locale.ROOT, "### %s, %s%n%n", s.name(), s.input()));
        md.append(String.format(Locale.ROOT, "Forward pass median %.2f ms (best %.2f) with the step timer off, %.2f ms "
                        + "(best %.2f) with it on, over %d runs each; sum of the op times %.2f ms; %d ops; %.3f G multiply-adds "
                        + "(%.1f GFLOP/s over the whole pass).%n%n",
                untimed, SuperresBench.min(untimedMs), timed, SuperresBench.min(forwardMs), n, stepsMs, layers.size(), macs / 1e9,
                2 * macs / (untimed / 1e3) / 1e9));

        // Per op type, with the oneDNN split where known.
        Map<String, double[]> byType = new LinkedHashMap<>(); // calls, ms, macs
        for (Layer l : layers) {
            double[] t = byType.computeIfAbsent(l.op, k -> new double[3]);
            t[0] += 1;
            t[1] += l.nanos / 1e6 / n;
            t[2] += l.macs;
        }
        md.append("| op type | calls per pass | ms per pass | share | G multiply-adds | GFLOP/s |\n|---|---|---|---|---|---|\n");
        byType.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).forEach(e -> {
            double[] t = e.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.1f%% | %s | %s |%n", e.getKey(), (int) t[0], t[1],
                    100 * t[1] / stepsMs, t[2] > 0 ? String.format(Locale.ROOT, "%.3f", t[2] / 1e9) : "",
                    t[2] > 0 ? String.format(Locale.ROOT, "%.1f", 2 * t[2] / (t[1] / 1e3) / 1e9) : ""));
            Map<String, double[]> parts = new LinkedHashMap<>();
            for (Layer l : layers) {
                if (l.op.equals(e.getKey()) && l.dnnl != null) {
                    l.dnnl.parts.forEach((k, v) -> {
                        double[] p = parts.computeIfAbsent(k, x -> new double[2]);
                        p[0] += v[0];
                        p[1] += v[1];
                    });
                }
            }
            double inPrimitives = 0;
            for (Map.Entry<String, double[]> p : parts.entrySet()) {
                inPrimitives += p.getValue()[1];
                md.append(String.format(Locale.ROOT, "| &nbsp;&nbsp;↳ oneDNN %s | %d | %.2f | %.1f%% | | |%n", p.getKey(),
                        (int) p.getValue()[0], p.getValue()[1], 100 * p.getValue()[1] / stepsMs));
            }
            if (!parts.isEmpty()) {
                md.append(String.format(Locale.ROOT, "| &nbsp;&nbsp;↳ outside oneDNN's primitives (setup, JNI, ND4J) | | %.2f | %.1f%% | | |%n",
                        t[1] - inPrimitives, 100 * (t[1] - inPrimitives) / stepsMs));
            }
        });
        md.append(String.format(Locale.ROOT, "%nThe ↳ rows split an op type's time by what oneDNN reported (%s); "
                + "oneDNN's own times come from a separate DNNL_VERBOSE=1 run of the same passes, so the split is "
                + "approximate: each primitive's time is its best of %d passes, an op's time its total over %d "
                + "passes / %d.%n%n", dnnlNote, DNNL_PASSES, n, n));

        // Per layer.
        md.append("<details><summary>per layer</summary>\n\n| # | op | output | shapes (inputs → outputs) | ms per pass | share | M multiply-adds | GFLOP/s | oneDNN reorders ms |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Layer l : layers) {
            double ms = l.nanos / 1e6 / n;
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %.3f | %.1f%% | %s | %s | %s |%n", l.index, l.op, l.output,
                    l.shapes, ms, 100 * ms / stepsMs, l.macs > 0 ? String.format(Locale.ROOT, "%.1f", l.macs / 1e6) : "",
                    l.macs > 0 ? String.format(Locale.ROOT, "%.1f", 2 * l.macs / (ms / 1e3) / 1e9) : "",
                    l.dnnl == null ? "" : String.format(Locale.ROOT, "%.3f", l.dnnl.reorderMs())));
        }
        md.append("\n</details>\n\n");
        return md.toString();
    }

    static String shapes(INDArray[] inputs, INDArray[] outputs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < inputs.length; i++) {
            b.append(i == 0 ? "" : " ").append(Arrays.toString(inputs[i].shape()).replace(" ", ""));
        }
        b.append(" → ");
        for (int i = 0; i < outputs.length; i++) {
            b.append(i == 0 ? "" : " ").append(Arrays.toString(outputs[i].shape()).replace(" ", ""));
        }
        return b.toString();
    }

    /**
     * Multiply-adds of a convolution (each output element sums weights / output channels products) or
     * a matrix product (each output element sums K products, K² = |a|·|b| / |out|); 0 for other ops.
     */
    static long multiplyAdds(DifferentialFunction op, INDArray[] in, INDArray[] out) {
        if (op instanceof Conv2D || op instanceof DepthwiseConv2D) { // iArgs[9]: NHWC (the config object may not say)
            long channels = out[0].size(((DynamicCustomOp) op).iArgs()[9] == 1 ? 3 : 1);
            return out[0].length() * (in[1].length() / channels);
        }
        String name = op.opName();
        if ((name.equals("tensormmul") || name.equals("matmul") || name.equals("mmul")) && in.length >= 2) {
            long k = Math.round(Math.sqrt((double) in[0].length() * in[1].length() / out[0].length()));
            return out[0].length() * k;
        }
        return 0;
    }

    // ---------------------------------------------------------------- oneDNN verbose log

    /** The oneDNN primitives one op ran: parts by kind ("convolution", "reorder of activations" ...) → {count, ms}. */
    static final class Dnnl {
        final String kind; // the main primitive: convolution, pooling_v2, ...
        final Map<String, double[]> parts = new LinkedHashMap<>();

        Dnnl(String kind) {
            this.kind = kind;
        }

        void add(String part, double ms) {
            double[] p = parts.computeIfAbsent(part, k -> new double[2]);
            p[0]++;
            p[1] += ms;
        }

        double reorderMs() {
            return parts.entrySet().stream().filter(e -> e.getKey().startsWith("reorder"))
                    .mapToDouble(e -> e.getValue()[1]).sum();
        }

        /**
         * The log's primitive executions of one pass (the last of the {@link #DNNL_PASSES} after the
         * warm-up), grouped per op: the reorders before a main primitive, the primitive, and the reorders
         * of its output back to the array's layout.
         */
        static List<Dnnl> read(Path log) throws IOException {
            List<String[]> exec = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("dnnl_verbose,exec,") || line.startsWith("onednn_verbose,exec,")) {
                    exec.add(line.split(","));
                }
            }
            // One pass, each execution's time the least over the last DNNL_PASSES passes: a shared machine's
            // slow spells hit single executions.
            int per = period(exec);
            List<String[]> pass = new ArrayList<>();
            for (int j = exec.size() - per; j < exec.size(); j++) {
                String[] f = exec.get(j).clone();
                double best = Double.parseDouble(f[f.length - 1]);
                for (int p = 1; p < DNNL_PASSES; p++) {
                    String[] g = exec.get(j - p * per);
                    best = Math.min(best, Double.parseDouble(g[g.length - 1]));
                }
                f[f.length - 1] = Double.toString(best);
                pass.add(f);
            }
            List<Dnnl> ops = new ArrayList<>();
            List<String[]> pending = new ArrayList<>();
            Dnnl current = null;
            String mainDst = null;
            for (String[] f : pass) {
                String kind = f[3];
                double ms = Double.parseDouble(f[f.length - 1]);
                if (kind.equals("reorder")) {
                    String[] mds = f[6].split(" ");
                    String src = mds[0].replaceAll("^src_[a-z0-9]+:[a-z]*:", "");
                    if (current != null && mainDst != null && src.equals(mainDst)) {
                        current.add("reorder of the output back to the array's layout", ms);
                    } else {
                        pending.add(f);
                    }
                } else {
                    current = new Dnnl(kind);
                    ops.add(current);
                    for (String[] p : pending) {
                        String md = p[6];
                        boolean weights = p[p.length - 2].matches("\\d+x\\d+x\\d+x\\d+(x\\d+)?")
                                && md.contains("dst_f32") && md.matches(".*dst_f32:[a-z]*:blocked:[A-Z].*");
                        current.add(weights ? "reorder of weights" : "reorder of activations into the primitive's layout",
                                Double.parseDouble(p[p.length - 1]));
                    }
                    pending.clear();
                    current.add(kind + " (" + f[4] + ")", ms);
                    mainDst = null;
                    for (String md : f[6].split(" ")) {
                        if (md.startsWith("dst_")) {
                            mainDst = md.replaceAll("^dst_[a-z0-9]+:[a-z]*:", "");
                        }
                    }
                }
            }
            return ops;
        }

        /**
         * The length of one pass: the longest p whose last DNNL_PASSES runs of p executions are the same
         * primitives (kind and problem). The warm-up passes differ (the first call of a shape runs ND4J's ops
         * while it records the plan; the next one makes the fused primitives and reorders their weights once).
         */
        static int period(List<String[]> exec) {
            int n = exec.size();
            for (int p = n / DNNL_PASSES; p >= 1; p--) { // the longest: a pass may repeat blocks (ESRGAN's) within
                boolean same = true;
                for (int i = n - p; i < n && same; i++) {
                    for (int k = 1; k < DNNL_PASSES && same; k++) {
                        String[] a = exec.get(i), b = exec.get(i - k * p);
                        same = a[3].equals(b[3]) && a[a.length - 2].equals(b[b.length - 2]);
                    }
                }
                if (same) {
                    return p;
                }
            }
            throw new IllegalStateException("the oneDNN log's last " + DNNL_PASSES + " passes do not repeat "
                    + "(was it made by --dnnl-pass with DNNL_VERBOSE=1?)");
        }
    }

    /** Hands each oneDNN group to the op it belongs to, in program order; says how well that went. */
    static String attach(List<Layer> layers, List<Dnnl> groups) {
        Map<String, String> kindOf = Map.of("conv2d", "convolution", "depthwise_conv2d", "convolution",
                "avgpool2d", "pooling_v2", "maxpool2d", "pooling_v2", "softmax", "softmax", "concat", "concat",
                "matmul", "matmul");
        int g = 0;
        int attached = 0;
        for (Layer l : layers) {
            String kind = kindOf.get(l.op.replaceAll("[+ ].*", "")); // "conv2d+relu6 (oneDNN)": a convolution too
            if (kind == null || g >= groups.size()) {
                continue;
            }
            if (groups.get(g).kind.equals(kind)) {
                l.dnnl = groups.get(g++);
                attached++;
            }
        }
        return String.format(Locale.ROOT, "%d of %d primitive groups of one pass matched to ops", attached, groups.size());
    }

    // ---------------------------------------------------------------- inputs and models

    static INDArray tfliteInput(TfliteGraph g, String photo) throws IOException {
        BufferedImage src = ImageIO.read(PHOTOS.resolve(photo).toFile());
        BufferedImage sized = ImageOps.resizeBilinear(src, g.inputWidth(), g.inputHeight());
        return g.inputFromRgb(ImageOps.interleavedRgb(sized));
    }

    static String cpuName() {
        try {
            String flags = "";
            String model = "?";
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    List<String> f = List.of(line.substring(line.indexOf(':') + 1).trim().split(" "));
                    flags = f.contains("avx512f") ? ", AVX-512" + (f.contains("avx512_bf16") ? " (BF16" : "")
                            + (f.contains("avx512_vnni") ? ", VNNI)" : ")") : f.contains("avx2") ? ", AVX2" : "";
                }
            }
            return model + flags;
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
        } catch (IOException e) {
            return "?";
        }
    }
}
