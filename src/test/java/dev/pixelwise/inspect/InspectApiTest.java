package dev.pixelwise.inspect;

import dev.pixelwise.GeotaggedJpeg;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inspect's JSON: EXIF (camera and date only when asked; GPS as present or not), ICC name, JPEG quality, frames. */
@QuarkusTest
class InspectApiTest {

    @TempDir
    Path tmp;

    static Response post(String task, Path image, String... fields) {
        var spec = given().multiPart("image", image.toFile()).multiPart("timeout", "120");
        for (int i = 0; i < fields.length; i += 2) {
            spec.multiPart(fields[i], fields[i + 1]);
        }
        return spec.when().post("/api/v1/" + task);
    }

    @Test
    void exifCameraAndDateWhenAskedGpsOnlyAsAFlag() {
        Path geo = TestImages.write(tmp, "geo.jpg", GeotaggedJpeg.of(TestImages.encode(TestImages.quadrants(64, 48), "jpeg")));
        JsonPath asked = post("inspect", geo, "exif", "true").then().statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("result.cameraMake", equalTo("PhoneMaker " + GeotaggedJpeg.MARKER))
                .body("result.taken", equalTo("2024:05:01 12:34:56"))
                .body("result.gps", equalTo(true)).extract().jsonPath();
        assertFalse(asked.prettify().contains("52.5") || asked.prettify().contains("31.2"), "no coordinate in the JSON");

        String plain = post("inspect", geo).then().statusCode(200)
                .body("result.gps", equalTo(true))
                .body("result.cameraMake", nullValue())
                .body("result.taken", nullValue()).extract().asString();
        assertFalse(plain.contains("PhoneMaker"), "the camera stays off a shareable job unless asked");

        Path untagged = TestImages.write(tmp, "plain.jpg", TestImages.encode(TestImages.quadrants(64, 48), "jpeg"));
        post("inspect", untagged, "exif", "true").then().statusCode(200)
                .body("result.gps", equalTo(false)).body("result.cameraMake", nullValue());
    }

    @Test
    void jpegQualityWithinThreeOfTheEncodersQuality() {
        for (int q : new int[]{50, 75, 90}) {
            Path jpeg = TestImages.write(tmp, "q" + q + ".jpg", TestImages.jpeg(TestImages.quadrants(96, 64), q / 100f));
            int estimate = post("inspect", jpeg).then().statusCode(200).extract().path("result.jpegQuality");
            assertTrue(Math.abs(estimate - q) <= 3, "estimated " + estimate + " for quality " + q);
        }
    }

    @Test
    void iccProfileNameAndBitDepth() {
        byte[] png = TestImages.encode(TestImages.quadrants(32, 32), "png");
        Path icc = TestImages.write(tmp, "icc.png",
                TestImages.withIccp(png, "ICC Profile", ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData()));
        post("inspect", icc).then().statusCode(200)
                .body("result.iccProfile", equalTo("linear sRGB"))
                .body("result.bitDepth", equalTo(8));
        post("inspect", TestImages.photo("pets.jpg")).then().statusCode(200)
                .body("result.iccProfile", equalTo("sRGB IEC61966-2.1"));
        post("inspect", TestImages.write(tmp, "plain.png", png)).then().statusCode(200)
                .body("result.iccProfile", nullValue());
    }

    @Test
    void animatedGifReportsItsFramesAndSaysOnlyTheFirstWasUsed() {
        Path gif = TestImages.write(tmp, "five.gif", TestImages.animatedGif(5, 24, 16));
        JsonPath job = post("inspect", gif).then().statusCode(200)
                .body("result.frames", equalTo(5))
                .body("result.uniqueColors", equalTo(1)).extract().jsonPath();
        assertEquals(List.of("The GIF is animated (5 frames); this task used its first frame only."), job.getList("notes"));

        Path still = TestImages.write(tmp, "still.png", TestImages.encode(TestImages.quadrants(24, 16), "png"));
        post("inspect", still).then().statusCode(200).body("result.frames", equalTo(1)).body("notes", equalTo(List.of()));
    }

    /** Not only inspect: a task that works on pixels says it took the first frame, in the job's notes. */
    @Test
    void quantizeOfAnAnimationNotesTheFirstFrame() {
        Path gif = TestImages.write(tmp, "five.gif", TestImages.animatedGif(5, 24, 16));
        List<String> notes = post("quantize", gif, "k", "8").then().statusCode(200)
                .body("status", equalTo("succeeded")).extract().jsonPath().getList("notes");
        assertEquals(List.of("The GIF is animated (5 frames); this task used its first frame only."), notes);
    }

    @Test
    void theJobPageShowsTheNoteAndTheFacts() {
        Path gif = TestImages.write(tmp, "five.gif", TestImages.animatedGif(5, 24, 16));
        String id = post("inspect", gif).then().statusCode(200).extract().path("id");
        String page = given().get("/jobs/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("this task used its first frame only."), "the note is on the page");
        assertTrue(page.contains("data-fact=\"frames\">5 (animated)"), "frames on the page");
        assertTrue(page.contains("data-fact=\"gps\">none"), "no GPS");
    }
}
