package dev.pixelwise.api;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Produced files are encoded from pixels: nothing of the upload's EXIF survives into them. */
@QuarkusTest
class PrivacyTest {

    @TempDir
    Path tmp;

    @Test
    void producedFilesCarryNoExif() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(96, 64), "jpeg");
        byte[] tagged = TestImages.withExifOrientation(jpeg, 6);
        assertTrue(contains(tagged, "Exif"), "the fixture has EXIF");
        Path upload = TestImages.write(tmp, "tagged.jpg", tagged);
        for (String task : List.of("inspect", "quantize", "classify")) {
            var job = given().multiPart("image", upload.toFile()).multiPart("timeout", "300")
                    .post("/api/v1/" + task).then().statusCode(200).extract().jsonPath();
            List<String> files = job.getList("files");
            assertFalse(files.isEmpty(), task);
            for (String f : files) {
                byte[] bytes = given().get("/api/v1/jobs/" + job.getString("id") + "/files/" + f).then().statusCode(200)
                        .extract().asByteArray();
                assertFalse(contains(bytes, "Exif"), task + "/" + f + " still carries EXIF");
                assertFalse(contains(bytes, "eXIf"), task + "/" + f + " carries a PNG eXIf chunk");
            }
        }
    }

    static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
