package dev.pixelwise.classify;

import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

import static dev.pixelwise.classify.ClassifyApiTest.classify;
import static dev.pixelwise.classify.ClassifyApiTest.ok;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Class activation maps with the real MobileNets, on the shared photos that come with object masks. */
@QuarkusTest
class ClassActivationTest {

    @Inject
    ClassifierModels models;

    @Inject
    MeterRegistry metrics;

    @BeforeEach
    void modelsFetched() throws InterruptedException {
        TestModels.awaitFetched("mobilenet-v2", "mobilenet-v1-0.75");
    }

    static BufferedImage read(String photo) {
        try {
            return ImageIO.read(TestImages.photo(photo).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The maps are the right tensors read the right way round: each class's map, averaged over the positions,
     * plus its bias is its logit, so the softmax of those is the graph's own probabilities over all classes.
     */
    @ParameterizedTest
    @CsvSource({"mobilenet-v2,1280", "mobilenet-v1-0.75,768"})
    void mapsAveragedAreTheLogits(String id, int channels) {
        ClassifierModels.Loaded model = models.get(id);
        assertNotNull(model.cam(), "MobileNet has a pool read by a 1×1 classifier");
        assertEquals(channels, model.cam().channels());
        ClassifierTranslator t = model.translator();
        assertEquals(t.height() / 32, model.mapRows(), "the last feature maps are the input over 32");
        assertEquals(t.width() / 32, model.mapCols());
        // five stride-2 layers of kernel 3 with TFLite's SAME padding (none before on even sizes) each move the
        // centres half an input step: 0.5 · (1 + 2 + 4 + 8 + 16) = 15.5 input pixels, of a 32-pixel cell
        assertEquals(15.5 / 32, model.cam().alignment().rowShift(), 1e-9);
        assertEquals(15.5 / 32, model.cam().alignment().colShift(), 1e-9);
        float[] input = t.toTensor(t.resize(read("bird_segmentation.bmp")));
        BatchingClassifier.Pass pass = ClassifierModels.await(model.runner(), new float[][]{input}, true);
        float[] probabilities = pass.outputs()[0];
        float[] maps = pass.maps()[0];
        assertEquals(channels * model.mapRows() * model.mapCols(), maps.length);
        double[] logits = new double[probabilities.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < logits.length; k++) {
            float[] s = ClassActivation.scores(maps, channels, model.cam().weights()[k]);
            double mean = 0;
            for (float v : s) {
                mean += v;
            }
            logits[k] = mean / s.length + model.cam().bias()[k];
            max = Math.max(max, logits[k]);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        double worst = 0;
        for (int k = 0; k < logits.length; k++) {
            worst = Math.max(worst, Math.abs(Math.exp(logits[k] - max) / sum - probabilities[k]));
        }
        assertTrue(worst < 1e-4, "softmax of the averaged maps differs from the probabilities by " + worst);
    }

    /**
     * The top label's map finds the object: the hottest pixel of the heat-map as drawn (between cell centres,
     * placed by the map's alignment) lies inside the object's mask, and the map is on average at least 1.5
     * times as warm on the object as off it. The masks differ in convention: the bird's holds Pascal VOC class
     * indices (3 = bird), the dog's a pet trimap (0 = pet, 1 = background, 2 = outline). Drawn without the
     * alignment (cells tiling the image evenly), the bird's peak lay just above its wing.
     */
    @ParameterizedTest
    @CsvSource({"bird_segmentation,3", "dog_segmentation,0"})
    void camPeakLiesOnTheObject(String photo, int object) {
        JsonPath job = ok(classify(photo + ".bmp", "explain", "cam"));
        assertEquals("cam", job.getString("result.explanation.method"));
        int rows = job.getInt("result.explanation.rows");
        int cols = job.getInt("result.explanation.cols");
        float[] cam = floats(job.getList("result.explanation.drop", Float.class));
        assertEquals(1f, cam[argMax(cam)], 1e-6, "scaled so the peak is 1");
        assertFindsObject(photo, object, new Grid(cam, rows, cols, job.getDouble("result.explanation.rowShift"),
                job.getDouble("result.explanation.colShift")));
    }

    /** A map as the API gives it: values, size, and where its cells sit on the image. */
    record Grid(float[] values, int rows, int cols, double rowShift, double colShift) {
        static Grid of(JsonPath job) {
            return new Grid(floats(job.getList("result.explanation.drop", Float.class)), job.getInt("result.explanation.rows"),
                    job.getInt("result.explanation.cols"), job.getDouble("result.explanation.rowShift"),
                    job.getDouble("result.explanation.colShift"));
        }

        /** The value drawn at (fx, fy), fractions of the image: as HeatmapOverlay, between cell centres, clamped. */
        double at(double fx, double fy) {
            double gx = Math.max(0, Math.min(cols - 1, fx * cols - 0.5 - colShift));
            double gy = Math.max(0, Math.min(rows - 1, fy * rows - 0.5 - rowShift));
            int x0 = (int) gx;
            int y0 = (int) gy;
            int x1 = Math.min(cols - 1, x0 + 1);
            int y1 = Math.min(rows - 1, y0 + 1);
            double ax = gx - x0;
            double ay = gy - y0;
            return (values[y0 * cols + x0] * (1 - ax) + values[y0 * cols + x1] * ax) * (1 - ay)
                    + (values[y1 * cols + x0] * (1 - ax) + values[y1 * cols + x1] * ax) * ay;
        }
    }

    private static void assertFindsObject(String photo, int object, Grid cam) {
        Raster mask = read(photo + "_mask.bmp").getRaster();
        int w = mask.getWidth();
        int h = mask.getHeight();
        double in = 0;
        double out = 0;
        int inCount = 0;
        int outCount = 0;
        double peak = -1;
        int peakX = 0;
        int peakY = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean on = mask.getSample(x, y, 0) == object;
                double v = cam.at((x + 0.5) / w, (y + 0.5) / h);
                if (v > peak) {
                    peak = v;
                    peakX = x;
                    peakY = y;
                }
                if (on) {
                    in += v;
                    inCount++;
                } else {
                    out += v;
                    outCount++;
                }
            }
        }
        double ratio = (in / inCount) / (out / outCount);
        String says = photo + ": the heat-map's hottest pixel (" + peakX + ", " + peakY + ") is "
                + (mask.getSample(peakX, peakY, 0) == object ? "on" : "off") + " the object; map "
                + String.format("%.2f", ratio) + "× warmer on it than off; shift " + cam.rowShift() + ", "
                + cam.colShift() + "; map " + Arrays.toString(cam.values());
        System.out.println(says);
        assertEquals(object, mask.getSample(peakX, peakY, 0), says);
        assertTrue(ratio >= 1.5, says);
    }

    /**
     * CAM and occlusion point at the same region: the centre of the window whose occlusion lowers the top
     * label most lies where the (upsampled) class activation map is in its top quarter.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bird_segmentation", "dog_segmentation"})
    void camAndOcclusionAgreeOnThePeak(String photo) {
        JsonPath cam = ok(classify(photo + ".bmp", "explain", "cam"));
        JsonPath occlusion = ok(classify(photo + ".bmp", "explain", "occlusion"));
        assertEquals("occlusion", occlusion.getString("result.explanation.method"));
        assertEquals(cam.getInt("result.explanation.index"), occlusion.getInt("result.explanation.index"), "the same label");
        int n = occlusion.getInt("result.explanation.rows");
        int cell = argMax(floats(occlusion.getList("result.explanation.drop", Float.class)));
        // OcclusionExplainer's window of cell (r, c) spans [c/(n+1), (c+2)/(n+1)) of the width: centre (c+1)/(n+1).
        double fx = (cell % n + 1.0) / (n + 1);
        double fy = (cell / n + 1.0) / (n + 1);
        Grid map = Grid.of(cam);
        int side = 224;
        double[] up = new double[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                up[y * side + x] = map.at((x + 0.5) / side, (y + 0.5) / side);
            }
        }
        double[] sorted = up.clone();
        Arrays.sort(sorted);
        double topQuarter = sorted[(int) (0.75 * sorted.length)];
        double there = map.at(fx, fy);
        assertTrue(there >= topQuarter, photo + ": occlusion's peak (cell " + cell + ") has CAM " + there
                + ", below the top quarter's " + topQuarter + "; CAM " + Arrays.toString(map.values()));
    }

    /** A CAM request runs the graph once: one batch of one image on the model's thread, nothing more. */
    @Test
    void camCostsNoExtraForwardPass() {
        ok(classify("dog_segmentation.bmp")); // loaded, and its meters registered
        DistributionSummary passes = metrics.find("pixelwise.classify.batch.size").tag("model", "mobilenet-v2").summary();
        assertNotNull(passes);
        long before = passes.count();
        double imagesBefore = passes.totalAmount();
        JsonPath job = ok(classify("dog_segmentation.bmp", "explain", "cam"));
        assertEquals(1, passes.count() - before, "forward passes for a CAM request");
        assertEquals(1.0, passes.totalAmount() - imagesBefore, "images in them");
        assertEquals(5, job.getList("result.explanations").size());
        // Occlusion, for contrast, runs the graph for the baseline and every batch of covered images.
        long beforeOcclusion = passes.count();
        ok(classify("dog_segmentation.bmp", "explain", "occlusion"));
        assertTrue(passes.count() - beforeOcclusion > 1);
    }

    /** explain takes none, cam, occlusion, and the booleans it used to be (true = cam); anything else is 400 naming it. */
    @Test
    void explainValues() {
        JsonPath none = ok(classify("cat.bmp", "explain", "none"));
        assertNull(none.get("result.heatmap"));
        assertNull(none.get("result.explanation"));
        assertEquals(0, none.getList("result.explanations").size());
        JsonPath off = ok(classify("cat.bmp", "explain", "false"));
        assertNull(off.get("result.heatmap"));
        assertNull(ok(classify("cat.bmp")).get("result.heatmap"), "none by default");

        for (String v : List.of("cam", "true", "CAM")) {
            JsonPath job = ok(classify("cat.bmp", "explain", v, "topK", "3"));
            assertEquals("cam", job.getString("result.explanation.method"), v);
            assertEquals("heatmap.png", job.getString("result.heatmap"));
            List<String> labels = job.getList("result.predictions.label", String.class);
            assertEquals(labels, job.getList("result.explanations.label", String.class), "a map per label, in order");
            assertEquals(List.of("heatmap.png", "heatmap-2.png", "heatmap-3.png"),
                    job.getList("result.explanations.heatmap", String.class));
            String id = job.getString("id");
            for (String file : List.of("heatmap.png", "heatmap-2.png", "heatmap-3.png")) {
                given().get("/api/v1/jobs/" + id + "/files/" + file).then().statusCode(200).contentType("image/png");
            }
            // Small palette PNGs with the preview's shape; the page stretches them over it.
            BufferedImage heat = image(id, "heatmap.png");
            BufferedImage preview = image(id, "image.jpg");
            assertEquals(ClassifyTask.CAM_SIDE, Math.max(heat.getWidth(), heat.getHeight()));
            assertEquals((double) preview.getWidth() / preview.getHeight(), (double) heat.getWidth() / heat.getHeight(), 0.02);
            assertTrue(heat.getColorModel() instanceof java.awt.image.IndexColorModel, "palette PNG");
        }
        JsonPath many = ok(classify("cat.bmp", "explain", "cam", "topK", "20"));
        assertEquals(ClassActivation.LABELS, many.getList("result.explanations").size(), "maps for the first few labels only");

        JsonPath occlusion = ok(classify("cat.bmp", "explain", "occlusion"));
        assertEquals("occlusion", occlusion.getString("result.explanation.method"));
        assertEquals(1, occlusion.getList("result.explanations").size());

        for (String bad : List.of("maybe", "gradcam", "2")) {
            classify("cat.bmp", "explain", bad).then().statusCode(400)
                    .contentType(startsWith("application/problem+json")).body("field", equalTo("explain"));
        }
    }

    /**
     * With a collection, a label's map weighs the features with the label's imprinted centroid: taught birds
     * and cats, the bird photo's "bird" map finds the bird as the ImageNet one does. Occlusion is refused there.
     */
    @Test
    void collectionLabelsHaveMapsToo() {
        String id = given().contentType("application/json").body("{\"name\":\"cam\"}").post("/api/v1/collections")
                .then().statusCode(201).extract().path("id");
        teach(id, "bird", "bird.bmp", "parrot.jpg", "owl.jpg");
        teach(id, "cat", "cat.bmp", "cat_720p.jpg");
        DistributionSummary passes = metrics.find("pixelwise.classify.features.batch.size").tag("model", "mobilenet-v2").summary();
        assertNotNull(passes);
        long before = passes.count();
        JsonPath job = ok(given().multiPart("image", TestImages.photo("bird_segmentation.bmp").toFile())
                .multiPart("collection", id).multiPart("explain", "cam").multiPart("timeout", "300").post("/api/v1/classify"));
        assertEquals(1, passes.count() - before, "one pass gives the embedding and the maps");
        assertEquals("bird", job.getString("result.predictions[0].label"));
        assertEquals(List.of("bird", "cat"), job.getList("result.explanations.label", String.class));
        assertFindsObject("bird_segmentation", 3, Grid.of(job));

        given().multiPart("image", TestImages.photo("bird_segmentation.bmp").toFile()).multiPart("collection", id)
                .multiPart("explain", "occlusion").post("/api/v1/classify").then().statusCode(400)
                .body("field", equalTo("explain"));
    }

    private static BufferedImage image(String job, String file) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(
                    given().get("/api/v1/jobs/" + job + "/files/" + file).then().statusCode(200).extract().asByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void teach(String id, String label, String... photos) {
        var spec = given().multiPart("label", label);
        for (String p : photos) {
            spec.multiPart("image", TestImages.photo(p).toFile());
        }
        spec.post("/api/v1/collections/" + id + "/examples").then().statusCode(200);
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
