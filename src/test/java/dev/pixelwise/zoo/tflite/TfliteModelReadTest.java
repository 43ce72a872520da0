package dev.pixelwise.zoo.tflite;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.pixelwise.zoo.tflite.TfliteTestFiles.DEEPLAB_V3;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.MOBILENET_V1;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.MOBILENET_V2;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.ReadOnlyBufferException;

/** Reading the three Coral models: operator counts (as ../shared/models/README.md lists them), tensors, options. */
class TfliteModelReadTest {

    private static Map<String, Integer> counts(Object... nameCountPairs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < nameCountPairs.length; i += 2) {
            m.put((String) nameCountPairs[i], (Integer) nameCountPairs[i + 1]);
        }
        return m;
    }

    @Test
    void mobileNetV2OperatorsAndInterface() {
        TfliteModel m = model(MOBILENET_V2);
        assertEquals(counts("CONV_2D", 36, "DEPTHWISE_CONV_2D", 17, "ADD", 10, "AVERAGE_POOL_2D", 1,
                "RESHAPE", 1, "SOFTMAX", 1), m.operatorCounts());
        assertEquals(66, m.operators().size());
        assertEquals(3, m.schemaVersion());
        assertEquals(1, m.subgraphCount());

        TfliteTensor in = m.inputs().get(0);
        assertEquals(TensorType.UINT8, in.type());
        assertArrayEquals(new int[]{1, 224, 224, 3}, in.shape());
        assertEquals(0.0078125f, in.quantization().orElseThrow().scale()); // (p − 128) / 128
        assertEquals(128, in.quantization().orElseThrow().zeroPoint());
        assertFalse(in.hasData());

        TfliteTensor out = m.outputs().get(0);
        assertEquals(TensorType.UINT8, out.type());
        assertArrayEquals(new int[]{1, 1001}, out.shape());
        assertEquals("MobilenetV2/Predictions/Softmax", out.name());
    }

    @Test
    void mobileNetV1OperatorsAndInterface() {
        TfliteModel m = model(MOBILENET_V1);
        assertEquals(counts("CONV_2D", 15, "DEPTHWISE_CONV_2D", 13, "AVERAGE_POOL_2D", 1, "RESHAPE", 1,
                "SOFTMAX", 1), m.operatorCounts());
        assertArrayEquals(new int[]{1, 192, 192, 3}, m.inputs().get(0).shape());
        assertEquals(TensorType.UINT8, m.inputs().get(0).type());
        assertArrayEquals(new int[]{1, 1001}, m.outputs().get(0).shape());
        assertEquals(TensorType.UINT8, m.outputs().get(0).type());
    }

    @Test
    void deepLabOperatorsInterfaceAndOptions() {
        TfliteModel m = model(DEEPLAB_V3);
        assertEquals(counts("CONV_2D", 38, "DEPTHWISE_CONV_2D", 17, "ADD", 10, "AVERAGE_POOL_2D", 1,
                "RESIZE_BILINEAR", 3, "QUANTIZE", 1, "CONCATENATION", 1, "ARG_MAX", 1), m.operatorCounts());

        TfliteTensor in = m.inputs().get(0);
        assertArrayEquals(new int[]{1, 513, 513, 3}, in.shape());
        assertEquals(TensorType.UINT8, in.type());
        assertEquals(0.0078125f, in.quantization().orElseThrow().scale());
        assertEquals(128, in.quantization().orElseThrow().zeroPoint());
        TfliteTensor out = m.outputs().get(0);
        assertArrayEquals(new int[]{1, 513, 513}, out.shape()); // already the class map
        assertEquals(TensorType.INT64, out.type());

        // Three dilated depthwise convolutions with SAME padding (README).
        List<OperatorOptions.DepthwiseConv2D> dilated = m.operators().stream()
                .filter(op -> op.options() instanceof OperatorOptions.DepthwiseConv2D d && d.dilationH() == 2)
                .map(op -> op.options(OperatorOptions.DepthwiseConv2D.class)).toList();
        assertEquals(3, dilated.size());
        dilated.forEach(d -> {
            assertEquals(Padding.SAME, d.padding());
            assertEquals(2, d.dilationW());
            assertEquals(1, d.strideH());
            assertEquals(FusedActivation.RELU6, d.activation());
        });

        List<TfliteOperator> resizes = m.operators().stream().filter(op -> op.name().equals("RESIZE_BILINEAR")).toList();
        for (TfliteOperator r : resizes) {
            assertEquals(new OperatorOptions.ResizeBilinear(true, false), r.options());
        }
        assertArrayEquals(new int[]{33, 33}, TensorValues.ints(m.tensor(resizes.get(0).input(1))));
        assertArrayEquals(new int[]{513, 513}, TensorValues.ints(m.tensor(resizes.get(2).input(1))));

        TfliteOperator concat = m.operators().stream().filter(op -> op.name().equals("CONCATENATION")).findFirst().orElseThrow();
        assertEquals(new OperatorOptions.Concatenation(3, FusedActivation.NONE), concat.options());
        TfliteOperator pool = m.operators().stream().filter(op -> op.name().equals("AVERAGE_POOL_2D")).findFirst().orElseThrow();
        assertEquals(new OperatorOptions.Pool2D(Padding.VALID, 1, 1, 33, 33, FusedActivation.NONE), pool.options());
        TfliteOperator argMax = m.operators().get(m.operators().size() - 1);
        assertEquals("ARG_MAX", argMax.name());
        assertEquals(new OperatorOptions.ArgMax(TensorType.INT64), argMax.options());
        assertArrayEquals(new int[]{3}, TensorValues.ints(m.tensor(argMax.input(1))));
    }

    @Test
    void firstConvolutionOfMobileNetV2() {
        TfliteModel m = model(MOBILENET_V2);
        TfliteOperator conv = m.operators().get(0);
        assertEquals("CONV_2D", conv.name());
        assertEquals(BuiltinOperator.CONV_2D, conv.builtin().orElseThrow());
        assertEquals(new OperatorOptions.Conv2D(Padding.SAME, 2, 2, FusedActivation.RELU6, 1, 1), conv.options());
        assertArrayEquals(new int[]{0, 55, 54}, conv.inputs()); // input, filter, bias
        TfliteTensor filter = m.tensor(conv.input(1));
        assertArrayEquals(new int[]{32, 3, 3, 3}, filter.shape()); // [out, kh, kw, in]
        assertEquals(TensorType.UINT8, filter.type());
        TfliteTensor bias = m.tensor(conv.input(2));
        assertEquals(TensorType.INT32, bias.type());
        assertArrayEquals(new int[]{32}, bias.shape());

        TfliteOperator reshape = m.operators().get(64);
        assertEquals("RESHAPE", reshape.name());
        assertArrayEquals(new int[]{1, 1001}, TensorValues.ints(m.tensor(reshape.input(1))));
        TfliteOperator softmax = m.operators().get(65);
        assertEquals(new OperatorOptions.Softmax(1.0f), softmax.options());
    }

    @Test
    void dequantisesUint8WeightsAndInt32BiasWithScaleAndZeroPoint() {
        TfliteModel m = model(MOBILENET_V2);
        TfliteOperator conv = m.operators().get(0);
        TfliteTensor filter = m.tensor(conv.input(1));
        TfliteQuantization fq = filter.quantization().orElseThrow();
        assertEquals(0.033968925f, fq.scale(), 1e-9f);
        assertEquals(122, fq.zeroPoint());

        float[] real = m.dequantize(filter);
        ByteBuffer raw = filter.data();
        assertEquals(32 * 3 * 3 * 3, real.length);
        for (int i = 0; i < real.length; i++) {
            int q = raw.get(i) & 0xFF;
            assertEquals(fq.scale() * (q - 122), real[i], 1e-6f, "element " + i);
        }

        // Bias: int32 with scale = input scale × weight scale and zero point 0.
        TfliteTensor bias = m.tensor(conv.input(2));
        TfliteQuantization bq = bias.quantization().orElseThrow();
        float inputScale = m.tensor(conv.input(0)).quantization().orElseThrow().scale();
        assertEquals(inputScale * fq.scale(), bq.scale(), 1e-9f);
        assertEquals(0, bq.zeroPoint());
        float[] biasReal = m.dequantize(bias);
        for (int i = 0; i < biasReal.length; i++) {
            assertEquals(bq.scale() * bias.data().getInt(4 * i), biasReal[i], 1e-6f);
        }
    }

    @Test
    void perChannelDequantisationUsesTheQuantisedAxis() {
        // int8 [2, 1, 1, 3], axis 0: channel 0 scale 0.5 zero point 0, channel 1 scale 0.25 zero point 1.
        ByteBuffer data = ByteBuffer.wrap(new byte[]{2, -4, 6, 1, 5, -3});
        TfliteQuantization q = new TfliteQuantization(new float[]{0.5f, 0.25f}, new long[]{0, 1}, 0,
                new float[0], new float[0]);
        TfliteTensor t = new TfliteTensor(7, "w", TensorType.INT8, new int[]{2, 1, 1, 3}, q, 1, data, false);
        assertTrue(q.isPerChannel());
        assertThrows(IllegalStateException.class, q::scale);
        assertArrayEquals(new float[]{1f, -2f, 3f, 0f, 1f, -1f}, TensorValues.dequantize(t));

        // Same values, quantised along the last axis (3 channels).
        TfliteQuantization last = new TfliteQuantization(new float[]{1f, 2f, 4f}, new long[]{0, 0, 1}, 3,
                new float[0], new float[0]);
        TfliteTensor t2 = new TfliteTensor(8, "w", TensorType.INT8, new int[]{2, 1, 1, 3}, last, 1, data, false);
        assertArrayEquals(new float[]{2f, -8f, 20f, 1f, 10f, -16f}, TensorValues.dequantize(t2));
    }

    @Test
    void viewIsImmutable() {
        TfliteModel m = model(MOBILENET_V2);
        TfliteTensor in = m.inputs().get(0);
        in.shape()[1] = 5;
        assertEquals(224, in.dim(1));
        m.inputIndices()[0] = 99;
        assertEquals(0, m.inputIndices()[0]);
        assertThrows(UnsupportedOperationException.class, () -> m.tensors().clear());
        assertThrows(UnsupportedOperationException.class, () -> m.operatorCounts().clear());
        TfliteTensor filter = m.tensor(55);
        assertThrows(ReadOnlyBufferException.class, () -> filter.data().put(0, (byte) 1));
    }

    @Test
    void halfPrecisionConversion() {
        assertEquals(1.0f, TensorValues.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, TensorValues.halfToFloat((short) 0xC000));
        assertEquals(65504f, TensorValues.halfToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, TensorValues.halfToFloat((short) 0x0001));
        assertTrue(Float.isInfinite(TensorValues.halfToFloat((short) 0x7C00)));
    }
}
