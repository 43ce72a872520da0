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
