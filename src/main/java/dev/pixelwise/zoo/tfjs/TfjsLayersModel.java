package dev.pixelwise.zoo.tfjs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TF.js "layers-model" as written by the TensorFlow.js converter from a Keras model: {@code model.json}
 * holds the Keras functional config under {@code modelTopology} (layers with class_name, name, config and
 * inbound_nodes) and a {@code weightsManifest}, a list of groups, each with shard file {@code paths} and
 * {@code weights} [{name, shape, dtype}]. A group's weights are stored back to back, in manifest order (the
 * converter's order, often alphabetical, not layer order), as little-endian float32 across the group's
 * shards concatenated in path order. Weights are looked up by name ({@code <layer>/kernel},
 * {@code <layer>/bias}).
 *
 * <p>{@link #read} checks, before reading any weight, that every layer class is one
 * {@link TfjsImporter} translates (else {@link TfjsUnsupportedLayerException} naming every
 * unsupported class); then that every shard exists and that each group's shards hold exactly the bytes its
 * weights need (else {@link TfjsFormatException}). Instances are immutable.
 */
public final class TfjsLayersModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One Keras layer: {@code config} is the layer's own config object (read it, do not modify it) and
     * {@code inbound} the names of the layers whose outputs it takes, in order (empty for an InputLayer).
     */
    public record Layer(String className, String name, JsonNode config, List<String> inbound) {
        public Layer {
            inbound = List.copyOf(inbound);
        }

        @Override
        public String toString() {
            return className + " '" + name + "'";
        }
    }

    /** One float32 weight in row-major (C) order of {@code shape}, e.g. a Conv2D kernel [kh, kw, in, out]. */
    public record Weight(String name, int[] shape, float[] values) {
        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape);
        }
    }

    private final String source;
    private final String fingerprint;
    private final List<Layer> layers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Weight> weights;

    private TfjsLayersModel(String source, String fingerprint, List<Layer> layers, List<String> inputs,
                            List<String> outputs, Map<String, Weight> weights) {
        this.source = source;
        this.fingerprint = fingerprint;
        this.layers = List.copyOf(layers);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /** Reads {@code modelJson} and the weight shards beside it (see the class comment for the checks). */
    public static TfjsLayersModel read(Path modelJson) throws IOException {
        byte[] json = readFile(modelJson, "model.json");
        String source = modelJson.toString();
        JsonNode root = parse(json, source);
        List<Layer> layers = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        parseTopology(root, source, layers, inputs, outputs);
        TfjsImporter.requireSupported(source, layers); // before reading megabytes of weights
        List<Group> groups = parseManifest(root, source);
        MessageDigest digest = sha256();
        digest.update(json);
        Map<String, Weight> weights = new LinkedHashMap<>();
        for (Group g : groups) {
            byte[] data = readGroup(modelJson, g, digest);
            FloatBuffer floats = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (Spec w : g.weights) {
                float[] values = new float[Math.toIntExact(w.count())];
                floats.get(values);
                if (weights.put(w.name, new Weight(w.name, w.shape, values)) != null) {
                    throw new TfjsFormatException(source + ": weight " + w.name + " is listed twice in weightsManifest");
                }
            }
        }
        return new TfjsLayersModel(source, HexFormat.of().formatHex(digest.digest()), layers, inputs, outputs, weights);
    }

    /**
     * The {@link #fingerprint()} of the model at {@code modelJson} without parsing the layers or converting
     * weights: sha256 over model.json followed by every shard in manifest order. Missing shards fail as in
     * {@link #read}.
     */
    public static String fingerprint(Path modelJson) throws IOException {
        byte[] json = readFile(modelJson, "model.json");
        List<Group> groups = parseManifest(parse(json, modelJson.toString()), modelJson.toString());
        MessageDigest digest = sha256();
        digest.update(json);
        for (Group g : groups) {
            for (Path shard : shards(modelJson, g)) {
                digest.update(Files.readAllBytes(shard));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The model.json path, for messages. */
    public String source() {
        return source;
    }

    /** sha256 (hex) over model.json and its weight shards in manifest order; identifies the model for caches. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The layers in config order (Keras writes them in an order where every layer follows its inputs). */
    public List<Layer> layers() {
        return layers;
    }

    /** Names of the model's input layers (config.input_layers). */
    public List<String> inputs() {
        return inputs;
    }

    /** Names of the layers whose outputs are the model's outputs (config.output_layers). */
    public List<String> outputs() {
        return outputs;
    }

    /** Weights by name, in manifest order. */
    public Map<String, Weight> weights() {
        return weights;
    }

    /** The weight called {@code name}; {@link IllegalStateException} naming it and the model if there is none. */
    public Weight weight(String name) {
        Weight w = weights.get(name);
        if (w == null) {
            throw new IllegalStateException(source + " has no weight " + name + " in its weightsManifest");
        }
        return w;
    }

    @Override
    public String toString() {
        return "TfjsLayersModel[" + source + ", " + layers.size() + " layers, " + weights.size() + " weights]";
    }

    // ---------------------------------------------------------------- parsing

    private record Spec(String name, int[] shape) {
        long count() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private record Group(int number, List<String> paths, List<Spec> weights) {
        long bytes() {
            return weights.stream().mapToLong(w -> 4 * w.count()).sum();
        }
    }

    private static JsonNode parse(byte[] json, String source) throws TfjsFormatException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TfjsFormatException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TfjsFormatException(source + " cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static void parseTopology(JsonNode root, String source, List<Layer> layers, List<String> inputs,
                                      List<String> outputs) throws TfjsFormatException {
        JsonNode topology = root.path("modelTopology");
        JsonNode model = topology.has("model_config") ? topology.get("model_config") : topology;
        String kind = model.path("class_name").asText("");
        if (!kind.equals("Functional") && !kind.equals("Model")) {
            throw new TfjsFormatException(source + ": modelTopology holds a '" + kind
                    + "' model; only Keras functional models (class_name Functional or Model) are read");
        }
        JsonNode config = model.path("config");
        JsonNode list = config.path("layers");
        if (!list.isArray() || list.isEmpty()) {
            throw new TfjsFormatException(source + ": modelTopology has no layers");
        }
        for (JsonNode l : list) {
            String name = l.path("name").asText(l.path("config").path("name").asText(""));
            String className = l.path("class_name").asText("");
            if (name.isEmpty() || className.isEmpty()) {
                throw new TfjsFormatException(source + ": a layer without name or class_name: " + abbreviate(l));
            }
            layers.add(new Layer(className, name, l.path("config"), inbound(l, source)));
        }
        for (JsonNode t : config.path("input_layers")) {
            inputs.add(t.path(0).asText());
        }
        for (JsonNode t : config.path("output_layers")) {
            outputs.add(t.path(0).asText());
        }
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw new TfjsFormatException(source + ": the model config names no input_layers or output_layers");
        }
    }

    /** Keras 2 inbound_nodes: [[[layer name, node index, tensor index, kwargs], ...]], one node per call. */
    private static List<String> inbound(JsonNode layer, String source) throws TfjsFormatException {
        JsonNode nodes = layer.path("inbound_nodes");
        String name = layer.path("name").asText();
        if (nodes.isMissingNode() || nodes.isEmpty()) {
            return List.of();
        }
        if (nodes.size() > 1) {
            throw new TfjsFormatException(source + ": layer " + name + " is called " + nodes.size()
                    + " times; shared layers are not supported");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : nodes.get(0)) {
            if (!t.isArray() || !t.path(0).isTextual()) {
                throw new TfjsFormatException(source + ": layer " + name
                        + " has inbound_nodes in a format other than Keras 2's [[name, node, tensor, kwargs]]: "
                        + abbreviate(nodes));
            }
            if (t.path(1).asInt(0) != 0 || t.path(2).asInt(0) != 0 || t.path(3).size() > 0) {
                throw new TfjsFormatException(source + ": layer " + name + " takes " + t
                        + "; only the first output of single-call layers without call arguments is supported");
            }
            names.add(t.get(0).asText());
        }
        return names;
    }

    private static List<Group> parseManifest(JsonNode root, String source) throws TfjsFormatException {
        JsonNode manifest = root.path("weightsManifest");
        if (!manifest.isArray()) {
            throw new TfjsFormatException(source + " has no weightsManifest");
        }
        List<Group> groups = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode g : manifest) {
            List<String> paths = new ArrayList<>();
            g.path("paths").forEach(p -> paths.add(p.asText()));
            List<Spec> specs = new ArrayList<>();
            for (JsonNode w : g.path("weights")) {
                String name = w.path("name").asText("");
                String dtype = w.path("dtype").asText("float32");
                if (!dtype.equals("float32") || w.has("quantization")) {
                    problems.add(name + " (dtype " + dtype + (w.has("quantization") ? ", quantized" : "") + ")");
                }
                int[] shape = new int[w.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = w.path("shape").get(i).asInt(-1);
                    if (shape[i] < 0) {
                        throw new TfjsFormatException(source + ": weight " + name + " has shape " + w.path("shape"));
                    }
                }
                specs.add(new Spec(name, shape));
            }
            if (paths.isEmpty() && !specs.isEmpty()) {
                throw new TfjsFormatException(source + ": weightsManifest group " + (groups.size() + 1)
                        + " lists weights but no shard paths");
            }
            groups.add(new Group(groups.size() + 1, paths, specs));
        }
        if (!problems.isEmpty()) {
            throw new TfjsFormatException(source + ": only plain float32 weights are supported, not "
                    + String.join(", ", problems));
        }
        return groups;
    }

    /** The shard files of {@code g}, all checked to exist (one message naming every missing shard). */
    private static List<Path> shards(Path modelJson, Group g) throws TfjsFormatException {
        Path dir = modelJson.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String p : g.paths) {
            Path file = dir.resolve(p).normalize();
            if (!file.startsWith(dir)) {
                throw new TfjsFormatException(modelJson + ": weight shard path " + p + " leaves the model folder");
            }
            if (!Files.isRegularFile(file)) {
                missing.add(p);
            }
            files.add(file);
        }
        if (!missing.isEmpty()) {
            throw new TfjsFormatException(modelJson + ": weight shard" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " of weightsManifest group " + g.number + " missing in " + dir);
        }
        return files;
    }

    /** The concatenated shards of {@code g}, checked to hold exactly the manifest's bytes. */
    private static byte[] readGroup(Path modelJson, Group g, MessageDigest digest) throws IOException {
        List<Path> files = shards(modelJson, g);
        long needed = g.bytes();
        long[] sizes = new long[files.size()];
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            sizes[i] = Files.size(files.get(i));
            total += sizes[i];
        }
        if (total != needed) {
            StringBuilder m = new StringBuilder(modelJson + ": weight shards of group " + g.number + " hold "
                    + total + " bytes but its " + g.weights.size() + " float32 weights need " + needed + " bytes ("
                    + (total < needed ? "truncated or missing data" : "extra data") + "); shard sizes:");
            for (int i = 0; i < files.size(); i++) {
                m.append(' ').append(g.paths.get(i)).append('=').append(sizes[i]);
            }
            if (total < needed) {
                long offset = 0;
                for (Spec w : g.weights) {
                    if (offset + 4 * w.count() > total) {
                        m.append("; the first weight cut short is ").append(w.name).append(' ')
                                .append(Arrays.toString(w.shape)).append(" at byte ").append(offset);
                        break;
                    }
                    offset += 4 * w.count();
                }
            }
            throw new TfjsFormatException(m.toString());
        }
        if (needed > Integer.MAX_VALUE - 8) {
            throw new TfjsFormatException(modelJson + ": weight group " + g.number + " is larger than 2 GB");
        }
        byte[] data = new byte[(int) needed];
        int at = 0;
        for (Path f : files) {
            byte[] part = Files.readAllBytes(f);
            if (at + part.length > data.length) {
                throw new TfjsFormatException(f + " grew while it was read");
            }
            System.arraycopy(part, 0, data, at, part.length);
            digest.update(part);
            at += part.length;
        }
        return data;
    }

    private static byte[] readFile(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new TfjsFormatException(what + " not found: " + file);
        }
        return Files.readAllBytes(file);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
