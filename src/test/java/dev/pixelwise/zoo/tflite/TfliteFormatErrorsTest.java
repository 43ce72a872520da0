package dev.pixelwise.zoo.tflite;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static dev.pixelwise.zoo.tflite.TfliteTestFiles.DEEPLAB_V3;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.MOBILENET_V2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.ByteOrder;

/** Files that are not TFLite, truncated or corrupt, and models with operators a consumer does not support. */
class TfliteFormatErrorsTest {

    private static byte[] mobileNetBytes() {
        return TfliteTestFiles.bytes(TfliteTestFiles.coral(MOBILENET_V2));
    }

    @Test
    void aBitmapIsNotATfliteModel() {
        Path bmp = TfliteTestFiles.PHOTOS.resolve("cat.bmp");
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(bmp));
        assertTrue(e.getMessage().contains("is not a TFLite model"), e.getMessage());
        assertTrue(e.getMessage().contains("expected the FlatBuffer identifier \"TFL3\""), e.getMessage());
    }

    @Test
    void wrongIdentifierIsNamed() {
        byte[] bytes = mobileNetBytes();
        bytes[7] = '2'; // "TFL2"
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(bytes, "old.tflite"));
        assertEquals("old.tflite is not a TFLite model: bytes 4..8 are \"TFL2\", expected the FlatBuffer identifier \"TFL3\"",
                e.getMessage());
    }

    @Test
    void tooShortForAnIdentifier() {
        TfliteFormatException e = assertThrows(TfliteFormatException.class,
                () -> TfliteModel.read(ByteBuffer.wrap(new byte[]{1, 2, 3})));
        assertTrue(e.getMessage().contains("only 3 bytes"), e.getMessage());
    }

    @Test
    void first1000BytesAreReportedAsTruncated() {
        byte[] head = Arrays.copyOf(mobileNetBytes(), 1000);
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(head, "head.tflite"));
        assertTrue(e.getMessage().startsWith("head.tflite is truncated or corrupt (1000 bytes)"), e.getMessage());
    }

    @Test
    void halfAFileIsReportedAsTruncated() {
        byte[] all = mobileNetBytes();
        byte[] half = Arrays.copyOf(all, all.length / 2);
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(half, "half.tflite"));
        assertTrue(e.getMessage().startsWith("half.tflite is truncated or corrupt (" + half.length + " bytes)"),
                e.getMessage());
    }

    @Test
    void truncationAtManyLengthsOnlyEverGivesTfliteFormatException() {
        byte[] all = TfliteTestFiles.bytes(TfliteTestFiles.coral(DEEPLAB_V3));
        for (int len = 8; len < all.length; len += all.length / 97) {
            byte[] cut = Arrays.copyOf(all, len);
            int length = len;
            TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(cut, "cut"),
                    "length " + len);
            assertTrue(e.getMessage().contains("truncated or corrupt"), "length " + length + ": " + e.getMessage());
        }
    }

    @Test
    void mobileNetFilesCarryAnAppendedZipThatTheModelDoesNotNeed() {
        // The Coral MobileNets end with a zip of their label file (TFLite metadata "associated files"),
        // outside the FlatBuffer: cutting into it leaves the model itself intact.
        byte[] all = mobileNetBytes();
        assertEquals('P', all[all.length - 22]); // zip end-of-central-directory "PK\5\6"
        assertEquals('K', all[all.length - 21]);
        TfliteModel m = assertDoesNotThrow(() -> TfliteModel.read(Arrays.copyOf(all, all.length - 10), "cut zip"));
        assertEquals(66, m.operators().size());
    }

    @Test
    void corruptVectorLengthIsCaughtBeforeAllocating() {
        byte[] bytes = mobileNetBytes();
        TfliteModel m = TfliteTestFiles.model(MOBILENET_V2);
        // Find the tensor-vector length of subgraph 0 (174) written little-endian and blow it up.
        int at = -1;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int root = bb.getInt(0);
        int vtable = root - bb.getInt(root);
        int subgraphsField = bb.getShort(vtable + 4 + 2 * 2);
        int subgraphs = root + subgraphsField + bb.getInt(root + subgraphsField);
        int graph = subgraphs + 4 + bb.getInt(subgraphs + 4);
        int graphVtable = graph - bb.getInt(graph);
        int tensorsField = bb.getShort(graphVtable + 4);
        int tensors = graph + tensorsField + bb.getInt(graph + tensorsField);
        assertEquals(m.tensors().size(), bb.getInt(tensors));
        bb.putInt(tensors, 0x7fff_0000);
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(bytes, "bad.tflite"));
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
    }

    @Test
    void unsupportedOperatorsAreAllNamedWithCounts() {
        TfliteModel deeplab = TfliteTestFiles.model(DEEPLAB_V3);
        TfliteUnsupportedOperatorException e = assertThrows(TfliteUnsupportedOperatorException.class,
                () -> deeplab.requireSupported(Set.of("CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "AVERAGE_POOL_2D")));
        assertEquals("unsupported TFLite operators: RESIZE_BILINEAR \u00d73, QUANTIZE \u00d71, CONCATENATION \u00d71, ARG_MAX \u00d71",
                e.getMessage());
        assertEquals(Map.of("RESIZE_BILINEAR", 3, "QUANTIZE", 1, "CONCATENATION", 1, "ARG_MAX", 1), e.unsupported());
        assertDoesNotThrow(() -> deeplab.requireSupported(TfliteReferenceInterpreter.SUPPORTED_OPS));
    }

    @Test
    void extendedBuiltinCodesAndCustomOperatorsAreNamed() {
        TinyModelBuilder b = new TinyModelBuilder();
        b.opCodes.add(new TinyModelBuilder.OpCode(127, 150, null));   // GELU: needs the int32 builtin_code field
        b.opCodes.add(new TinyModelBuilder.OpCode(32, 0, "MyOp"));     // CUSTOM
        b.opCodes.add(new TinyModelBuilder.OpCode(3, 0, null));       // CONV_2D written the pre-3a way
        b.opCodes.add(new TinyModelBuilder.OpCode(127, 999, null));   // a code this reader does not know
        for (int i = 0; i < 5; i++) {
            b.tensors.add(new TinyModelBuilder.Tensor("t" + i, 0, new int[]{1, 2}, 0));
        }
        b.ops.add(new TinyModelBuilder.Op(0, new int[]{0}, new int[]{1}));
        b.ops.add(new TinyModelBuilder.Op(1, new int[]{1, -1}, new int[]{2}));
        b.ops.add(new TinyModelBuilder.Op(0, new int[]{2}, new int[]{3}));
        b.ops.add(new TinyModelBuilder.Op(3, new int[]{3}, new int[]{4}));
        b.inputs = new int[]{0};
        b.outputs = new int[]{4};
        TfliteModel m = TfliteModel.read(b.build(), "tiny");

        assertEquals("tiny test model", m.description());
        assertEquals("GELU", m.operators().get(0).name());
        assertEquals(BuiltinOperator.GELU, m.operators().get(0).builtin().orElseThrow());
        assertEquals("CUSTOM:MyOp", m.operators().get(1).name());
        assertEquals(TfliteOperator.ABSENT, m.operators().get(1).input(1));
        assertArrayEquals(new int[]{1, -1}, m.operators().get(1).inputs());
        assertEquals("BUILTIN_999", m.operators().get(3).name());
        assertEquals(OperatorOptions.NONE, m.operators().get(0).options());

        TfliteUnsupportedOperatorException e = assertThrows(TfliteUnsupportedOperatorException.class,
                () -> new TfliteReferenceInterpreter(m));
        assertEquals("unsupported TFLite operators: GELU \u00d72, CUSTOM:MyOp \u00d71, BUILTIN_999 \u00d71", e.getMessage());

        TinyModelBuilder old = new TinyModelBuilder();
        old.opCodes.add(new TinyModelBuilder.OpCode(3, 0, null));
        old.tensors.add(new TinyModelBuilder.Tensor("x", 0, new int[]{1}, 0));
        old.ops.add(new TinyModelBuilder.Op(0, new int[]{0}, new int[]{0}));
        assertEquals("CONV_2D", TfliteModel.read(old.build(), "old").operators().get(0).name());
    }

    @Test
    void outOfRangeReferencesAreCorrupt() {
        TinyModelBuilder b = new TinyModelBuilder();
        b.opCodes.add(new TinyModelBuilder.OpCode(0, 0, null));
        b.tensors.add(new TinyModelBuilder.Tensor("x", 0, new int[]{1}, 0));
        b.ops.add(new TinyModelBuilder.Op(0, new int[]{0, 5}, new int[]{0}));
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(b.build(), "refs"));
        assertTrue(e.getMessage().contains("operator #0 inputs refer to tensor 5 of 1"), e.getMessage());

        TinyModelBuilder c = new TinyModelBuilder();
        c.tensors.add(new TinyModelBuilder.Tensor("w", 3, new int[]{4}, 1));
        c.buffers.add(new byte[]{1, 2, 3}); // 3 bytes for 4 uint8 values
        e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(c.build(), "short buffer"));
        assertTrue(e.getMessage().contains("needs 4 bytes but its buffer has 3"), e.getMessage());

        TinyModelBuilder d = new TinyModelBuilder();
        d.tensors.add(new TinyModelBuilder.Tensor("x", 42, new int[]{1}, 0));
        e = assertThrows(TfliteFormatException.class, () -> TfliteModel.read(d.build(), "type"));
        assertInstanceOf(TfliteFormatException.class, e.getCause());
        assertTrue(e.getMessage().contains("unknown TFLite tensor type code 42"), e.getMessage());
    }
}
