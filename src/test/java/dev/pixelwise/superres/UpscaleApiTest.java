package dev.pixelwise.superres;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.pixelwise.imaging.ImageFormat;
import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.imaging.ImageHeader;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.WorkerPool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;

@QuarkusTest
class UpscaleApiTest {

    @TempDir
    Path tmp;

    /** The ESRGAN packages are fetched in the background at start-up; wait for them. */
    @BeforeEach
    void modelsAvailable() throws InterruptedException {
        TestModels.awaitFetched("esrgan-slim", "esrgan-medium", "esrgan-thick");
    }

    Path crop(String photo, int x, int y, int w, int h) throws IOException {
        BufferedImage img = ImageIO.read(TestImages.photo(photo).toFile()).getSubimage(x, y, w, h);
        BufferedImage copy = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(img, 0, 0, null);
        return TestImages.write(tmp, photo + "-" + w + "x" + h + ".png", TestImages.encode(copy, "png"));
    }

    static Response upscale(Path image, String... fields) {
        var spec = given().multiPart("image", image.toFile()).multiPart("timeout", "300");
        for (int i = 0; i < fields.length; i += 2) {
            spec.multiPart(fields[i], fields[i + 1]);
        }
        return spec.when().post("/api/v1/upscale");
    }

    /** The largest difference of one RGB channel between two images of one size, {@code margin} px from each edge inwards. */
    static int largestDifference(BufferedImage a, BufferedImage b, int margin) {
        int worst = 0;
        for (int y = margin; y < a.getHeight() - margin; y++) {
            for (int x = margin; x < a.getWidth() - margin; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    worst = Math.max(worst, Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF)));
                }
            }
        }
        return worst;
    }

    static BufferedImage file(String id, String name) throws IOException {
        byte[] png = given().get("/api/v1/jobs/" + id + "/files/" + name).then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    @Test
    void upscalesAndComparesWithBicubic() throws IOException {
        Path image = crop("bird.bmp", 100, 60, 64, 48);
        JsonPath job = upscale(image, "model", "esrgan-slim", "scale", "2").then().statusCode(200)
                .body("status", equalTo("succeeded")).extract().jsonPath();
        assertEquals(128, job.getInt("result.width"));
        assertEquals(96, job.getInt("result.height"));
        assertEquals(2, job.getInt("result.scale"));
        assertTrue(job.getInt("result.tiles") >= 1);
        BufferedImage model = file(job.getString("id"), job.getString("result.file"));
        BufferedImage bicubic = file(job.getString("id"), job.getString("result.bicubic"));
        assertEquals(128, model.getWidth());
        assertEquals(96, bicubic.getHeight());
    }

    /** Tiles see their surroundings, so tiling changes nothing away from the image borders. */
    @Test
    void tiledEqualsUntiledAwayFromTheBorders() throws IOException {
        Path image = crop("parrot.jpg", 150, 300, 96, 80);
        String tiled = upscale(image, "model", "esrgan-slim", "scale", "2", "tile", "32").then().statusCode(200)
                .body("result.tiles", equalTo(9)).extract().path("id");
        String whole = upscale(image, "model", "esrgan-slim", "scale", "2", "tile", "512").then().statusCode(200)
                .body("result.tiles", equalTo(1)).extract().path("id");
        BufferedImage a = file(tiled, "upscaled.png");
        BufferedImage b = file(whole, "upscaled.png");
        int worst = largestDifference(a, b, 8 * 2);
        assertTrue(worst <= 1, "largest difference tiled vs untiled: " + worst + "/255");

        // the tiled job left its preview, whole at the end: the output sampled down, every pixel opaque
        BufferedImage preview = file(tiled, "preview.png");
        assertEquals(a.getWidth(), preview.getWidth(), "under 640 px: the output's own size");
        for (int y = 0; y < preview.getHeight(); y++) {
            for (int x = 0; x < preview.getWidth(); x++) {
                assertEquals(a.getRGB(x, y) | 0xFF000000, preview.getRGB(x, y));
            }
        }
        assertTrue(!given().get("/api/v1/jobs/" + whole).jsonPath().getList("files").contains("preview.png"),
                "one tile: no preview");
    }

    @Test
    void keepsAlphaByBicubic() throws IOException {
        BufferedImage argb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                argb.setRGB(x, y, (x < 20 ? 0xFF : 0x00) << 24 | 0x3366CC);
            }
        }
        Path image = TestImages.write(tmp, "alpha.png", TestImages.encode(argb, "png"));
        String id = upscale(image, "model", "esrgan-slim", "scale", "2").then().statusCode(200).extract().path("id");
        BufferedImage out = file(id, "upscaled.png");
        assertTrue(out.getColorModel().hasAlpha());
        assertEquals(0xFF, out.getRGB(5, 30) >>> 24);
        assertEquals(0x00, out.getRGB(75, 30) >>> 24);
    }

    @Test
    void selfCheckScoresModelAgainstBicubic() throws IOException {
        Path image = crop("bird.bmp", 96, 40, 192, 192);
        JsonPath job = upscale(image, "model", "esrgan-medium", "scale", "2", "selfCheck", "true").then().statusCode(200)
                .extract().jsonPath();
        double model = job.getDouble("result.selfCheck.psnrModel");
        double bicubic = job.getDouble("result.selfCheck.psnrBicubic");
        assertTrue(model >= bicubic - 0.5, "ESRGAN " + model + " dB vs bicubic " + bicubic + " dB");
        assertTrue(job.getDouble("result.selfCheck.ssimModel") > 0.5);
    }

    /**
     * esrgan-medium ends in nearest-neighbour upsampling: at x8 a smooth ramp comes back as 8-px steps that
     * bicubic does not make, so its self-check is below bicubic on both scores, and the result says so and
     * names the model to try (thick at the same scale) for API users too.
     */
    @Test
    void belowBicubicComesWithAdvice() {
        BufferedImage ramp = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                ramp.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | (x + y) / 2);
            }
        }
        Path image = TestImages.write(tmp, "ramp.png", TestImages.encode(ramp, "png"));
        JsonPath job = upscale(image, "model", "esrgan-medium", "scale", "8", "selfCheck", "true").then().statusCode(200)
                .body("status", equalTo("succeeded")).extract().jsonPath();
        assertTrue(job.getDouble("result.selfCheck.psnrModel") < job.getDouble("result.selfCheck.psnrBicubic"));
        assertTrue(job.getDouble("result.selfCheck.ssimModel") < job.getDouble("result.selfCheck.ssimBicubic"));
        assertEquals("esrgan-thick", job.getString("result.advice.model"));
        assertEquals(8, job.getInt("result.advice.scale"));
        assertTrue(job.getString("result.advice.message").startsWith("esrgan-medium x8 scores below plain bicubic"),
                job.getString("result.advice.message"));
    }

    @Test
    void noAdviceWithoutASelfCheck() throws IOException {
        upscale(crop("bird.bmp", 0, 0, 32, 32), "model", "esrgan-slim", "scale", "2").then().statusCode(200)
                .body("result.selfCheck", equalTo(null)).body("result.advice", equalTo(null));
    }

    /**
     * precision=auto (the default) runs bf16 where the CPU has AVX-512 BF16 (never int8: Precision.AUTO_UPSCALE) and
     * says so; on a photo every precision's picture, as served, stays over 45 dB PSNR of fp32's (the guard of
     * EsrganPrecisionTest, here through the API), and fp32 is what the tiled-against-untiled test above checks.
     */
    @Test
    void precisionAutoIsWhatTheCpuDoesBestAndIsReported() throws IOException {
        Path image = crop("parrot.jpg", 150, 300, 48, 40);
        String expected = dev.pixelwise.zoo.Precision.resolve("auto", dev.pixelwise.zoo.Precision.AUTO_UPSCALE).label();
        JsonPath auto = upscale(image, "model", "esrgan-thick", "scale", "2").then().statusCode(200)
                .body("result.precision", equalTo(expected)).extract().jsonPath();
        JsonPath exact = upscale(image, "model", "esrgan-thick", "scale", "2", "precision", "fp32").then().statusCode(200)
                .body("result.precision", equalTo("fp32")).extract().jsonPath();
        given().get("/api/v1/tasks").then().statusCode(200)
                .body("upscale.options.find { it.name == 'precision' }.defaultValue", equalTo("auto"));
        int[] fp32 = ImageOps.argb(file(exact.getString("id"), "upscaled.png"));
        for (String precision : List.of("bf16", "int8")) {
            JsonPath reduced = upscale(image, "model", "esrgan-thick", "scale", "2", "precision", precision).then().statusCode(200)
                    .body("result.precision", equalTo(precision)).extract().jsonPath();
            double psnr = ImageQuality.psnr(ImageOps.argb(file(reduced.getString("id"), "upscaled.png")), fp32);
            assertTrue(psnr >= 45, precision + " against fp32: " + psnr + " dB");
        }
    }

    @Test
    void theDefaultModelIsThick() {
        given().get("/api/v1/tasks").then().statusCode(200)
                .body("upscale.options.find { it.name == 'model' }.defaultValue", equalTo("esrgan-thick"))
                .body("upscale.options.find { it.name == 'model' }.choiceLabels['esrgan-medium']", Matchers.containsString("preview"));
    }

    @Test
    void outputOverTheCapIs422BeforeAnyWork() {
        // A real 9 MP image (→ 144 MP at x4): a header over a few bytes of data is refused earlier, by the decoder.
        Path huge = TestImages.write(tmp, "big.png", TestImages.encode(new BufferedImage(3000, 3000, BufferedImage.TYPE_BYTE_GRAY), "png"));
        upscale(huge, "scale", "4").then().statusCode(422) // at upload: no job was made
                .contentType(startsWith("application/problem+json"))
                .body("detail", Matchers.containsString("output limit"));
    }

    @Inject
    UpscaleTask task;

    @Inject
    WorkerPool pool;

    @Test
    void theDefaultCapFitsA2048SquarePhotoAtX4AndNotOnePixelMore() {
        UpscaleOptions x4 = new UpscaleOptions("esrgan-medium", 4, 128, false, "fp32");
        task.checkAgainst(x4, new ImageHeader(ImageFormat.PNG, 2048, 2048));
        Assertions.assertThrows(AppException.UnprocessableImage.class,
                () -> task.checkAgainst(x4, new ImageHeader(ImageFormat.PNG, 2049, 2048)));
    }

    @Test
    void cancelStopsBetweenTiles() throws Exception {
        Path image = crop("bird.bmp", 0, 0, 256, 256);
        String id = given().multiPart("image", image.toFile()).multiPart("task", "upscale")
                .multiPart("model", "esrgan-medium").multiPart("scale", "4").multiPart("tile", "32")
                .post("/api/v1/jobs").then().statusCode(202).extract().path("id");
        String[] stage = new String[1];
        Poll.until("tiles of job " + id + " to finish (progress over 5 %)", Duration.ofMinutes(2), () -> {
            JsonPath view = given().get("/api/v1/jobs/" + id).then().extract().jsonPath();
            stage[0] = view.getString("stage");
            return view.getDouble("progress") > 0.05;
        });
        // 256² in tiles of 32: 64 tiles, and the stage names the one running.
        assertTrue(stage[0].matches("upscale: tile ([1-9]|[1-5][0-9]|6[0-4]) of 64"), stage[0]);
        given().delete("/api/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("cancelled"));
        // The job stops at its next tile and hands its worker back; a late result would be written before that.
        Poll.until("the cancelled job's worker to be free", Duration.ofMinutes(1), () -> pool.busy() == 0);
        upscale(crop("bird.bmp", 0, 0, 32, 32), "model", "esrgan-slim", "scale", "2").then().statusCode(200);
        given().get("/api/v1/jobs/" + id).then().body("status", equalTo("cancelled")).body("result", equalTo(null));
        // The page says what happened and opens "run again" with the same upload.
        String page = given().get("/jobs/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("data-job-cancelled"), "an explanation");
        assertTrue(page.contains("<details class=\"rerun\" data-rerun open>"), "run again, open");
    }

    @Test
    void badOptionsAre400() throws IOException {
        Path image = crop("bird.bmp", 0, 0, 32, 32);
        for (String[] c : new String[][]{{"model", "esrgan-ultra"}, {"scale", "5"}, {"scale", "x4"}, {"tile", "8"},
                {"tile", "abc"}, {"selfCheck", "perhaps"}, {"precision", "fp16"}}) {
            upscale(image, c[0], c[1]).then().statusCode(400).body("field", equalTo(c[0]));
        }
    }
}
