package dev.pixelwise.zoo.tfjs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Reading model.json and its shards: layers, weights by name across shards, and the format errors. */
class TfjsLayersModelTest {

    @TempDir
    Path dir;

    /** Two convolutions; the manifest lists their weights alphabetically, the reverse of layer order. */
    private static TinyTfjsModel twoConvs() {
        return new TinyTfjsModel(1).input("LR", 3)
                .conv("z_first", "LR", 4, 3, "same", 1, 1, "relu")
                .conv("a_second", "z_first", 3, 1, "valid", 1, 1, "linear");
    }

    @Test
    void readsLayersAndWeightsByNameAcrossShards() throws IOException {
        TinyTfjsModel tiny = twoConvs();
        Path json = tiny.write(dir, 3);
        TfjsLayersModel model = TfjsLayersModel.read(json);

        assertEquals(List.of("InputLayer", "Conv2D", "Conv2D"),
                model.layers().stream().map(TfjsLayersModel.Layer::className).toList());
        assertEquals(List.of("z_first"), model.layers().get(2).inbound());
        assertEquals(List.of("LR"), model.inputs());
        assertEquals(List.of("a_second"), model.outputs());
        // manifest order is alphabetical, the reverse of layer order
        assertEquals(List.of("a_second/bias", "a_second/kernel", "z_first/bias", "z_first/kernel"),
                List.copyOf(model.weights().keySet()));
        assertArrayEquals(new int[]{3, 3, 3, 4}, model.weight("z_first/kernel").shape());
        assertArrayEquals(tiny.weightValues("z_first/kernel"), model.weight("z_first/kernel").values());
        assertArrayEquals(tiny.weightValues("a_second/bias"), model.weight("a_second/bias").values());
        assertEquals(64, model.fingerprint().length());
        assertEquals(model.fingerprint(), TfjsLayersModel.fingerprint(json));
    }

    @Test
    void fingerprintChangesWithAnyWeightByte() throws IOException {
        Path json = twoConvs().write(dir, 2);
        String before = TfjsLayersModel.fingerprint(json);
        Path shard = dir.resolve("group1-shard2of2.bin");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 1] ^= 1;
        Files.write(shard, bytes);
        assertNotEquals(before, TfjsLayersModel.fingerprint(json));
    }

    @Test
    void missingShardIsNamed() throws IOException {
        Path json = twoConvs().write(dir, 3);
        Files.delete(dir.resolve("group1-shard2of3.bin"));
        TfjsFormatException e = assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.read(json));
        assertTrue(e.getMessage().contains("group1-shard2of3.bin") && e.getMessage().contains("missing"), e.getMessage());
        assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.fingerprint(json));
    }

    @Test
    void truncatedShardNamesSizesAndTheWeightCutShort() throws IOException {
        Path json = twoConvs().write(dir, 2);
        Path last = dir.resolve("group1-shard2of2.bin");
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, Arrays.copyOf(bytes, bytes.length - 10));
        TfjsFormatException e = assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.read(json));
        String m = e.getMessage();
        System.out.println("truncated shard: " + m);
        assertTrue(m.contains("truncated") && m.contains("group1-shard2of2.bin=" + (bytes.length - 10))
                && m.contains("z_first/kernel"), m);
    }

    @Test
    void extraBytesAreRefusedToo() throws IOException {
        Path json = twoConvs().write(dir, 1);
        Path shard = dir.resolve("group1-shard1of1.bin");
        Files.write(shard, new byte[]{1, 2, 3, 4}, StandardOpenOption.APPEND);
        TfjsFormatException e = assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.read(json));
        assertTrue(e.getMessage().contains("extra data"), e.getMessage());
    }

    @Test
    void everyUnsupportedLayerClassIsNamedInOneMessage() throws IOException {
        Path json = twoConvs()
                .layer("Lambda", "lambda_1", Map.of("function", "x * 2"), 3, "a_second")
                .layer("Dense", "dense", Map.of("units", 3), 3, "lambda_1")
                .layer("Lambda", "lambda_2", Map.of("function", "x + 1"), 3, "dense")
                .layer("BatchNormalization", "bn", Map.of(), 3, "lambda_2")
                .write(dir, 1);
        Files.delete(dir.resolve("group1-shard1of1.bin")); // classes are checked before any weight is read
        TfjsUnsupportedLayerException e = assertThrows(TfjsUnsupportedLayerException.class,
                () -> TfjsLayersModel.read(json));
        System.out.println("unsupported: " + e.getMessage());
        assertEquals(List.of("Lambda", "Dense", "BatchNormalization"), List.copyOf(e.unsupported().keySet()));
        assertEquals(List.of("lambda_1", "lambda_2"), e.unsupported().get("Lambda"));
        assertTrue(e.getMessage().contains("Lambda \u00d72 (lambda_1, lambda_2)")
                && e.getMessage().contains("Dense \u00d71 (dense)")
                && e.getMessage().contains("BatchNormalization"), e.getMessage());
    }

    @Test
    void otherFormatProblems() throws IOException {
        Path json = dir.resolve("model.json");
        Files.writeString(json, "{\"modelTopology\": ");
        assertTrue(assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.read(json)).getMessage()
                .contains("not valid JSON"));
        Files.writeString(json, "{\"modelTopology\": {\"class_name\": \"Sequential\", \"config\": {}}}");
        assertTrue(assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.read(json)).getMessage()
                .contains("Sequential"));
        assertTrue(assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.read(dir.resolve("nope.json")))
                .getMessage().contains("not found"));

        Path quantized = twoConvs().write(dir.resolve("q"), 1);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(quantized.toFile());
        ((ObjectNode) root.get("weightsManifest").get(0).get("weights").get(1)).putObject("quantization")
                .put("dtype", "uint8");
        mapper.writeValue(quantized.toFile(), root);
        assertTrue(assertThrows(TfjsFormatException.class, () -> TfjsLayersModel.read(quantized)).getMessage()
                .contains("quantized"));
    }
}
