package dev.pixelwise.zoo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Arrays;
import java.util.List;

/** The plan-and-pool runner against SameDiff's own executor, on a small graph with the op kinds the importers emit. */
class GraphRunnerTest {

    private SameDiff sd;
    private GraphRunner runner;

    @BeforeEach
    void graph() {
        Nd4j.getRandom().setSeed(7);
        sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", DataType.FLOAT, -1, 3, -1, -1);
        Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).dH(1).dW(1).pH(0).pW(0)
                .paddingMode(PaddingMode.SAME).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX).build();
        SDVariable w1 = sd.constant("w1", Nd4j.randn(DataType.FLOAT, 8, 3, 3, 3));
        SDVariable b1 = sd.constant("b1", Nd4j.randn(DataType.FLOAT, 8));
        SDVariable c1 = sd.nn.relu(sd.cnn.conv2d("c1", x, w1, b1, conv), 0);         // custom op, then a legacy scalar op
        SDVariable w2 = sd.constant("w2", Nd4j.randn(DataType.FLOAT, 8, 8, 3, 3));
        SDVariable c2 = sd.cnn.conv2d("c2", c1, w2, conv).mul(0.5);                    // legacy scalar multiply
        SDVariable sum = sd.math.add("sum", c1, c2);                                     // c1 read twice, far apart
        SDVariable cat = sd.concat("cat", 1, sum, c1);
        sd.identity("features", cat);
        SDVariable pooled = sd.mean(cat, 2, 3);
        sd.nn.softmax("probabilities", pooled, 1);
        // A branch nobody asks for in most tests; it cannot run (matmul of [N,16] by [3,3]).
        sd.mmul("broken", pooled, sd.constant("m", Nd4j.ones(DataType.FLOAT, 3, 3)));
        runner = new GraphRunner(sd, "input");
    }

    @AfterEach
    void close() {
        runner.close();
    }

    private INDArray reference(INDArray x, String out) {
        return sd.output(Map.of("input", x), out).get(out);
    }

    @Test
    void matchesSameDiffForEveryShapeAndEveryRepeat() {
        for (long[] shape : new long[][]{{1, 3, 12, 16}, {2, 3, 9, 7}, {1, 3, 12, 16}, {4, 3, 5, 5}, {1, 3, 12, 16}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape);
            for (int repeat = 0; repeat < 3; repeat++) {
                Map<String, INDArray> out = runner.run(x, "features", "probabilities");
                assertEquals(List.of("features", "probabilities"), List.copyOf(out.keySet()));
                INDArray features = out.get("features");
                INDArray probabilities = out.get("probabilities");
                assertEquals(0, reference(x, "features").sub(features).amaxNumber().doubleValue(), 1e-5);
                assertEquals(0, reference(x, "probabilities").sub(probabilities).amaxNumber().doubleValue(), 1e-6);
                features.close(); // the caller's to close: the next call must not reuse them
                probabilities.close();
            }
        }
    }

    @Test
    void denseBlockConcatenationsDoneInPlaceGiveTheSameNumbers() {
        SameDiff dense = SameDiff.create();
        SDVariable x = dense.placeHolder("input", DataType.FLOAT, -1, 3, -1, -1);
        Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).dH(1).dW(1).pH(0).pW(0)
                .paddingMode(PaddingMode.SAME).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX).build();
        SDVariable h = dense.cnn.conv2d(x, dense.constant(Nd4j.randn(DataType.FLOAT, 4, 3, 3, 3)), conv);
        SDVariable block = h;
        for (int layer = 0; layer < 3; layer++) { // ESRGAN's dense block: each layer sees all before it
            long channels = 4 + 2L * layer;
            SDVariable grown = dense.nn.relu(dense.cnn.conv2d(block,
                    dense.constant(Nd4j.randn(DataType.FLOAT, 2, channels, 3, 3)), conv), 0);
            block = dense.concat(1, block, grown);
        }
        SDVariable fused = dense.cnn.conv2d(block, dense.constant(Nd4j.randn(DataType.FLOAT, 4, 10, 3, 3)), conv);
        dense.math.add("output", fused.mul(0.2), h);
        try (GraphRunner r = new GraphRunner(dense, "input")) {
            for (long[] shape : new long[][]{{1, 3, 9, 11}, {2, 3, 9, 11}, {1, 3, 9, 11}}) {
                INDArray in = Nd4j.rand(DataType.FLOAT, shape);
                INDArray expected = dense.output(Map.of("input", in), "output").get("output");
                for (int repeat = 0; repeat < 3; repeat++) { // the first call of a shape records, later ones place
                    INDArray got = r.run(in, "output").get("output");
                    assertEquals(0, expected.sub(got).amaxNumber().doubleValue(), 1e-5, "shape " + Arrays.toString(shape));
                    got.close();
                }
            }
        }
    }

    @Test
    void runsOnlyWhatTheOutputsNeed() {
        assertThrows(RuntimeException.class, () -> sd.output(Map.of("input", Nd4j.rand(DataType.FLOAT, 1, 3, 6, 6)), "broken"));
        INDArray p = runner.run(Nd4j.rand(DataType.FLOAT, 1, 3, 6, 6), "probabilities").get("probabilities");
        assertEquals(1.0, p.sumNumber().doubleValue(), 1e-5);
    }

    @Test
    void poolHoldsOneCallsWorkingSetNotOnePerCall() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32);
        runner.run(x, "probabilities").get("probabilities").close();
        long recording = runner.pooledBytes();
        assertTrue(recording > 0, "intermediates are kept for the next call");
        for (int i = 0; i < 20; i++) {
            runner.run(x, "probabilities").get("probabilities").close();
        }
        long steady = runner.pooledBytes();
        assertTrue(steady < recording, "the concatenation now done in place needs less: " + steady + " < " + recording);
        for (int i = 0; i < 20; i++) {
            runner.run(x, "probabilities").get("probabilities").close();
        }
        assertEquals(steady, runner.pooledBytes(), "repeated calls of one shape reuse the same arrays");
        // Many shapes, each once: what is kept stays within twice the latest call's needs plus the recent ones.
        for (int s = 8; s < 40; s++) {
            runner.run(Nd4j.rand(DataType.FLOAT, 1, 3, s, s), "probabilities").get("probabilities").close();
        }
        long big = 0;
        for (int s = 32; s < 40; s++) {
            big += 8L * s * s * 4 * 6; // generous bound on one call's arrays: six [1,8+,s,s] floats
        }
        assertTrue(runner.pooledBytes() < 2 * big, "pool " + runner.pooledBytes() + " bytes");
    }

    @Test
    void releasedPoolHoldsNothingAndTheNextCallStillWorks() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 16, 16);
        runner.run(x, "probabilities").get("probabilities").close();
        runner.run(x, "probabilities").get("probabilities").close();
        assertTrue(runner.pooledBytes() > 0);
        runner.releasePool();
        assertEquals(0, runner.pooledBytes());
        INDArray p = runner.run(x, "probabilities").get("probabilities");
        assertEquals(0, reference(x, "probabilities").sub(p).amaxNumber().doubleValue(), 1e-6);
    }

    /**
     * NHWC convolutions (the importers' layout) run as oneDNN primitives with their ReLU6 or ReLU fused
     * (OneDnnConvolutions) from the second call of a shape on: the numbers must be ND4J's own, bit for
     * bit, for 1×1, 3×3, depthwise, stride 2 with even and odd sizes, SAME and VALID, a ReLU6 whose
     * convolution is also read elsewhere (not fused), a residual ADD (fused: the convolution adds into the
     * residual's array) and one whose residual is read again later (not fused), a convolution asked for as
     * an output, outputs that live inside an in-place concatenation (batch 1), and batches.
     */
    @Test
    void fusedNhwcConvolutionsGiveNd4jsNumbersBitForBit() throws IOException {
        SameDiff g = SameDiff.create();
        SDVariable x = g.placeHolder("input", DataType.FLOAT, -1, -1, -1, 8);
        SDVariable h = g.nn.relu6(conv(g, x, 8, 16, 3, 2, PaddingMode.SAME, false), 0);       // 3×3 stride 2 + ReLU6
        h = g.nn.relu6(conv(g, h, 16, 16, 3, 1, PaddingMode.SAME, true), 0);                   // depthwise + ReLU6
        SDVariable c = conv(g, h, 16, 24, 1, 1, PaddingMode.SAME, false);                      // 1×1, read twice:
        SDVariable r = g.nn.relu6(c, 0);                                                        // its ReLU6 is not fused
        SDVariable sum = g.math.add(c, r);
        SDVariable v = g.nn.relu6(conv(g, sum, 24, 24, 3, 2, PaddingMode.VALID, true), 0);      // depthwise VALID stride 2
        SDVariable expand = g.nn.relu6(conv(g, v, 24, 48, 1, 1, PaddingMode.SAME, false), 0);  // an inverted residual:
        SDVariable block = g.math.add(v, conv(g, expand, 48, 24, 1, 1, PaddingMode.SAME, false)); // the ADD fused, v's array the sum
        SDVariable dw = conv(g, block, 24, 24, 3, 1, PaddingMode.SAME, true);                  // reads block, and block
        SDVariable twice = g.math.add(dw, block);                                               // is read after this ADD:
        SDVariable e = conv(g, g.math.add(twice, block.mul(0.5)), 24, 12, 3, 1, PaddingMode.SAME, false); // not fused
        g.identity("features", e);
        SDVariable top = g.nn.relu(conv(g, e, 12, 12, 1, 1, PaddingMode.SAME, false), 0);     // + ReLU, and written
        SDVariable bottom = conv(g, e, 12, 12, 3, 1, PaddingMode.SAME, false);                  // in place into a
        SDVariable stacked = g.concat(1, top, bottom);                                          // concatenation along H
        g.nn.relu6("output", stacked, 0);                                                       // "features" is asked for too
        fusedConvolutionsMatch(g);
        // A graph read back from its file (as the app loads its cached graphs) carries the convolutions'
        // settings in their integer arguments only; the fused path must still qualify them.
        fusedConvolutionsMatch(SameDiff.fromFlatBuffers(g.asFlatBuffers(false), false));
    }

    private static void fusedConvolutionsMatch(SameDiff g) {
        try (GraphRunner r1 = new GraphRunner(g, "input")) {
            for (long[] shape : new long[][]{{1, 17, 16, 8}, {1, 16, 16, 8}, {2, 11, 9, 8}, {1, 17, 16, 8}}) {
                INDArray in = Nd4j.rand(DataType.FLOAT, shape).subi(0.5).muli(8);
                Map<String, INDArray> expected = g.output(Map.of("input", in), "features", "output");
                for (int repeat = 0; repeat < 3; repeat++) { // the first call of a shape records, later ones fuse
                    Map<String, INDArray> got = r1.run(in, "features", "output");
                    for (String name : List.of("features", "output")) {
                        assertEquals(expected.get(name), got.get(name), name + " of " + Arrays.toString(shape) + ", call " + repeat);
                        assertEquals(0.0, expected.get(name).sub(got.get(name)).amaxNumber().doubleValue(), name); // exact
                    }
                }
            }
            // What ran, as the profiler sees it: the fused kinds, and the one ReLU6 that could not be fused.
            List<String> kinds = new java.util.ArrayList<>();
            r1.timeSteps((kind, op, output, inputs, outputs, nanos) -> kinds.add(kind));
            r1.run(Nd4j.rand(DataType.FLOAT, 1, 17, 16, 8), "features", "output");
            assertTrue(kinds.contains("conv2d+relu6 (oneDNN)") && kinds.contains("depthwise_conv2d+relu6 (oneDNN)")
                    && kinds.contains("conv2d+relu (oneDNN)") && kinds.contains("conv2d (oneDNN)") && kinds.contains("relu6")
                    && kinds.contains("conv2d+add (oneDNN)") && kinds.contains("add"),
                    kinds.toString());
        }
    }

    /**
     * NCHW convolutions (the ESRGAN importer's layout) whose activations have channels in multiples of 16
     * run as oneDNN primitives in the nChw16c layout from the second call of a shape on, with the
     * element-wise ops, the ReLUs and the in-place dense-block concatenations between them reading that
     * layout as it is; an op that needs NCHW (depth_to_space) gets a copy, and a 3-channel output stays
     * NCHW. Another kernel sums in another order, so this is a tolerance, not bit equality.
     */
    @Test
    void blockedNchwConvolutionsMatchNd4j() {
        SameDiff g = SameDiff.create();
        SDVariable x = g.placeHolder("input", DataType.FLOAT, -1, 3, -1, -1);
        SDVariable h = nchw(g, x, 3, 32);                                     // NCHW in, blocked out
        SDVariable block = h;
        for (int layer = 0; layer < 3; layer++) {                             // a dense block, concatenated in place
            SDVariable grown = g.nn.relu(nchw(g, block, 32 + 16 * layer, 16), 0);
            block = g.concat(1, block, grown);
        }
        SDVariable local = nchw(g, block, 80, 32).mul(0.2);                   // ESRGAN's residual scaling
        SDVariable trunk = g.math.add(local, h);
        SDVariable shuffled = g.cnn.depthToSpace("shuffle", nchw(g, trunk, 32, 48), 2, org.nd4j.enums.DataFormat.NCHW); // reads NCHW
        g.identity("output", nchw(g, shuffled, 12, 3));
        try (GraphRunner r = new GraphRunner(g, "input")) {
            for (long[] shape : new long[][]{{1, 3, 13, 11}, {2, 3, 9, 8}, {1, 3, 13, 11}}) {
                INDArray in = Nd4j.rand(DataType.FLOAT, shape);
                INDArray expected = g.output(Map.of("input", in), "output").get("output");
                double scale = expected.amaxNumber().doubleValue();
                for (int repeat = 0; repeat < 3; repeat++) {
                    INDArray got = r.run(in, "output").get("output");
                    double diff = expected.sub(got).amaxNumber().doubleValue();
                    assertTrue(diff <= 1e-5 * scale, "shape " + Arrays.toString(shape) + " call " + repeat + ": " + diff);
                    got.close();
                }
            }
            List<String> kinds = new java.util.ArrayList<>();
            r.timeSteps((kind, op, output, inputs, outputs, nanos) -> kinds.add(kind));
            r.run(Nd4j.rand(DataType.FLOAT, 1, 3, 13, 11), "output");
            assertTrue(kinds.contains("conv2d+relu (oneDNN, nChw16c)") && kinds.contains("conv2d (oneDNN, nChw16c)")
                    && kinds.contains("depth_to_space") && kinds.contains("conv2d"), kinds.toString());
            r.timeSteps(null);
            // a graph of shape-only ops is planned without running it: a new shape's first call is fused already
            kinds.clear();
            r.timeSteps((kind, op, output, inputs, outputs, nanos) -> kinds.add(kind));
            INDArray fresh = Nd4j.rand(DataType.FLOAT, 1, 3, 10, 12);
            INDArray first = r.run(fresh, "output").get("output");
            assertTrue(kinds.contains("conv2d+relu (oneDNN, nChw16c)"), kinds.toString());
            INDArray expected = g.output(Map.of("input", fresh), "output").get("output");
            assertTrue(expected.sub(first).amaxNumber().doubleValue() <= 1e-5 * expected.amaxNumber().doubleValue());
            r.timeSteps(null);
            // batch 2: no channel block is contiguous, so everything runs through ND4J's ops
            kinds.clear();
            r.timeSteps((kind, op, output, inputs, outputs, nanos) -> kinds.add(kind));
            r.run(Nd4j.rand(DataType.FLOAT, 2, 3, 9, 8), "output");
            assertTrue(kinds.stream().noneMatch(k -> k.contains("oneDNN")), kinds.toString());
        }
    }

    /** An NCHW 3×3 SAME convolution with a bias, as the TF.js importer makes it. */
    private static SDVariable nchw(SameDiff g, SDVariable x, int in, int out) {
        Conv2DConfig config = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).dH(1).dW(1).pH(0).pW(0)
                .paddingMode(PaddingMode.SAME).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX).build();
        return g.cnn.conv2d(x, g.constant(Nd4j.randn(DataType.FLOAT, out, in, 3, 3).divi(Math.sqrt(in * 9))),
                g.constant(Nd4j.randn(DataType.FLOAT, out)), config);
    }

    /** An NHWC convolution as the TFLite importer makes it (OIYX weights; depthwise: YXIO) with a bias. */
    private static SDVariable conv(SameDiff g, SDVariable x, int in, int out, int k, int stride, PaddingMode padding,
                                   boolean depthwise) {
        Conv2DConfig config = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).dH(1).dW(1).pH(0).pW(0)
                .paddingMode(padding).dataFormat(Conv2DConfig.NHWC)
                .weightsFormat(depthwise ? WeightsFormat.YXIO : WeightsFormat.OIYX).build();
        SDVariable bias = g.constant(Nd4j.randn(DataType.FLOAT, out));
        if (depthwise) {
            return g.cnn.depthWiseConv2d(x, g.constant(Nd4j.randn(DataType.FLOAT, k, k, in, out / in)), bias, config);
        }
        return g.cnn.conv2d(x, g.constant(Nd4j.randn(DataType.FLOAT, out, in, k, k).divi(Math.sqrt(in * k * k))), bias, config);
    }

    /**
     * The TFLite graphs start with a permute of their NCHW input to NHWC. When only the first convolution reads
     * it, that convolution reads the input itself (oneDNN reorders it into scratch memory): ND4J's numbers bit
     * for bit, no permute step left, and the caller's input untouched. Read by another op too, the permute stays.
     */
    @Test
    void aConvolutionReadsThePermutedGraphInputItselfBitForBit() {
        SameDiff g = SameDiff.create();
        SDVariable x = g.placeHolder("input", DataType.FLOAT, -1, 3, -1, -1);
        SDVariable nhwc = g.permute("input_nhwc", x, 0, 2, 3, 1);
        SDVariable h = g.nn.relu6(conv(g, nhwc, 3, 16, 3, 2, PaddingMode.SAME, false), 0);
        g.identity("output", conv(g, h, 16, 8, 1, 1, PaddingMode.SAME, false));
        SameDiff shared = SameDiff.create(); // the same, with the permuted input read twice
        SDVariable y = shared.placeHolder("input", DataType.FLOAT, -1, 3, -1, -1);
        SDVariable yNhwc = shared.permute("input_nhwc", y, 0, 2, 3, 1);
        shared.identity("output", shared.math.add(conv(shared, yNhwc, 3, 3, 1, 1, PaddingMode.SAME, false), yNhwc));
        for (SameDiff graph : List.of(g, shared)) {
            try (GraphRunner r = new GraphRunner(graph, "input")) {
                for (long[] shape : new long[][]{{1, 3, 17, 16}, {2, 3, 8, 9}, {1, 3, 17, 16}}) {
                    INDArray in = Nd4j.rand(DataType.FLOAT, shape).subi(0.5).muli(8);
                    INDArray before = in.dup();
                    INDArray expected = graph.output(Map.of("input", in), "output").get("output");
                    for (int repeat = 0; repeat < 3; repeat++) {
                        INDArray got = r.run(in, "output").get("output");
                        assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue(), Arrays.toString(shape) + ", call " + repeat);
                        assertEquals(before, in, "the caller's input is read, not written");
                    }
                }
                List<String> kinds = new java.util.ArrayList<>();
                r.timeSteps((kind, op, output, inputs, outputs, nanos) -> kinds.add(kind));
                r.run(Nd4j.rand(DataType.FLOAT, 1, 3, 17, 16), "output");
                if (graph == g) {
                    assertEquals(List.of("conv2d+relu6 (oneDNN, permuted input)", "conv2d (oneDNN)", "identity"), kinds);
                } else {
                    assertEquals(List.of("permute", "conv2d (oneDNN)", "add", "identity"), kinds);
                }
            }
        }
    }

    /**
     * A pass whose input the caller writes into the runner's own array: the same numbers as a pass over an array
     * of the caller's, the array kept for the next call of its shape (and counted as held), one per shape, and
     * freed with the pool. A writer that fails leaves the runner as it was.
     */
    @Test
    void anInputWrittenIntoTheRunnersArrayGivesTheSameNumbersAndIsKept() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 16, 16);
        INDArray expected = reference(x, "probabilities");
        INDArray[] seen = new INDArray[3];
        for (int call = 0; call < 3; call++) {
            int c = call;
            INDArray p = runner.run(x.shape(), in -> {
                seen[c] = in;
                in.assign(x);
            }, Precision.FP32, "probabilities").get("probabilities");
            assertEquals(0, expected.sub(p).amaxNumber().doubleValue(), 1e-6);
        }
        assertTrue(seen[0] == seen[1] && seen[1] == seen[2], "one input array for one shape");
        long held = runner.pooledBytes();
        INDArray two = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        INDArray p2 = runner.run(two.shape(), in -> in.assign(two), Precision.FP32, "probabilities").get("probabilities");
        assertEquals(0, reference(two, "probabilities").sub(p2).amaxNumber().doubleValue(), 1e-6);
        assertTrue(runner.pooledBytes() > 0 && held >= 3 * 16 * 16 * 4, "the kept input counts: " + held);
        assertThrows(IllegalStateException.class, () -> runner.run(x.shape(), in -> {
            throw new IllegalStateException("the writer failed");
        }, Precision.FP32, "probabilities"));
        INDArray again = runner.run(x.shape(), in -> in.assign(x), Precision.FP32, "probabilities").get("probabilities");
        assertEquals(0, expected.sub(again).amaxNumber().doubleValue(), 1e-6);
        runner.releasePool();
        assertEquals(0, runner.pooledBytes());
        INDArray last = runner.run(x.shape(), in -> in.assign(x), Precision.FP32, "probabilities").get("probabilities");
        assertEquals(0, expected.sub(last).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void failedCallGivesItsArraysBackAndTheNextCallWorks() {
        assertThrows(RuntimeException.class, () -> runner.run(Nd4j.rand(DataType.FLOAT, 1, 3, 6, 6), "broken"));
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 6, 6);
        INDArray p = runner.run(x, "probabilities").get("probabilities");
        assertEquals(0, reference(x, "probabilities").sub(p).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void unknownOutputAndWrongPlaceholderAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner.run(Nd4j.rand(DataType.FLOAT, 1, 3, 6, 6), "nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GraphRunner(sd, "w1"));
    }

    @Test
    void closedRunnerRefuses() {
        runner.close();
        assertThrows(IllegalStateException.class, () -> runner.run(Nd4j.rand(DataType.FLOAT, 1, 3, 6, 6), "probabilities"));
    }
}
