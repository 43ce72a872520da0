package dev.pixelwise.zoo.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One operator at a time: small float32 TFLite models written here, imported into SameDiff and run in
 * NCHW, against {@link TfliteReferenceInterpreter} (NHWC, TFLite's padding rules). Covers TF-style SAME
 * padding (asymmetric: the extra row/column after) for even and odd sizes, strides 1 and 2, dilation,
 * depth multipliers, average pooling that does not count padding, align-corners resizing, and the layout
 * changes around RESHAPE, CONCATENATION, ADD with a broadcast constant and ARG_MAX.
 */
class SameDiffOpsTest {

    private static final int FLOAT32 = 0;
    private static final int INT32 = 2;
    private static final int INT64 = 4;
    private static final int SAME = 0;
    private static final int VALID = 1;
    private static final int NONE = 0;
    private static final int RELU = 1;
    private static final int RELU6 = 3;

    @ParameterizedTest(name = "conv {0}x{0} on {1}x{2}, stride {3}, dilation {4}, padding {5}")
    @CsvSource({
            "3, 8, 8, 2, 1, 0",   // even size, stride 2: TF pads 0 before, 1 after
            "3, 7, 7, 2, 1, 0",   // odd size, stride 2: 1 before, 1 after
            "3, 8, 6, 1, 1, 0",
            "2, 7, 8, 1, 1, 0",   // even kernel: 0 before, 1 after
            "3, 9, 8, 2, 1, 1",   // VALID
            "3, 9, 10, 1, 2, 0",  // dilated: kernel extent 5
            "3, 10, 9, 2, 2, 0"})
    void conv2dMatchesTflitePadding(int k, int h, int w, int stride, int dilation, int padding) {
        Tiny m = new Tiny(new Random(k * 1000 + h * 100 + w * 10 + stride + dilation));
        int in = m.input(1, h, w, 3);
        int filter = m.randomConstant(5, k, k, 3);
        int bias = m.randomConstant(5);
        int outH = padding == SAME ? ceilDiv(h, stride) : ceilDiv(h - (k - 1) * dilation, stride);
        int outW = padding == SAME ? ceilDiv(w, stride) : ceilDiv(w - (k - 1) * dilation, stride);
        int out = m.activation(1, outH, outW, 5);
        m.op(3, 1, b -> conv2dOptions(b, padding, stride, RELU6, dilation), new int[]{in, filter, bias}, out);
        assertMatchesReference(m.build(in, out), 2);
    }

    @ParameterizedTest(name = "depthwise on {0}x{0}, stride {1}, multiplier {2}, dilation {3}")
    @CsvSource({
            "8, 2, 1, 1",
            "7, 2, 2, 1",
            "9, 1, 2, 2",
            "10, 1, 1, 2",
            "8, 1, 1, 1"})
    void depthwiseConv2dMatchesTflite(int size, int stride, int multiplier, int dilation) {
        Tiny m = new Tiny(new Random(size * 31 + stride * 7 + multiplier * 3 + dilation));
        int in = m.input(1, size, size, 4);
        int filter = m.randomConstant(1, 3, 3, 4 * multiplier);
        int bias = m.randomConstant(4 * multiplier);
        int outSize = ceilDiv(size, stride);
        int out = m.activation(1, outSize, outSize, 4 * multiplier);
        m.op(4, 2, b -> depthwiseOptions(b, SAME, stride, multiplier, RELU6, dilation),
                new int[]{in, filter, bias}, out);
        assertMatchesReference(m.build(in, out), 1);
    }

    @ParameterizedTest(name = "average pool {0}x{0} stride {1} on {2}x{2}, padding {3}")
    @CsvSource({
            "3, 2, 7, 0",
            "3, 2, 8, 0",  // the padded window at the bottom/right averages fewer pixels
            "2, 2, 7, 0",
            "7, 1, 7, 1"})
    void averagePoolMatchesTflite(int k, int stride, int size, int padding) {
        Tiny m = new Tiny(new Random(k + stride * 10 + size * 100));
        int in = m.input(1, size, size, 3);
        int outSize = padding == SAME ? ceilDiv(size, stride) : ceilDiv(size - k + 1, stride);
        int out = m.activation(1, outSize, outSize, 3);
        m.op(1, 5, b -> pool2dOptions(b, padding, stride, k), new int[]{in}, out);
        assertMatchesReference(m.build(in, out), 2);
    }

    @Test
    void resizeBilinearWithAlignedCornersThenArgMax() {
        // 5x5 → 9x9 (DeepLab's 33 → 513 in small) and 1x1 → 9x9 (its image-pooling branch), added, arg-max.
        Tiny m = new Tiny(new Random(5));
        int in = m.input(1, 5, 5, 6);
        int size = m.intConstant(new int[]{9, 9}, 2);
        int up = m.activation(1, 9, 9, 6);
        m.op(23, 15, b -> resizeOptions(b, true), new int[]{in, size}, up);
        int pool = m.activation(1, 1, 1, 6);
        m.op(1, 5, b -> pool2dOptions(b, VALID, 1, 5), new int[]{in}, pool);
        int poolUp = m.activation(1, 9, 9, 6);
        m.op(23, 15, b -> resizeOptions(b, true), new int[]{pool, size}, poolUp);
        int sum = m.activation(1, 9, 9, 6);
        m.op(0, 11, b -> activationOptions(b, NONE), new int[]{up, poolUp}, sum);
        int axis = m.intConstant(new int[]{3}, 1);
        int classes = m.tensor("classes", INT64, new int[]{1, 9, 9}, null);
        m.op(56, 40, b -> argMaxOptions(b, INT64), new int[]{sum, axis}, classes);
        TfliteModel model = m.build(in, classes);

        TfliteGraph graph = new TfliteImporter().importModel(model);
        assertEquals(List.of(TfliteImporter.CLASSES, TfliteImporter.LOGITS), graph.outputNames());
        FloatTensor x = m.randomInput(model);
        TfliteReferenceInterpreter reference = new TfliteReferenceInterpreter(model);
        Map<Integer, FloatTensor> all = reference.runKeepingAll(x);
        Map<String, INDArray> out = graph.output(toNchw(x), TfliteImporter.CLASSES, TfliteImporter.LOGITS);
        INDArray got = out.get(TfliteImporter.CLASSES);
        assertEquals(DataType.INT64, got.dataType());
        assertArrayEquals(new long[]{1, 9, 9}, got.shape());
        FloatTensor expected = all.get(classes);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals((long) expected.get(i), got.getLong(i), "class at " + i);
        }
        // "logits": the arg-max input, walked back through resizes only; here the ADD output.
        assertTrue(maxAbsDiff(all.get(sum), out.get(TfliteImporter.LOGITS)) < 1e-5);
    }

    @Test
    void concatenationAndAddWithBroadcastConstant() {
        Tiny m = new Tiny(new Random(9));
        int in = m.input(1, 4, 5, 3);
        int bias = m.randomConstant(3); // [C] broadcasts over N, H, W
        int added = m.activation(1, 4, 5, 3);
        m.op(0, 11, b -> activationOptions(b, RELU), new int[]{in, bias}, added);
        int joined = m.activation(1, 4, 5, 6);
        m.op(2, 10, b -> concatenationOptions(b, -1), new int[]{added, in}, joined);
        assertMatchesReference(m.build(in, joined), 2);
    }

    @Test
    void reshapeKeepsTfliteElementOrderAndBatches() {
        // [N,2,3,4] NHWC → [N,24]: the importer must flatten in NHWC order although it holds NCHW.
        Tiny m = new Tiny(new Random(11));
        int in = m.input(1, 2, 3, 4);
        int shape = m.intConstant(new int[]{1, 24}, 2);
        int flat = m.tensor("flat", FLOAT32, new int[]{1, 24}, null);
        m.op(22, 0, null, new int[]{in, shape}, flat);
        int probabilities = m.tensor("probabilities", FLOAT32, new int[]{1, 24}, null);
        m.op(25, 9, b -> softmaxOptions(b, 0.5f), new int[]{flat}, probabilities);
        TfliteModel model = m.build(in, probabilities);

        TfliteGraph graph = new TfliteImporter().importModel(model);
        assertEquals(List.of(TfliteImporter.PROBABILITIES, TfliteImporter.LOGITS), graph.outputNames());
        TfliteReferenceInterpreter reference = new TfliteReferenceInterpreter(model);
        FloatTensor a = m.randomInput(model);
        FloatTensor b = m.randomInput(model);
        Map<Integer, FloatTensor> ra = reference.runKeepingAll(a);
        Map<Integer, FloatTensor> rb = reference.runKeepingAll(b);
        INDArray batch = Nd4j.concat(0, toNchw(a), toNchw(b));
        Map<String, INDArray> out = graph.output(batch, TfliteImporter.PROBABILITIES, TfliteImporter.LOGITS);
        assertArrayEquals(new long[]{2, 24}, out.get(TfliteImporter.LOGITS).shape());
        assertTrue(maxAbsDiff(ra.get(flat), out.get(TfliteImporter.LOGITS).getRow(0)) < 1e-6);
        assertTrue(maxAbsDiff(rb.get(flat), out.get(TfliteImporter.LOGITS).getRow(1)) < 1e-6);
        assertTrue(maxAbsDiff(ra.get(probabilities), out.get(TfliteImporter.PROBABILITIES).getRow(0)) < 1e-6);
        assertTrue(maxAbsDiff(rb.get(probabilities), out.get(TfliteImporter.PROBABILITIES).getRow(1)) < 1e-6);
    }

    // ---------------------------------------------------------------- helpers

    /** Imports {@code model}, runs a batch of {@code batch} random inputs and compares with the reference. */
    private static void assertMatchesReference(TfliteModel model, int batch) {
        TfliteGraph graph = new TfliteImporter().importModel(model);
        TfliteReferenceInterpreter reference = new TfliteReferenceInterpreter(model);
        Random random = new Random(batch);
        List<FloatTensor> inputs = new ArrayList<>();
        List<INDArray> nchw = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            FloatTensor x = randomInput(random, model);
            inputs.add(x);
            nchw.add(toNchw(x));
        }
        INDArray out = graph.output(Nd4j.concat(0, nchw.toArray(new INDArray[0])), "output");
        for (int i = 0; i < batch; i++) {
            FloatTensor expected = reference.run(inputs.get(i)).get(0);
            INDArray got = out.slice(i).reshape(prepend1(out.slice(i).shape()));
            long[] expectedNchw = nchwShape(expected.shape());
            assertArrayEquals(expectedNchw, got.shape(), "output shape");
            double diff = maxAbsDiff(expected, got);
            assertTrue(diff < 1e-4, "max abs diff " + diff + " in batch item " + i);
        }
    }

    private static long[] prepend1(long[] s) {
        long[] r = new long[s.length + 1];
        r[0] = 1;
        System.arraycopy(s, 0, r, 1, s.length);
        return r;
    }

    private static long[] nchwShape(int[] nhwc) {
        return nhwc.length == 4 ? new long[]{nhwc[0], nhwc[3], nhwc[1], nhwc[2]}
                : Arrays.stream(nhwc).asLongStream().toArray();
    }

    /** An NHWC reference tensor as an NCHW ND4J array. */
    static INDArray toNchw(FloatTensor x) {
        long[] s = Arrays.stream(x.shape()).asLongStream().toArray();
        return Nd4j.create(x.toArray(), s, 'c').permute(0, 3, 1, 2).dup('c');
    }

    /** Max |expected − got|, where {@code got} is NCHW when rank 4 (and {@code expected} NHWC). */
    static double maxAbsDiff(FloatTensor expected, INDArray got) {
        INDArray g = got.rank() == 4 ? got.permute(0, 2, 3, 1) : got;
        long[] s = Arrays.stream(expected.shape()).asLongStream().toArray();
        INDArray e = Nd4j.create(expected.toArray(), s, 'c');
        if (g.length() != e.length()) {
            throw new AssertionError("shapes " + Arrays.toString(got.shape()) + " vs " + Arrays.toString(expected.shape()));
        }
        INDArray flatG = g.castTo(DataType.FLOAT).dup('c').reshape(e.length());
        return flatG.sub(e.reshape(e.length())).amaxNumber().doubleValue();
    }

    private static FloatTensor randomInput(Random random, TfliteModel model) {
        int[] shape = model.inputs().get(0).shape();
        float[] v = new float[(int) FloatTensor.count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return FloatTensor.of(shape, v);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    // ---------------------------------------------------------------- option tables (schema.fbs field ids)

    private static int conv2dOptions(FlatBufferBuilder b, int padding, int stride, int act, int dilation) {
        b.startTable(6);
        b.addByte(0, (byte) padding, -1);
        b.addInt(1, stride, -1);
        b.addInt(2, stride, -1);
        b.addByte(3, (byte) act, -1);
        b.addInt(4, dilation, -1);
        b.addInt(5, dilation, -1);
        return b.endTable();
    }

    private static int depthwiseOptions(FlatBufferBuilder b, int padding, int stride, int multiplier, int act,
                                        int dilation) {
        b.startTable(7);
        b.addByte(0, (byte) padding, -1);
        b.addInt(1, stride, -1);
        b.addInt(2, stride, -1);
        b.addInt(3, multiplier, -1);
        b.addByte(4, (byte) act, -1);
        b.addInt(5, dilation, -1);
        b.addInt(6, dilation, -1);
        return b.endTable();
    }

    private static int pool2dOptions(FlatBufferBuilder b, int padding, int stride, int filter) {
        b.startTable(6);
        b.addByte(0, (byte) padding, -1);
        b.addInt(1, stride, -1);
        b.addInt(2, stride, -1);
        b.addInt(3, filter, -1);
        b.addInt(4, filter, -1);
        b.addByte(5, (byte) NONE, -1);
        return b.endTable();
    }

    private static int activationOptions(FlatBufferBuilder b, int act) {
        b.startTable(1);
        b.addByte(0, (byte) act, -1);
        return b.endTable();
    }

    private static int concatenationOptions(FlatBufferBuilder b, int axis) {
        b.startTable(2);
        b.addInt(0, axis, 1);
        b.addByte(1, (byte) NONE, -1);
        return b.endTable();
    }

    private static int softmaxOptions(FlatBufferBuilder b, float beta) {
        b.startTable(1);
        b.addFloat(0, beta, -1);
        return b.endTable();
    }

    private static int resizeOptions(FlatBufferBuilder b, boolean alignCorners) {
        b.startTable(4);
        b.addBoolean(2, alignCorners, !alignCorners);
        b.addBoolean(3, false, true);
        return b.endTable();
    }

    private static int argMaxOptions(FlatBufferBuilder b, int type) {
        b.startTable(1);
        b.addByte(0, (byte) type, -1);
        return b.endTable();
    }

    /**
     * Writes a small float32 TFLite model with builtin options (TinyModelBuilder has none), with the
     * field ids of schema.fbs: Model, OperatorCode, SubGraph, Tensor, Operator, Buffer.
     */
    static final class Tiny {
        private record Tensor(String name, int type, int[] shape, byte[] data) {
        }

        private record Op(int builtin, int optionsType, ToIntFunction<FlatBufferBuilder> options, int[] in, int out) {
        }

        private final Random random;
        private final List<Tensor> tensors = new ArrayList<>();
        private final List<Op> ops = new ArrayList<>();

        Tiny(Random random) {
            this.random = random;
        }

        int tensor(String name, int type, int[] shape, byte[] data) {
            tensors.add(new Tensor(name, type, shape, data));
            return tensors.size() - 1;
        }

        int input(int... shape) {
            return tensor("input", FLOAT32, shape, null);
        }

        int activation(int... shape) {
            return tensor("t" + tensors.size(), FLOAT32, shape, null);
        }

        int randomConstant(int... shape) {
            ByteBuffer data = ByteBuffer.allocate(4 * (int) FloatTensor.count(shape)).order(ByteOrder.LITTLE_ENDIAN);
            while (data.hasRemaining()) {
                data.putFloat(random.nextFloat() * 2 - 1);
            }
            return tensor("const" + tensors.size(), FLOAT32, shape, data.array());
        }

        int intConstant(int[] values, int... shape) {
            ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                data.putInt(v);
            }
            return tensor("ints" + tensors.size(), INT32, shape, data.array());
        }

        void op(int builtin, int optionsType, ToIntFunction<FlatBufferBuilder> options, int[] in, int out) {
            ops.add(new Op(builtin, optionsType, options, in, out));
        }

        FloatTensor randomInput(TfliteModel model) {
            return SameDiffOpsTest.randomInput(random, model);
        }

        TfliteModel build(int input, int output) {
            FlatBufferBuilder b = new FlatBufferBuilder(4096);
            // buffers: 0 is the empty sentinel, then one per constant tensor
            List<Integer> bufferOffsets = new ArrayList<>();
            b.startTable(1);
            bufferOffsets.add(b.endTable());
            int[] tensorBuffer = new int[tensors.size()];
            for (int i = 0; i < tensors.size(); i++) {
                byte[] data = tensors.get(i).data();
                if (data != null) {
                    int vector = b.createByteVector(data);
                    b.startTable(1);
                    b.addOffset(0, vector, 0);
                    tensorBuffer[i] = bufferOffsets.size();
                    bufferOffsets.add(b.endTable());
                }
            }
            int buffers = TinyModelBuilder.tableVector(b, bufferOffsets.stream().mapToInt(Integer::intValue).toArray());

            Map<Integer, Integer> codeIndex = new LinkedHashMap<>();
            for (Op op : ops) {
                codeIndex.putIfAbsent(op.builtin(), codeIndex.size());
            }
            int[] codes = new int[codeIndex.size()];
            for (Map.Entry<Integer, Integer> e : codeIndex.entrySet()) {
                b.startTable(4);
                b.addByte(0, (byte) Math.min(e.getKey(), 127), -1);
                b.addInt(2, 1, -1);
                b.addInt(3, e.getKey(), -1);
                codes[e.getValue()] = b.endTable();
            }
            int codesVector = TinyModelBuilder.tableVector(b, codes);

            int[] tensorOffsets = new int[tensors.size()];
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                int shape = TinyModelBuilder.intVector(b, t.shape());
                int name = b.createString(t.name());
                b.startTable(5);
                b.addOffset(0, shape, 0);
                b.addByte(1, (byte) t.type(), -1);
                b.addInt(2, tensorBuffer[i], -1);
                b.addOffset(3, name, 0);
                tensorOffsets[i] = b.endTable();
            }
            int tensorsVector = TinyModelBuilder.tableVector(b, tensorOffsets);

            int[] opOffsets = new int[ops.size()];
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                int options = op.options() == null ? 0 : op.options().applyAsInt(b);
                int in = TinyModelBuilder.intVector(b, op.in());
                int out = TinyModelBuilder.intVector(b, new int[]{op.out()});
                b.startTable(5);
                b.addInt(0, codeIndex.get(op.builtin()), -1);
                b.addOffset(1, in, 0);
                b.addOffset(2, out, 0);
                if (options != 0) {
                    b.addByte(3, (byte) op.optionsType(), -1);
                    b.addOffset(4, options, 0);
                }
                opOffsets[i] = b.endTable();
            }
            int opsVector = TinyModelBuilder.tableVector(b, opOffsets);

            int inputs = TinyModelBuilder.intVector(b, new int[]{input});
            int outputs = TinyModelBuilder.intVector(b, new int[]{output});
            b.startTable(4);
            b.addOffset(0, tensorsVector, 0);
            b.addOffset(1, inputs, 0);
            b.addOffset(2, outputs, 0);
            b.addOffset(3, opsVector, 0);
            int graph = b.endTable();
            int graphs = TinyModelBuilder.tableVector(b, new int[]{graph});
            b.startTable(5);
            b.addInt(0, 3, -1);
            b.addOffset(1, codesVector, 0);
            b.addOffset(2, graphs, 0);
            b.addOffset(4, buffers, 0);
            b.finish(b.endTable(), "TFL3");
            return TfliteModel.read(b.sizedByteArray(), "tiny SameDiff test model");
        }
    }
}
