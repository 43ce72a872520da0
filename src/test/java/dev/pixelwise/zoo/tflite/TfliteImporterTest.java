package dev.pixelwise.zoo.tflite;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.pixelwise.zoo.tflite.TfliteImporter.LOGITS;
import static dev.pixelwise.zoo.tflite.TfliteImporter.PROBABILITIES;
import static dev.pixelwise.zoo.tflite.SameDiffOpsTest.maxAbsDiff;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.MOBILENET_V1;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.MOBILENET_V2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SameDiff import of the Coral MobileNets against the plain-Java reference float pass, with the
 * reference tests' preprocessing (whole photo resized to the model size by
 * {@link TfliteTestFiles#resizeBilinear}, then (p − 128) / 128), plus batching, the saved graph file and
 * the refusal of unsupported operators.
 */
class TfliteImporterTest {

    private static final double TOLERANCE = 1e-3;

    private static TfliteGraph v2;
    private static TfliteGraph v1;
    private static List<String> labels;

    @BeforeAll
    static void importModels() {
        long start = System.nanoTime();
        v2 = new TfliteImporter().importModel(TfliteTestFiles.model(MOBILENET_V2));
        System.out.printf("MobileNetV2 import %.0f ms: %s%n", (System.nanoTime() - start) / 1e6, v2);
        v1 = new TfliteImporter().importModel(TfliteTestFiles.model(MOBILENET_V1));
        labels = TfliteTestFiles.imagenetLabels();
    }

    @AfterAll
    static void close() {
        v2.close();
        v1.close();
    }

    private static String firstName(int index) {
        return labels.get(index).split(",")[0].trim();
    }

    private static TfliteGraph graph(String model) {
        return model.equals(MOBILENET_V2) ? v2 : v1;
    }

    /** The reference pass: every tensor by index, for the photo resized to the model's input size. */
    private static Map<Integer, FloatTensor> reference(String model, int[] rgb) {
        TfliteReferenceInterpreter interpreter = new TfliteReferenceInterpreter(TfliteTestFiles.model(model));
        return interpreter.runKeepingAll(interpreter.inputFromQuantized(0, rgb));
    }

    /** Tensor index of the softmax input (the logits) and output of a classifier. */
    private static int[] logitsAndProbabilities(TfliteModel m) {
        TfliteOperator softmax = m.operators().stream().filter(o -> o.name().equals("SOFTMAX")).findFirst().orElseThrow();
        return new int[]{softmax.input(0), softmax.output(0)};
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "mobilenet_v2_1.0_224_quant.tflite, cat.bmp, Egyptian cat",
            "mobilenet_v2_1.0_224_quant.tflite, grace_hopper.bmp, military uniform",
            "mobilenet_v1_0.75_192_quant.tflite, cat.bmp, ",
            "mobilenet_v1_0.75_192_quant.tflite, hot_dog.jpg, "})
    void matchesTheReferenceFloatPass(String model, String photo, String expectedTop1) {
        TfliteGraph graph = graph(model);
        int[] rgb = TfliteTestFiles.resizeBilinear(TfliteTestFiles.photo(photo), graph.inputHeight());
        Map<Integer, FloatTensor> all = reference(model, rgb);
        int[] ids = logitsAndProbabilities(TfliteTestFiles.model(model));

        Map<String, INDArray> out;
        try (INDArray input = graph.inputFromRgb(rgb)) {
            out = graph.output(input, PROBABILITIES, LOGITS);
        }
        INDArray probabilities = out.get(PROBABILITIES);
        INDArray logits = out.get(LOGITS);
        assertArrayEquals(new long[]{1, 1001}, probabilities.shape());
        assertArrayEquals(new long[]{1, 1001}, logits.shape());
        double logitsDiff = maxAbsDiff(all.get(ids[0]), logits);
        double probabilitiesDiff = maxAbsDiff(all.get(ids[1]), probabilities);
        int top = probabilities.argMax().getInt(0);
        int referenceTop = all.get(ids[1]).argMax();
        System.out.printf("%s on %s: top-1 %s (p=%.4f), max abs diff logits %.2e, probabilities %.2e%n",
                model, photo, firstName(top), probabilities.getDouble(0, top), logitsDiff, probabilitiesDiff);
        assertTrue(logitsDiff <= TOLERANCE, "logits differ by " + logitsDiff);
        assertTrue(probabilitiesDiff <= TOLERANCE, "probabilities differ by " + probabilitiesDiff);
        assertEquals(referenceTop, top, "top-1 of the reference");
        if (expectedTop1 != null) {
            assertEquals(expectedTop1, firstName(top));
        }
        assertEquals(1.0, probabilities.sumNumber().doubleValue(), 1e-4);
        probabilities.close();
        logits.close();
    }

    @Test
    void aBatchOfTwoGivesTheAnswersOfTwoSingles() {
        int[] cat = TfliteTestFiles.resizeBilinear(TfliteTestFiles.photo("cat.bmp"), 224);
        int[] hopper = TfliteTestFiles.resizeBilinear(TfliteTestFiles.photo("grace_hopper.bmp"), 224);
        try (INDArray batch = v2.inputFromRgb(cat, hopper);
             INDArray first = v2.inputFromRgb(cat);
             INDArray second = v2.inputFromRgb(hopper);
             INDArray both = v2.output(batch, LOGITS);
             INDArray a = v2.output(first, LOGITS);
             INDArray b = v2.output(second, LOGITS)) {
            assertArrayEquals(new long[]{2, 1001}, both.shape());
            double d0 = both.getRow(0).sub(a.getRow(0)).amaxNumber().doubleValue();
            double d1 = both.getRow(1).sub(b.getRow(0)).amaxNumber().doubleValue();
            System.out.printf("batch of 2 vs singles: max abs diff %.2e, %.2e%n", d0, d1);
            assertTrue(d0 <= 1e-4 && d1 <= 1e-4, d0 + ", " + d1);
            assertEquals(a.argMax().getInt(0), both.getRow(0).argMax().getInt(0));
            assertEquals(b.argMax().getInt(0), both.getRow(1).argMax().getInt(0));
            assertNotEquals(both.getRow(0).argMax().getInt(0), both.getRow(1).argMax().getInt(0));
        }
    }

    @Test
    void savedGraphLoadsAndGivesIdenticalOutput(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("v1.sdgraph");
        long start = System.nanoTime();
        v1.save(file);
        double saveMs = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        try (TfliteGraph loaded = TfliteGraph.load(file)) {
            double loadMs = (System.nanoTime() - start) / 1e6;
            System.out.printf("MobileNetV1 graph file %d KB: save %.0f ms, load %.0f ms%n",
                    Files.size(file) / 1024, saveMs, loadMs);
            assertEquals(v1.outputNames(), loaded.outputNames());
            assertEquals(v1.inputHeight(), loaded.inputHeight());
            assertEquals(v1.inputScale(), loaded.inputScale());
            assertEquals(v1.inputZeroPoint(), loaded.inputZeroPoint());
            assertEquals(v1.source(), loaded.source());
            int[] rgb = TfliteTestFiles.resizeBilinear(TfliteTestFiles.photo("cat.bmp"), 192);
            try (INDArray x = v1.inputFromRgb(rgb, rgb);
                 INDArray expected = v1.output(x, PROBABILITIES);
                 INDArray got = loaded.output(x, PROBABILITIES)) {
                assertEquals(expected, got);
                assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue());
            }
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left");
        }
    }

    @Test
    void loadOrImportWritesTheCacheOnceAndReplacesAStaleOne(@TempDir Path dir) throws IOException {
        Path tflite = TfliteTestFiles.coral(MOBILENET_V2);
        Path cache = dir.resolve("cache").resolve("mobilenet_v2.sdgraph");
        TfliteImporter importer = new TfliteImporter();
        int[] rgb = TfliteTestFiles.resizeBilinear(TfliteTestFiles.photo("cat.bmp"), 224);

        long start = System.nanoTime();
        INDArray imported;
        try (TfliteGraph g = importer.loadOrImport(tflite, cache); INDArray x = g.inputFromRgb(rgb)) {
            double importMs = (System.nanoTime() - start) / 1e6;
            assertTrue(Files.isRegularFile(cache));
            imported = g.output(x, PROBABILITIES);
            System.out.printf("MobileNetV2 loadOrImport without cache (import + save) %.0f ms, file %d KB%n",
                    importMs, Files.size(cache) / 1024);
        }
        FileTime written = Files.getLastModifiedTime(cache);
        start = System.nanoTime();
        try (TfliteGraph g = importer.loadOrImport(tflite, cache); INDArray x = g.inputFromRgb(rgb);
             INDArray loaded = g.output(x, PROBABILITIES)) {
            System.out.printf("MobileNetV2 loadOrImport from cache %.0f ms%n", (System.nanoTime() - start) / 1e6);
            assertEquals(written, Files.getLastModifiedTime(cache), "the cache is read, not rewritten");
            assertEquals(imported, loaded);
            assertEquals(TfliteTestFiles.sha256(Files.readAllBytes(tflite)), g.fingerprint());
        }

        // A cache made from another model file is replaced by a fresh import of this one.
        v1.save(cache);
        try (TfliteGraph g = importer.loadOrImport(tflite, cache); TfliteGraph reread = TfliteGraph.load(cache)) {
            assertEquals(224, g.inputHeight());
            assertEquals(224, reread.inputHeight());
        }
        // So is a damaged one.
        Files.write(cache, "not a graph".getBytes());
        try (TfliteGraph g = importer.loadOrImport(tflite, cache); INDArray x = g.inputFromRgb(rgb);
             INDArray again = g.output(x, PROBABILITIES)) {
            assertEquals(imported, again);
        }
        imported.close();
        try (var files = Files.list(cache.getParent())) {
            assertEquals(List.of(cache), files.toList(), "no temporary files left");
        }
    }

    @Test
    void unsupportedOperatorsAreRefusedByName() {
        TinyModelBuilder b = new TinyModelBuilder();
        b.opCodes.add(new TinyModelBuilder.OpCode(3, 3, null));     // CONV_2D: supported
        b.opCodes.add(new TinyModelBuilder.OpCode(18, 18, null));   // MUL
        b.opCodes.add(new TinyModelBuilder.OpCode(32, 32, "MyOp")); // CUSTOM
        for (int i = 0; i < 4; i++) {
            b.tensors.add(new TinyModelBuilder.Tensor("t" + i, 0, new int[]{1, 4, 4, 3}, 0));
        }
        b.ops.add(new TinyModelBuilder.Op(1, new int[]{0, 0}, new int[]{1}));
        b.ops.add(new TinyModelBuilder.Op(2, new int[]{1}, new int[]{2}));
        b.ops.add(new TinyModelBuilder.Op(1, new int[]{2, 2}, new int[]{3}));
        b.inputs = new int[]{0};
        b.outputs = new int[]{3};
        TfliteModel model = TfliteModel.read(b.build(), "tiny");

        TfliteUnsupportedOperatorException e = assertThrows(TfliteUnsupportedOperatorException.class,
                () -> new TfliteImporter().importModel(model));
        assertEquals(Map.of("MUL", 2, "CUSTOM:MyOp", 1), e.unsupported());
        assertTrue(e.getMessage().contains("MUL \u00d72"), e.getMessage());
        assertTrue(e.getMessage().contains("CUSTOM:MyOp"), e.getMessage());
    }

    @Test
    void wrongInputShapeIsRefused() {
        try (INDArray nhwc = Nd4j.zeros(1, 224, 224, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> v2.output(nhwc, PROBABILITIES));
            assertTrue(e.getMessage().contains("[N, 3, 224, 224]"), e.getMessage());
        }
        assertEquals(List.of(PROBABILITIES, LOGITS), v2.outputNames());
        assertEquals(0.0078125f, v2.inputScale());
        assertEquals(128f, v2.inputZeroPoint());
        assertTrue(Arrays.asList(3, 224, 224).equals(List.of(v2.inputChannels(), v2.inputHeight(), v2.inputWidth())));
    }
}
