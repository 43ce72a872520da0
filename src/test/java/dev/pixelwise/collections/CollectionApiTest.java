package dev.pixelwise.collections;

import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import dev.pixelwise.classify.ClassifierModels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Collections over HTTP with the real MobileNetV2, on the shared photos. */
@QuarkusTest
class CollectionApiTest {

    @Inject
    ClassifierModels models;

    @BeforeEach
    void modelsFetched() throws InterruptedException {
        TestModels.awaitFetched("mobilenet-v2");
    }

    static BufferedImage read(String photo) {
        try {
            return ImageIO.read(TestImages.photo(photo).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] png(BufferedImage image) {
        return TestImages.encode(image, "png");
    }

    static BufferedImage flip(BufferedImage image) {
        AffineTransform t = AffineTransform.getScaleInstance(-1, 1);
        t.translate(-image.getWidth(), 0);
        return new AffineTransformOp(t, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, null);
    }

    /** A sub-image covering {@code f} of each side, at horizontal position {@code x} and vertical {@code y} (0..1). */
    static BufferedImage crop(BufferedImage image, double f, double x, double y) {
        int w = (int) (image.getWidth() * f);
        int h = (int) (image.getHeight() * f);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.createGraphics().drawImage(image.getSubimage((int) ((image.getWidth() - w) * x), (int) ((image.getHeight() - h) * y),
                w, h), 0, 0, null);
        return out;
    }

    /** {@code n} different views of the photos: each photo whole, then crops, each also mirrored. */
    static List<byte[]> views(int n, String... photos) {
        double[][] crops = {{1, 0.5, 0.5}, {0.85, 0.5, 0.5}, {0.85, 0, 0}, {0.85, 1, 1}, {0.85, 0, 1}, {0.85, 1, 0}};
        List<byte[]> out = new ArrayList<>();
        for (double[] c : crops) {
            for (String p : photos) {
                BufferedImage view = crop(read(p), c[0], c[1], c[2]);
                out.add(png(view));
                out.add(png(flip(view)));
                if (out.size() >= n) {
                    return out.subList(0, n);
                }
            }
        }
        throw new IllegalArgumentException("not that many views");
    }

    static String create(String name) {
        Response r = given().contentType("application/json").body("{\"name\":\"" + name + "\"}").post("/api/v1/collections");
        String id = r.then().statusCode(201).body("name", equalTo(name)).extract().path("id");
        r.then().header("Location", endsWith("/api/v1/collections/" + id));
        return id;
    }

    static Response teach(String id, String label, List<byte[]> images) {
        RequestSpecification spec = given().multiPart("label", label);
        int i = 0;
        for (byte[] image : images) {
            spec.multiPart("image", "view" + i++ + ".png", image, "image/png");
        }
        return spec.post("/api/v1/collections/" + id + "/examples");
    }

    static JsonPath classify(String id, String photo) {
        return given().multiPart("image", TestImages.photo(photo).toFile()).multiPart("collection", id)
                .multiPart("timeout", "300").post("/api/v1/classify").then().statusCode(200)
                .body("status", equalTo("succeeded")).extract().jsonPath();
    }

    static void problem(Response r, int status) {
        r.then().statusCode(status).contentType(startsWith("application/problem+json")).body("status", equalTo(status));
    }

    @Test
    void theSameImageGivesTheSameEmbedding() {
        BufferedImage cat = read("cat.bmp");
        float[] a = models.embed("mobilenet-v2", List.of(cat))[0];
        float[] b = models.embed("mobilenet-v2", List.of(cat))[0];
        assertEquals(1280, a.length, "MobileNetV2's pooled features");
        assertArrayEquals(a, b);
        double norm = 0;
        double cosine = 0;
        float[] bird = models.embed("mobilenet-v2", List.of(read("bird.bmp")))[0];
        for (int i = 0; i < a.length; i++) {
            norm += a[i] * a[i];
            cosine += a[i] * bird[i];
        }
        assertEquals(1, norm, 1e-5);
        assertTrue(cosine < 0.8, "a cat is not a bird: " + cosine);
    }

    @Test
    void catsAndBirdsFromAFewExamplesThenFromTen() {
        String id = create("pets");
        teach(id, "cats", views(4, "cat.bmp")).then().statusCode(200)
                .body("labels[0].name", equalTo("cats")).body("labels[0].examples", equalTo(4));
        JsonPath c = teach(id, "birds", views(4, "bird.bmp", "owl.jpg")).then().statusCode(200).extract().jsonPath();
        assertEquals("imprinting", c.getString("method"));
        assertEquals("leave-one-out", c.getString("evaluation"));
        assertEquals(1.0, c.getDouble("accuracy"));
        assertEquals(List.of(List.of(4, 0), List.of(0, 4)), c.getList("confusion"));

        // Held out: a parrot (no parrot among the examples) and the cat photo at another size.
        JsonPath parrot = classify(id, "parrot.jpg");
        assertEquals("birds", parrot.getString("result.predictions[0].label"));
        assertEquals("imprinting", parrot.getString("result.collection.method"));
        assertFalse(parrot.getBoolean("result.collection.unknown"), "similarity " + parrot.getDouble("result.collection.similarity"));
        assertEquals("cats", classify(id, "cat_1080p.jpg").getString("result.predictions[0].label"));

        // The user raises the threshold past the parrot's similarity: now it is unknown.
        double similarity = parrot.getDouble("result.collection.similarity");
        given().contentType("application/json").body("{\"threshold\":" + Math.min(1, similarity + 0.01) + "}")
                .patch("/api/v1/collections/" + id).then().statusCode(200);
        JsonPath unknown = classify(id, "parrot.jpg");
        assertTrue(unknown.getBoolean("result.collection.unknown"));
        assertEquals("birds", unknown.getString("result.predictions[0].label"), "the ranking stays; unknown says none fits");
        given().contentType("application/json").body("{\"threshold\":0.3}").patch("/api/v1/collections/" + id)
                .then().statusCode(200).body("threshold", equalTo(0.3f));

        // Ten each (six more, one of the birds' as a zip): the trained head answers.
        teach(id, "cats", views(10, "cat.bmp").subList(4, 10)).then().statusCode(200);
        JsonPath ten = given().multiPart("label", "birds")
                .multiPart("image", "more.zip", zip(views(10, "bird.bmp", "owl.jpg", "bird_segmentation.bmp").subList(4, 10)),
                        "application/zip")
                .post("/api/v1/collections/" + id + "/examples").then().statusCode(200).extract().jsonPath();
        assertEquals(10, ten.getInt("labels[1].examples"));
        assertEquals("head", ten.getString("method"));
        assertEquals("5-fold", ten.getString("evaluation"));
        assertEquals(1.0, ten.getDouble("accuracy"));
        JsonPath byHead = classify(id, "parrot.jpg");
        assertEquals("birds", byHead.getString("result.predictions[0].label"));
        assertEquals("head", byHead.getString("result.collection.method"));

        given().get("/api/v1/collections").then().statusCode(200).body("find { it.id == '" + id + "' }.name", equalTo("pets"));
        String first = ten.getString("labels[0].items[0].id");
        assertEquals(10, ten.getList("labels[0].items").size());
        given().delete("/api/v1/collections/" + id + "/labels/cats/examples/" + first).then().statusCode(200)
                .body("labels[0].examples", equalTo(9)).body("labels[0].items.id", not(hasItem(first)))
                .body("method", equalTo("imprinting"));
        problem(given().delete("/api/v1/collections/" + id + "/labels/cats/examples/" + first), 404);
        // the first version's position still works
        given().delete("/api/v1/collections/" + id + "/labels/cats/examples/0").then().statusCode(200)
                .body("labels[0].examples", equalTo(8));
        given().delete("/api/v1/collections/" + id + "/labels/cats").then().statusCode(200).body("labels.size()", equalTo(1));
        given().delete("/api/v1/collections/" + id).then().statusCode(204);
        problem(given().get("/api/v1/collections/" + id), 404);
    }

    @Test
    void badInputIs4xxProblemJson() {
        problem(given().get("/api/v1/collections/0123456789abcdef01234567"), 404);
        problem(teach("0123456789abcdef01234567", "x", views(1, "cat.bmp")), 404);
        problem(given().multiPart("image", TestImages.photo("cat.bmp").toFile()).multiPart("collection", "0123456789abcdef01234567")
                .post("/api/v1/classify"), 404);
        problem(given().contentType("application/json").body("{\"name\":\"\"}").post("/api/v1/collections"), 400);
        problem(given().contentType("application/json").body("{\"name\":\"" + "n".repeat(65) + "\"}").post("/api/v1/collections"), 400);
        String id = create("errors");
        problem(teach(id, "   ", views(1, "cat.bmp")), 400);
        problem(teach(id, "cats", List.of()), 400);
        problem(given().multiPart("label", "cats").multiPart("image", "notes.png", "not an image".getBytes(), "image/png")
                .post("/api/v1/collections/" + id + "/examples"), 415);
        problem(given().multiPart("label", "cats").multiPart("image", "evil.zip", zip("../../evil.png", views(1, "cat.bmp").get(0)),
                "application/zip").post("/api/v1/collections/" + id + "/examples"), 400);
        problem(given().contentType("application/json").body("{\"threshold\":2}").patch("/api/v1/collections/" + id), 400);
        problem(given().contentType("application/json").body("{\"threshold\":\"high\"}").patch("/api/v1/collections/" + id), 400);
        problem(given().contentType("application/json").body("{\"name\": ").post("/api/v1/collections"), 400);
        problem(given().delete("/api/v1/collections/" + id + "/labels/nothing"), 404);
        problem(given().multiPart("image", TestImages.photo("cat.bmp").toFile()).multiPart("collection", id)
                .post("/api/v1/classify"), 400); // no labels yet
        given().get("/api/v1/collections/" + id).then().statusCode(200).body("labels.size()", equalTo(0));
    }

    @Test
    void moreLabelsThanTheLimitIs400() {
        String id = create("many");
        byte[] tiny = png(crop(read("cat.bmp"), 0.1, 0.5, 0.5));
        for (int i = 0; i < 50; i++) {
            teach(id, "label " + i, List.of(tiny)).then().statusCode(200);
        }
        Response r = teach(id, "one too many", List.of(tiny));
        problem(r, 400);
        r.then().body("detail", endsWith("50 labels, the most allowed"));
        assertNotNull(given().delete("/api/v1/collections/" + id).then().statusCode(204));
    }

    static byte[] zip(List<byte[]> images) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            int i = 0;
            for (byte[] image : images) {
                z.putNextEntry(new ZipEntry("examples/" + i++ + ".png"));
                z.write(image);
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] zip(String name, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
