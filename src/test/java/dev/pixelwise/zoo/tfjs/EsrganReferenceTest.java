package dev.pixelwise.zoo.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pixelwise.zoo.tfjs.EsrganTestModels.Fixture;
import dev.pixelwise.zoo.tfjs.NhwcReference.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.pixelwise.zoo.tfjs.NhwcReference.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real UpscalerJS ESRGAN generators (npm packages, see {@link EsrganTestModels}) in SameDiff against
 * the reference forward passes of bench/esrgan_reference.py (PyTorch float64, its own reading of the same
 * files) on a crop of bird.bmp, plus import of all twelve model.json files and the value range each package
 * declares.
 */
class EsrganReferenceTest {

    /** Max abs difference allowed on the 0..1 scale (the bound). */
    private static final double TOLERANCE = 1e-3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"esrgan-slim-x4", "esrgan-medium-x4", "esrgan-thick-x4", "esrgan-thick-x3"})
    void matchesTheReferenceForwardPass(String name) throws IOException {
        Fixture f = EsrganTestModels.fixture(name);
        Path json = EsrganTestModels.modelJson(f.family(), f.scale());
        for (Map.Entry<String, JsonNode> e : f.header().get("sha256").properties()) { // the files the reference ran
            assertEquals(e.getValue().asText(), sha256(json.resolveSibling(e.getKey())), e.getKey() + " of " + json);
        }
        TfjsLayersModel model = TfjsLayersModel.read(json);
        try (TfjsGraph graph = new TfjsImporter().importModel(model);
             INDArray in = new Image(f.height(), f.width(), 3, f.input()).nchw();
             INDArray out = graph.output(in)) {
            assertEquals(f.scale(), graph.scale());
            assertEquals(f.valueScale(), graph.inputScale());
            assertArrayEquals(new long[]{1, 3, (long) f.height() * f.scale(), (long) f.width() * f.scale()}, out.shape());
            Image expected = new Image(f.height() * f.scale(), f.width() * f.scale(), 3, f.output());
            double diff = maxAbsDiff(expected, Image.fromNchw(out)) / f.valueScale();
            System.out.printf("%s (%s) on a %d×%d crop: max |SameDiff − PyTorch float64| = %.3e on the 0..1 scale%n",
                    name, graph.architecture(), f.height(), f.width(), diff);
            assertTrue(diff <= TOLERANCE, name + ": max abs diff " + diff + " on the 0..1 scale");
            // Every call runs the convolutions as oneDNN primitives in the blocked layout (zoo.OneDnnConvolutions;
            // the graph is planned from its shapes alone, GraphRunner.inferShapes): later calls give the same.
            for (int call = 2; call <= 3; call++) {
                try (INDArray again = graph.output(in)) {
                    double fused = maxAbsDiff(expected, Image.fromNchw(again)) / f.valueScale();
                    System.out.printf("%s call %d: max |SameDiff − PyTorch float64| = %.3e, max |call − first call| = %.3e%n",
                            name, call, fused, again.sub(out).amaxNumber().doubleValue() / f.valueScale());
                    assertTrue(fused <= TOLERANCE, name + " call " + call + ": max abs diff " + fused);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"esrgan-slim-x4", "esrgan-medium-x4", "esrgan-thick-x4", "esrgan-thick-x3"})
    void fixtureInputIsTheBirdCrop(String name) throws IOException {
        Fixture f = EsrganTestModels.fixture(name);
        Path photo = Path.of("..", "shared", "images", f.header().get("image").asText()); // as dev.pixelwise.TestImages
        assertTrue(Files.isRegularFile(photo), photo.toAbsolutePath() + " missing (../shared must sit beside the repo)");
        assertEquals(f.header().get("imageSha256").asText(), sha256(photo));
        BufferedImage image = ImageIO.read(photo.toFile());
        JsonNode crop = f.header().get("crop");
        int x0 = crop.get("x").asInt(), y0 = crop.get("y").asInt();
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                int rgb = image.getRGB(x0 + x, y0 + y);
                int[] channels = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                for (int c = 0; c < 3; c++) {
                    float value = f.input()[(y * f.width() + x) * 3 + c];
                    assertEquals(channels[c], value * 255f / f.valueScale(), 1e-3, name + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void allTwelveModelsImportAndUpscale() throws IOException {
        Map<String, Integer> classes = new TreeMap<>();
        for (String family : EsrganTestModels.FAMILIES) {
            for (int scale : EsrganTestModels.SCALES) {
                TfjsLayersModel model = TfjsLayersModel.read(EsrganTestModels.modelJson(family, scale));
                model.layers().forEach(l -> classes.merge(l.className(), 1, Integer::sum));
                long start = System.nanoTime();
                try (TfjsGraph graph = new TfjsImporter().importModel(model);
                     INDArray in = NhwcReference.random(5, 6, 3, scale).nchw().muli(graph.inputScale());
                     INDArray out = graph.output(in)) {
                    assertEquals(scale, graph.scale(), family + " x" + scale);
                    assertEquals(family.equals("thick") ? 1f : 255f, graph.inputScale(), family);
                    assertArrayEquals(new long[]{1, 3, 5L * scale, 6L * scale}, out.shape());
                    double amax = out.amaxNumber().doubleValue();
                    assertTrue(Double.isFinite(amax) && amax < 10 * graph.outputScale(), family + " x" + scale);
                    System.out.printf("esrgan-%s x%d: %d layers, %d weights, import + 5×6 pass %.0f ms%n", family,
                            scale, model.layers().size(), model.weights().size(), (System.nanoTime() - start) / 1e6);
                }
            }
        }
        System.out.println("layer classes over all 12 model.json files (layers): " + classes);
        classes.keySet().forEach(c -> assertTrue(TfjsImporter.supports(c), c));
    }

    /** The packages' own code: architecture per family and the value range declared per architecture. */
    @Test
    void valueRangeFollowsThePackagesDeclaration() throws IOException {
        Pattern architecture = Pattern.compile("architecture:\\s*\"(\\w+)\"");
        for (String family : EsrganTestModels.FAMILIES) {
            Path pkg = EsrganTestModels.packageDir(family);
            String definition = Files.readString(pkg.resolve("dist/esm/models/esrgan-" + family
                    + "/src/getModelDefinition.js"));
            Matcher m = architecture.matcher(definition);
            assertTrue(m.find(), definition);
            String esrgan = Files.readString(pkg.resolve("dist/esm/packages/shared/src/esrgan/esrgan.js"));
            // rdn returns early with [0, 255]; every other architecture gets [0, 1]
            assertTrue(Pattern.compile("architecture === 'rdn'[\\s\\S]*?inputRange:\\s*\\[0,\\s*255,?\\s*\\]"
                    + "[\\s\\S]*?inputRange:\\s*\\[0,\\s*1,?\\s*\\]").matcher(esrgan).find(), esrgan);
            try (TfjsGraph graph = new TfjsImporter().importModel(
                    TfjsLayersModel.read(EsrganTestModels.modelJson(family, 2)))) {
                assertEquals(m.group(1), graph.architecture(), family);
                assertEquals(m.group(1).equals("rdn") ? 255f : 1f, graph.inputScale(), family);
            }
        }
    }

    @Test
    void realModelSurvivesTheGraphCache() throws IOException {
        Fixture f = EsrganTestModels.fixture("esrgan-thick-x3");
        Path json = EsrganTestModels.modelJson("thick", 3);
        Path cache = dir.resolve("thick-x3.sdz");
        TfjsImporter importer = new TfjsImporter();
        try (INDArray in = new Image(f.height(), f.width(), 3, f.input()).nchw()) {
            long start = System.nanoTime();
            INDArray imported;
            try (TfjsGraph g = importer.loadOrImport(json, cache)) {
                imported = g.output(in);
            }
            long middle = System.nanoTime();
            try (TfjsGraph g = importer.loadOrImport(json, cache); INDArray loaded = g.output(in)) {
                long end = System.nanoTime();
                System.out.printf("thick x3: import + save + pass %.0f ms, cached load + pass %.0f ms (%d KB file)%n",
                        (middle - start) / 1e6, (end - middle) / 1e6, Files.size(cache) / 1024);
                assertEquals(imported, loaded);
            } finally {
                imported.close();
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
