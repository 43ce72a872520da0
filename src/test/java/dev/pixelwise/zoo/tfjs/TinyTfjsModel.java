package dev.pixelwise.zoo.tfjs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Writes small TF.js layers models (model.json in the converter's Keras 2 format plus float32 shards) for
 * tests: random weights from a fixed seed, the manifest in alphabetical order of weight names (like the
 * real files, so not layer order), the bytes split into shards at arbitrary offsets (mid-float too).
 */
final class TinyTfjsModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArrayNode layers = JSON.createArrayNode();
    private final Map<String, Integer> channels = new LinkedHashMap<>();
    private final Map<String, float[]> weightValues = new TreeMap<>();
    private final Map<String, int[]> weightShapes = new TreeMap<>();
    private final Random random;
    private String input;
    private String output;

    TinyTfjsModel(long seed) {
        this.random = new Random(seed);
    }

    TinyTfjsModel input(String name, int c) {
        ObjectNode config = JSON.createObjectNode();
        ArrayNode shape = config.putArray("batch_input_shape");
        shape.addNull().addNull().addNull().add(c);
        config.put("dtype", "float32").put("sparse", false).put("ragged", false).put("name", name);
        add("InputLayer", name, config, c);
        input = name;
        return this;
    }

    /** Conv2D with Keras' usual config keys; kernel [k, k, in, filters] and bias from the random source. */
    TinyTfjsModel conv(String name, String from, int filters, int k, String padding, int stride, int dilation,
                       String activation) {
        ObjectNode c = JSON.createObjectNode();
        c.put("name", name).put("trainable", true).put("dtype", "float32").put("filters", filters);
        c.putArray("kernel_size").add(k).add(k);
        c.putArray("strides").add(stride).add(stride);
        c.put("padding", padding).put("data_format", "channels_last");
        c.putArray("dilation_rate").add(dilation).add(dilation);
        c.put("groups", 1).put("activation", activation).put("use_bias", true);
        int in = channels.get(from);
        float[] kernel = new float[k * k * in * filters];
        double spread = 1.0 / Math.sqrt(k * k * in);
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (float) (random.nextGaussian() * spread);
        }
        float[] bias = new float[filters];
        for (int i = 0; i < filters; i++) {
            bias[i] = (float) (random.nextGaussian() * 0.1);
        }
        weight(name + "/kernel", kernel, k, k, in, filters);
        weight(name + "/bias", bias, filters);
        add("Conv2D", name, c, filters, from);
        return this;
    }

    TinyTfjsModel activation(String name, String from, String activation) {
        return layer("Activation", name, Map.of("activation", activation), channels.get(from), from);
    }

    TinyTfjsModel concatenate(String name, String... from) {
        int c = Arrays.stream(from).mapToInt(channels::get).sum();
        return layer("Concatenate", name, Map.of("axis", 3), c, from);
    }

    TinyTfjsModel add(String name, String... from) {
        return layer("Add", name, Map.of(), channels.get(from[0]), from);
    }

    TinyTfjsModel upSampling(String name, String from, int sh, int sw) {
        return layer("UpSampling2D", name, Map.of("size", List.of(sh, sw), "data_format", "channels_last",
                "interpolation", "nearest"), channels.get(from), from);
    }

    TinyTfjsModel multiplyBeta(String name, String from, double beta) {
        return layer("MultiplyBeta", name, Map.of("beta", beta), channels.get(from), from);
    }

    TinyTfjsModel pixelShuffle(String name, String from, int block) {
        return layer("PixelShuffle" + block + "x", name, Map.of("scale", block),
                channels.get(from) / (block * block), from);
    }

    /** Any layer; {@code config} values are turned into JSON as they are. */
    TinyTfjsModel layer(String className, String name, Map<String, ?> config, int outChannels, String... from) {
        ObjectNode c = JSON.valueToTree(config);
        c.put("name", name).put("dtype", "float32");
        add(className, name, c, outChannels, from);
        return this;
    }

    TinyTfjsModel weight(String name, float[] values, int... shape) {
        weightValues.put(name, values);
        weightShapes.put(name, shape);
        return this;
    }

    private void add(String className, String name, ObjectNode config, int outChannels, String... from) {
        ObjectNode l = layers.addObject();
        l.put("class_name", className).put("name", name);
        l.set("config", config);
        ArrayNode nodes = l.putArray("inbound_nodes");
        if (from.length > 0) {
            ArrayNode node = nodes.addArray();
            for (String f : from) {
                node.addArray().add(f).add(0).add(0).addObject();
            }
        }
        channels.put(name, outChannels);
        output = name;
    }

    /** The weights' float values, in manifest (alphabetical) order, as little-endian bytes. */
    byte[] weightBytes() {
        int n = weightValues.values().stream().mapToInt(v -> v.length).sum();
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : weightValues.values()) {
            for (float f : v) {
                b.putFloat(f);
            }
        }
        return b.array();
    }

    /** Writes dir/model.json and dir/group1-shard&lt;i&gt;of&lt;shards&gt;.bin; returns the model.json path. */
    Path write(Path dir, int shards) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "layers-model").put("generatedBy", "keras v2.10.0").put("convertedBy", "TinyTfjsModel");
        ObjectNode topology = root.putObject("modelTopology");
        topology.put("keras_version", "2.10.0").put("backend", "tensorflow");
        ObjectNode model = topology.putObject("model_config");
        model.put("class_name", "Functional");
        ObjectNode config = model.putObject("config");
        config.put("name", "tiny");
        config.set("layers", layers);
        config.putArray("input_layers").addArray().add(input).add(0).add(0);
        config.putArray("output_layers").addArray().add(output).add(0).add(0);
        ObjectNode group = root.putArray("weightsManifest").addObject();
        ArrayNode paths = group.putArray("paths");
        ArrayNode weights = group.putArray("weights");
        weightShapes.forEach((name, shape) -> {
            ObjectNode w = weights.addObject();
            w.put("name", name).put("dtype", "float32");
            ArrayNode s = w.putArray("shape");
            Arrays.stream(shape).forEach(s::add);
        });
        byte[] bytes = weightBytes();
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i <= shards; i++) {
            cuts.add((int) ((long) bytes.length * i / shards) + (i > 0 && i < shards ? 1 : 0)); // mid-float
        }
        for (int i = 0; i < shards; i++) {
            String file = "group1-shard" + (i + 1) + "of" + shards + ".bin";
            paths.add(file);
            Files.write(dir.resolve(file), Arrays.copyOfRange(bytes, cuts.get(i), cuts.get(i + 1)));
        }
        Path json = dir.resolve("model.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
        return json;
    }

    float[] weightValues(String name) {
        return weightValues.get(name);
    }
}
