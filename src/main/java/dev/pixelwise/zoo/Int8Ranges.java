package dev.pixelwise.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link Precision#INT8} quantises by: for each fused convolution's input variable of one imported graph,
 * the smallest and largest value seen over a set of calibration photos in float32 (static post-training
 * quantisation, as PyTorch's and OpenVINO's). Made by {@code model-zoo/calibrate-int8.sh}, kept as
 * {@code model-zoo/calibration/<model>[@<variant>].json} beside the manifests, and tied to the graph it was
 * made from (its model fingerprint and the importer's format version): a graph imported otherwise has other
 * variable names, so a table that does not match is not used.
 *
 * <p>Why static: oneDNN 2.3's int8 kernels take their scales when the primitive is made, and making a plan's
 * primitives costs about 0.6 s (esrgan-thick), so scales measured per call would cost more than int8 saves.
 */
public final class Int8Ranges {

    static final String DIR = "model-zoo/calibration/";

    /** The range of one variable: float32 values seen, min ≤ 0 ≤ max not required. */
    public record Range(float min, float max) {
        /** Whether the values were never negative: then the input is quantised as u8 (twice the levels). */
        boolean unsigned() {
            return min >= 0;
        }

        /** q = round(x × scale): the largest magnitude maps to 127 (s8) or 255 (u8). */
        float scale() {
            double magnitude = Math.max(Math.abs(min), Math.abs(max));
            return magnitude > 0 ? (float) ((unsigned() ? 255 : 127) / magnitude) : 1f;
        }

        /** The range covering both. */
        Range span(Range other) {
            return new Range(Math.min(min, other.min), Math.max(max, other.max));
        }
    }

    private final String fingerprint;
    private final int graphFormat;
    private final List<String> photos;
    private final Map<String, Range> ranges;

    public Int8Ranges(String fingerprint, int graphFormat, List<String> photos, Map<String, Range> ranges) {
        this.fingerprint = fingerprint;
        this.graphFormat = graphFormat;
        this.photos = List.copyOf(photos);
        this.ranges = Map.copyOf(ranges);
    }

    public String fingerprint() {
        return fingerprint;
    }

    public int graphFormat() {
        return graphFormat;
    }

    /** The calibration inputs, as the tool named them (e.g. "owl.jpg@64,32"). */
    public List<String> photos() {
        return photos;
    }

    /** The range of {@code variable}, or null when it was not calibrated. */
    public Range range(String variable) {
        return ranges.get(variable);
    }

    public int size() {
        return ranges.size();
    }

    /** The resource name of a model's table: {@code model-zoo/calibration/esrgan-thick@x4.json}. */
    static String resource(String model, String variant) {
        return DIR + model + (variant == null ? "" : "@" + variant) + ".json";
    }

    /** The table of {@code model} (and {@code variant}) on the class path, or null when there is none. */
    public static Int8Ranges onClassPath(String model, String variant) {
        try (InputStream in = Int8Ranges.class.getClassLoader().getResourceAsStream(resource(model, variant))) {
            return in == null ? null : read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource(model, variant), e);
        }
    }

    /**
     * Gives {@code graph} its model's table from the class path, as the app does when it loads a model (benches
     * too); false when there is none or it was made from another graph.
     */
    public static boolean attach(ImportedGraph graph, String model, String variant) {
        Int8Ranges ranges = onClassPath(model, variant);
        return ranges != null && graph.useInt8Ranges(ranges);
    }

    static Int8Ranges read(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        Map<String, Range> ranges = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("ranges").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ranges.put(e.getKey(), new Range((float) e.getValue().get(0).asDouble(), (float) e.getValue().get(1).asDouble()));
        }
        List<String> photos = new ArrayList<>();
        root.path("photos").forEach(p -> photos.add(p.asText()));
        return new Int8Ranges(root.path("fingerprint").asText(), root.path("graphFormat").asInt(), photos, ranges);
    }

    /** Writes the table as JSON, variables sorted, so that a table made again from the same photos is the same file. */
    public void write(Path file, String model, String variant) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("model", model);
        if (variant != null) {
            root.put("variant", variant);
        }
        root.put("fingerprint", fingerprint);
        root.put("graphFormat", graphFormat);
        root.put("statistic", "min and max of each fused convolution's float32 input over the photos");
        ArrayNode p = root.putArray("photos");
        photos.forEach(p::add);
        ObjectNode r = root.putObject("ranges");
        new TreeMap<>(ranges).forEach((name, range) -> r.putArray(name).add(range.min()).add(range.max()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }
}
