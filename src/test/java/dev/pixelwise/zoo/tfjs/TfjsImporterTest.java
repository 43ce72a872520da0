package dev.pixelwise.zoo.tfjs;

import dev.pixelwise.zoo.tfjs.NhwcReference.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import static dev.pixelwise.zoo.tfjs.NhwcReference.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SameDiff graph of small generated models against {@link NhwcReference}, a direct NHWC computation
 * from the Keras / TF definitions: every supported layer kind, strides / valid padding / dilation that the
 * ESRGAN files do not use, the PixelShuffle channel order, refusals, and the saved graph file.
 */
class TfjsImporterTest {

    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    /** Every layer class of the ESRGAN files, wired like an RRDN block (concat, ×β, residual add, shuffle). */
    static TinyTfjsModel everyLayerKind() {
        return new TinyTfjsModel(7).input("LR", 3)
                .conv("c1", "LR", 8, 3, "same", 1, 1, "relu")
                .conv("c2", "c1", 4, 1, "valid", 1, 1, "linear")
                .activation("r2", "c2", "relu")
                .concatenate("cat", "c1", "r2")
                .conv("c3", "cat", 12, 3, "same", 1, 2, "linear")
                .multiplyBeta("beta", "c3", 0.2)
                .add("res", "cat", "beta")
                .conv("c4", "res", 12, 5, "same", 1, 1, "linear")
                .pixelShuffle("shuffle", "c4", 2)
                .conv("c5", "res", 3, 3, "same", 1, 1, "relu")
                .upSampling("up", "c5", 2, 2)
                .add("both", "shuffle", "up")
                .conv("SR", "both", 3, 3, "same", 1, 1, "linear");
    }

    private static void assertMatchesReference(TfjsLayersModel model, TfjsGraph graph, int h, int w, long seed) {
        Image x = NhwcReference.random(h, w, graph.channels(), seed);
        Image expected = NhwcReference.run(model, x);
        try (INDArray in = x.nchw(); INDArray out = graph.output(in)) {
            double diff = maxAbsDiff(expected, Image.fromNchw(out));
            System.out.printf("%s on %d×%d: max |SameDiff − NHWC reference| = %.2e%n", graph, h, w, diff);
            assertTrue(diff < TOLERANCE, "max abs diff " + diff);
        }
    }

    @Test
    void everyLayerKindMatchesTheNhwcReference() throws IOException {
        TfjsLayersModel model = TfjsLayersModel.read(everyLayerKind().write(dir, 2));
        try (TfjsGraph graph = new TfjsImporter().importModel(model)) {
            assertEquals(2, graph.scale());
            assertEquals(3, graph.channels());
            assertEquals("rrdn", graph.architecture());
            assertEquals(1f, graph.inputScale());
            assertMatchesReference(model, graph, 7, 10, 1);
            assertMatchesReference(model, graph, 12, 5, 2); // the same graph at another size
        }
    }

    @Test
    void batchesGiveTheSameAsSingleImages() throws IOException {
        TfjsLayersModel model = TfjsLayersModel.read(everyLayerKind().write(dir, 1));
        try (TfjsGraph graph = new TfjsImporter().importModel(model);
             INDArray a = NhwcReference.random(6, 9, 3, 3).nchw();
             INDArray b = NhwcReference.random(6, 9, 3, 4).nchw();
             INDArray both = Nd4j.concat(0, a, b);
             INDArray outA = graph.output(a);
             INDArray outB = graph.output(b);
             INDArray outBoth = graph.output(both)) {
            assertArrayEquals(new long[]{2, 3, 12, 18}, outBoth.shape());
            assertTrue(outBoth.slice(0).equalsWithEps(outA.slice(0), 1e-5));
            assertTrue(outBoth.slice(1).equalsWithEps(outB.slice(0), 1e-5));
        }
    }

    @Test
    void stridesValidPaddingAndDilationMatchTheNhwcReference() throws IOException {
        TinyTfjsModel tiny = new TinyTfjsModel(11).input("in", 4)
                .conv("s2same", "in", 5, 3, "same", 2, 1, "relu")
                .conv("s2valid", "s2same", 6, 3, "valid", 2, 1, "linear")
                .conv("d2same", "s2same", 6, 3, "same", 1, 2, "linear")
                .conv("d3valid", "in", 6, 3, "valid", 1, 3, "relu")
                .conv("k4same", "d2same", 3, 4, "same", 1, 1, "linear") // even kernel: more padding after
                .upSampling("up", "k4same", 2, 3);
        TfjsLayersModel model = TfjsLayersModel.read(tiny.write(dir, 1));
        try (TfjsGraph graph = new TfjsImporter().importModel(model)) {
            for (int[] size : new int[][]{{9, 12}, {8, 11}, {13, 13}}) {
                assertMatchesReference(model, graph, size[0], size[1], size[0] * 31L + size[1]);
            }
            assertEquals(0, graph.scale()); // ½ then ×2 down, ×3 across: no single factor
        }
        TfjsLayersModel branches = TfjsLayersModel.read(new TinyTfjsModel(12).input("in", 4)
                .conv("d3valid", "in", 3, 3, "valid", 1, 3, "relu").write(dir.resolve("b"), 1));
        try (TfjsGraph graph = new TfjsImporter().importModel(branches)) {
            assertMatchesReference(branches, graph, 10, 11, 5);
        }
    }

    @Test
    void pixelShuffleUsesTfDepthToSpaceChannelOrder() throws IOException {
        for (int block : new int[]{2, 3, 4}) {
            int c = 3 * block * block;
            TfjsLayersModel model = TfjsLayersModel.read(new TinyTfjsModel(0).input("in", c)
                    .pixelShuffle("ps", "in", block).write(dir.resolve("ps" + block), 1));
            Image x = NhwcReference.random(3, 5, c, block);
            for (int i = 0; i < x.data().length; i++) {
                x.data()[i] = i; // every value distinct: any misplaced element shows
            }
            try (TfjsGraph graph = new TfjsImporter().importModel(model);
                 INDArray in = x.nchw(); INDArray out = graph.output(in)) {
                Image y = Image.fromNchw(out);
                assertEquals(0.0, maxAbsDiff(NhwcReference.depthToSpace(x, block), y), "block " + block);
                // spelled out: output (0, 1) channel 2 is input (0, 0) channel (0·b + 1)·3 + 2
                assertEquals(x.at(0, 0, 3 + 2), y.at(0, 1, 2));
                // and output (1, 0) channel 0 is input (0, 0) channel (1·b + 0)·3
                assertEquals(x.at(0, 0, block * 3), y.at(1, 0, 0));
                assertEquals(block, graph.scale());
            }
        }
    }

    @Test
    void unsupportedConfigurationsNameTheLayer() throws IOException {
        record Case(TinyTfjsModel model, String expected) {
        }
        Case[] cases = {
                new Case(new TinyTfjsModel(0).input("in", 3).layer("UpSampling2D", "smooth",
                        Map.of("size", new int[]{2, 2}, "interpolation", "bilinear"), 3, "in"), "bilinear"),
                new Case(new TinyTfjsModel(0).input("in", 3).conv("squash", "in", 3, 3, "same", 1, 1, "tanh"), "tanh"),
                new Case(new TinyTfjsModel(0).input("in", 3).layer("Concatenate", "rows", Map.of("axis", 1), 3,
                        "in", "in"), "axis 1"),
                new Case(new TinyTfjsModel(0).input("in", 3).layer("Activation", "soft",
                        Map.of("activation", "softmax"), 3, "in"), "softmax"),
                new Case(new TinyTfjsModel(0).input("in", 6).pixelShuffle("ps", "in", 2), "6 channels"),
        };
        int i = 0;
        for (Case c : cases) {
            TfjsLayersModel model = TfjsLayersModel.read(c.model.write(dir.resolve("case" + i++), 1));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> new TfjsImporter().importModel(model));
            String layer = model.layers().get(model.layers().size() - 1).name();
            assertTrue(e.getMessage().contains(c.expected) && e.getMessage().contains("'" + layer + "'"),
                    e.getMessage());
        }
    }

    @Test
    void layerNamesLikeTheGraphsOwnDoNotClash() throws IOException {
        TfjsLayersModel model = TfjsLayersModel.read(new TinyTfjsModel(5).input("input", 3)
                .conv("output", "input", 4, 3, "same", 1, 1, "relu")
                .activation("input_layer", "output", "linear")
                .conv("SR", "input_layer", 3, 3, "same", 1, 1, "linear").write(dir, 1));
        try (TfjsGraph graph = new TfjsImporter().importModel(model)) {
            assertMatchesReference(model, graph, 4, 5, 8);
        }
    }

    @Test
    void kernelOfTheWrongShapeIsReported() throws IOException {
        TinyTfjsModel tiny = new TinyTfjsModel(0).input("in", 3).conv("c", "in", 4, 3, "same", 1, 1, "relu");
        tiny.weight("c/kernel", new float[3 * 3 * 2 * 4], 3, 3, 2, 4);
        TfjsLayersModel model = TfjsLayersModel.read(tiny.write(dir, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new TfjsImporter().importModel(model));
        assertTrue(e.getMessage().contains("c/kernel has shape [3, 3, 2, 4], the layer needs [3, 3, 3, 4]"),
                e.getMessage());
    }

    /**
     * A nearest upsampling by s followed by a 3×3 SAME convolution (how slim and medium end) is computed at
     * the low resolution, one convolution per output phase and depth_to_space: the same picture as the
     * NHWC reference, at every border, for s = 2, 3, 4 and 8, linear or with a ReLU.
     */
    @Test
    void convolutionOfANearestUpsamplingRunsAtTheLowResolution() throws IOException {
        for (int s : new int[]{2, 3, 4, 8}) {
            for (String activation : new String[]{"linear", "relu"}) {
                TfjsLayersModel model = TfjsLayersModel.read(new TinyTfjsModel(11 + s).input("LR", 3)
                        .conv("c", "LR", 5, 3, "same", 1, 1, "relu").upSampling("up", "c", s, s)
                        .conv("SR", "up", 3, 3, "same", 1, 1, activation).write(dir.resolve(s + activation), s));
                try (TfjsGraph graph = new TfjsImporter().importModel(model)) {
                    assertTrue(graph.sameDiff().hasVariable((activation.equals("linear") ? "SR" : "SR/linear") + "/low"),
                            "the low-resolution convolution");
                    assertMatchesReference(model, graph, 5, 7, s);
                    assertMatchesReference(model, graph, 1, 1, s + 1);
                }
            }
        }
    }

    @Test
    void rdnModelsWorkIn0To255AndConvertFromRgb() throws IOException {
        TfjsLayersModel model = TfjsLayersModel.read(new TinyTfjsModel(3).input("LR", 3)
                .conv("c", "LR", 12, 3, "same", 1, 1, "linear").upSampling("up", "c", 2, 2)
                .conv("SR", "up", 3, 3, "same", 1, 1, "linear").write(dir, 1));
        try (TfjsGraph graph = new TfjsImporter().importModel(model)) {
            assertEquals("rdn", graph.architecture());
            assertEquals(255f, graph.inputScale());
            assertEquals(255f, graph.outputScale());
            int[] rgb = {0, 128, 255, 10, 20, 30};
            try (INDArray in = graph.inputFromRgb(rgb, 1, 2)) {
                assertArrayEquals(new long[]{1, 3, 1, 2}, in.shape());
                assertEquals(128f, in.getFloat(0, 1, 0, 0));
                assertEquals(30f, in.getFloat(0, 2, 0, 1));
                assertArrayEquals(new int[]{0, 128, 255, 10, 20, 30}, graph.toRgb(in));
            }
            try (INDArray big = Nd4j.createFromArray(new float[]{-3f, 300f, 254.6f}).reshape(1, 3, 1, 1)) {
                assertArrayEquals(new int[]{0, 255, 255}, graph.toRgb(big));
            }
        }
    }

    @Test
    void savedGraphGivesTheSameOutput() throws IOException {
        TfjsLayersModel model = TfjsLayersModel.read(everyLayerKind().write(dir.resolve("m"), 1));
        Path file = dir.resolve("graph.sdz");
        try (TfjsGraph graph = new TfjsImporter().importModel(model);
             INDArray x = NhwcReference.random(5, 6, 3, 9).nchw();
             INDArray expected = graph.output(x)) {
            graph.save(file);
            try (TfjsGraph loaded = TfjsGraph.load(file); INDArray actual = loaded.output(x)) {
                assertEquals(expected, actual);
                assertEquals(graph.fingerprint(), loaded.fingerprint());
                assertEquals(graph.scale(), loaded.scale());
                assertEquals(graph.architecture(), loaded.architecture());
                assertEquals(graph.inputScale(), loaded.inputScale());
                assertEquals(model.source(), loaded.source());
            }
        }
        Files.writeString(file, "not a graph");
        assertThrows(IOException.class, () -> TfjsGraph.load(file));
    }

    @Test
    void loadOrImportUsesTheCacheUntilTheModelChanges() throws IOException {
        Path json = everyLayerKind().write(dir.resolve("m"), 2);
        Path cache = dir.resolve("cache").resolve("m.sdz");
        TfjsImporter importer = new TfjsImporter();
        INDArray x = NhwcReference.random(4, 4, 3, 1).nchw();
        INDArray first;
        try (TfjsGraph g = importer.loadOrImport(json, cache)) {
            first = g.output(x);
        }
        assertTrue(Files.isRegularFile(cache));
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(cache, written);
        try (TfjsGraph g = importer.loadOrImport(json, cache); INDArray again = g.output(x)) {
            assertEquals(written, Files.getLastModifiedTime(cache), "a matching cache is only read");
            assertEquals(first, again);
        }

        Path shard = dir.resolve("m").resolve("group1-shard1of2.bin"); // another model: re-import, rewrite
        byte[] bytes = Files.readAllBytes(shard);
        bytes[3] ^= (byte) 0x80; // the sign of the first weight, SR/bias[0]
        Files.write(shard, bytes);
        try (TfjsGraph g = importer.loadOrImport(json, cache); INDArray changed = g.output(x)) {
            assertNotEquals(written, Files.getLastModifiedTime(cache));
            assertEquals(TfjsLayersModel.fingerprint(json), cachedFingerprint(cache));
            assertNotEquals(first, changed);
        }

        Files.write(cache, new byte[]{1, 2, 3}); // damaged cache: replaced
        try (TfjsGraph g = importer.loadOrImport(json, cache)) {
            assertEquals(TfjsLayersModel.fingerprint(json), g.fingerprint());
            assertEquals(TfjsLayersModel.fingerprint(json), cachedFingerprint(cache));
        }
        x.close();
        first.close();
    }

    private static String cachedFingerprint(Path cache) throws IOException {
        try (TfjsGraph g = TfjsGraph.load(cache)) {
            return g.fingerprint();
        }
    }
}
