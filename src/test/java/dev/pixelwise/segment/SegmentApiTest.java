package dev.pixelwise.segment;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class SegmentApiTest {

    static final int BIRD = 3;
    static final int DOG = 12;

    static Response segment(String photo, String... fields) {
        var spec = given().multiPart("image", TestImages.photo(photo).toFile()).multiPart("timeout", "300");
        for (int i = 0; i < fields.length; i += 2) {
            spec.multiPart(fields[i], fields[i + 1]);
        }
        return spec.when().post("/api/v1/segment");
    }

    /** Pixel values of the mask PNG, which are class indices. */
    static int[] maskIndices(String id, String file, int w, int h) throws IOException {
        byte[] png = given().get("/api/v1/jobs/" + id + "/files/" + file).then().statusCode(200).extract().asByteArray();
        BufferedImage mask = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(mask.getColorModel() instanceof IndexColorModel, "a palette PNG");
        assertEquals(w, mask.getWidth());
        assertEquals(h, mask.getHeight());
        Raster r = mask.getRaster();
        return r.getSamples(0, 0, w, h, 0, new int[w * h]);
    }

    @Test
    void birdMatchesTheGroundTruthMask() throws IOException {
        JsonPath job = segment("bird_segmentation.bmp").then().statusCode(200).body("status", equalTo("succeeded"))
                .extract().jsonPath();
        int w = job.getInt("result.width");
        int h = job.getInt("result.height");
        int[] ours = maskIndices(job.getString("id"), job.getString("result.mask"), w, h);
        BufferedImage truthImage = ImageIO.read(TestImages.photo("bird_segmentation_mask.bmp").toFile());
        int[] truth = truthImage.getRaster().getSamples(0, 0, w, h, 0, new int[w * h]);
        long inter = 0;
        long union = 0;
        for (int i = 0; i < ours.length; i++) {
            boolean a = ours[i] == BIRD;
            boolean b = truth[i] == BIRD;
            inter += a && b ? 1 : 0;
            union += a || b ? 1 : 0;
        }
        double iou = (double) inter / union;
        assertTrue(iou >= 0.85, "bird IoU " + iou);
        assertEquals(dev.pixelwise.zoo.Precision.resolve("auto", dev.pixelwise.zoo.Precision.AUTO_SEGMENT).label(), job.getString("result.precision"),
                "the default precision, auto, says what it ran as");
        assertEquals("bird", firstNonBackground(job).get("label"));
        assertEquals(BIRD, firstNonBackground(job).get("index"));
        double sum = job.getList("result.classes.fraction", Float.class).stream().mapToDouble(Float::doubleValue).sum();
        assertEquals(1.0, sum, 1e-3);
    }

    @Test
    void dogIsTheDominantObject() {
        JsonPath job = segment("dog_segmentation.bmp").then().statusCode(200).extract().jsonPath();
        assertEquals(DOG, firstNonBackground(job).get("index"));
        assertEquals("dog", firstNonBackground(job).get("label"));
    }

    @Test
    void colourModeClustersWithTheQuantizeEngine() throws IOException {
        JsonPath job = segment("parrot.jpg", "mode", "color", "k", "4").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> classes = job.getList("result.classes");
        assertTrue(classes.size() >= 2 && classes.size() <= 4);
        assertEquals(null, job.getString("result.precision"), "no network in colour mode");
        for (Map<String, Object> c : classes) {
            assertEquals(c.get("color"), c.get("label"), "a cluster is labelled by its colour");
            given().get("/api/v1/jobs/" + job.getString("id") + "/files/" + c.get("file")).then().statusCode(200);
        }
        int[] mask = maskIndices(job.getString("id"), "mask.png", job.getInt("result.width"), job.getInt("result.height"));
        for (int v : mask) {
            assertTrue(v < 4, "cluster index " + v);
        }
    }

    @Test
    void badOptionsAre400() {
        for (String[] c : new String[][]{{"mode", "instance"}, {"k", "1"}, {"k", "33"}, {"opacity", "1.5"},
                {"opacity", "NaN"}, {"model", "sam"}, {"precision", "int4"}}) {
            segment("dog_segmentation.bmp", c[0], c[1]).then().statusCode(400).body("field", equalTo(c[0]));
        }
    }

    private static Map<String, Object> firstNonBackground(JsonPath job) {
        List<Map<String, Object>> classes = job.getList("result.classes");
        return classes.stream().filter(c -> !((Integer) c.get("index")).equals(0)).findFirst().orElseThrow();
    }
}
