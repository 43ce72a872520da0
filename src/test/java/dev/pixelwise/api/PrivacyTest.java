package dev.pixelwise.api;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import dev.pixelwise.GeotaggedJpeg;
import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Produced files are encoded from pixels: nothing of the upload's metadata (EXIF, GPS, XMP)
 * survives into them, for every task.
 */
@QuarkusTest
class PrivacyTest {

    /** Every task, with options that keep it quick; segment in both modes. */
    static final List<String[]> JOBS = List.of(
            new String[]{"inspect"},
            new String[]{"quantize"},
            new String[]{"classify"},
            new String[]{"upscale", "model", "esrgan-slim", "scale", "2"},
            new String[]{"segment"},
            new String[]{"segment", "mode", "color"});

    /** Chunks a PNG may carry: image data, palette, transparency and colour space, no text or EXIF. */
    static final Set<String> PNG_CHUNKS = Set.of("IHDR", "PLTE", "IDAT", "IEND", "tRNS", "sRGB", "gAMA", "cHRM", "iCCP",
            "sBIT", "pHYs", "bKGD");

    /** Strings that only metadata from the uploads could bring into an output. */
    static final List<String> LEAKS = List.of("Exif", "eXIf", "GPSLatitude", "GPSLongitude", "xmpmeta",
            GeotaggedJpeg.XMP_NAMESPACE, GeotaggedJpeg.MARKER, "PhoneMaker", "2024:05:01");

    @TempDir
    Path tmp;

    @BeforeEach
    void modelsFetched() throws InterruptedException {
        TestModels.awaitFetched("mobilenet-v2", "esrgan-slim", "deeplabv3-mnv2");
    }

    @Test
    void producedFilesCarryNoExif() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(96, 64), "jpeg");
        byte[] tagged = TestImages.withExifOrientation(jpeg, 6);
        assertTrue(contains(tagged, "Exif"), "the fixture has EXIF");
        assertEveryOutputIsClean(TestImages.write(tmp, "tagged.jpg", tagged));
    }

    @Test
    void producedFilesCarryNoGpsOrXmp() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(96, 64), "jpeg");
        byte[] geotagged = GeotaggedJpeg.of(jpeg);
        // The fixture is what a phone writes: a readable GPS IFD with a latitude, and XMP.
        Directory ifd0 = new TIFFReader().read(ImageIO.createImageInputStream(new ByteArrayInputStream(GeotaggedJpeg.tiff())));
        Entry gps = ifd0.getEntryById(0x8825);
        assertNotNull(gps, "IFD0 points at a GPS IFD");
        assertNotNull(((Directory) gps.getValue()).getEntryById(GeotaggedJpeg.TAG_GPS_LATITUDE), "the GPS IFD has a latitude");
        for (String leak : LEAKS) {
            assertTrue(leak.equals("eXIf") || contains(geotagged, leak), "the fixture carries " + leak);
        }
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> assertOnlyPixelMetadata(geotagged, "the fixture"), "the check sees the fixture's APP1");
        Path upload = TestImages.write(tmp, "geotagged.jpg", geotagged);
        given().multiPart("image", upload.toFile()).post("/api/v1/inspect").then().statusCode(200)
                .body("result.format", org.hamcrest.Matchers.equalTo("JPEG")); // the app reads it as a photo
        assertEveryOutputIsClean(upload);
    }

    private void assertEveryOutputIsClean(Path upload) {
        for (String[] job : JOBS) {
            var spec = given().multiPart("image", upload.toFile()).multiPart("timeout", "300");
            for (int i = 1; i < job.length; i += 2) {
                spec.multiPart(job[i], job[i + 1]);
            }
            String what = String.join(" ", job);
            String body = spec.post("/api/v1/" + job[0]).then().statusCode(200).extract().asString();
            JsonPath result = JsonPath.from(body);
            assertEquals("succeeded", result.getString("status"), what);
            for (String leak : List.of(GeotaggedJpeg.MARKER, "GPSLatitude", "PhoneMaker")) {
                assertFalse(body.contains(leak), what + ": the job JSON repeats " + leak);
            }
            List<String> files = result.getList("files");
            assertFalse(files.isEmpty(), what);
            for (String f : files) {
                byte[] bytes = given().get("/api/v1/jobs/" + result.getString("id") + "/files/" + f).then().statusCode(200)
                        .extract().asByteArray();
                String file = what + " → " + f;
                assertOnlyPixelMetadata(bytes, file);
                for (String leak : LEAKS) {
                    assertFalse(contains(bytes, leak), file + " carries " + leak);
                }
            }
        }
    }

    /** PNGs may hold only image chunks, JPEGs no APP1 (EXIF, XMP), APP13 (IPTC) or comment segments. */
    static void assertOnlyPixelMetadata(byte[] bytes, String file) {
        if (bytes.length > 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            List<String> chunks = new ArrayList<>();
            ByteBuffer b = ByteBuffer.wrap(bytes, 8, bytes.length - 8);
            while (b.remaining() >= 12) {
                int length = b.getInt();
                byte[] type = new byte[4];
                b.get(type);
                chunks.add(new String(type, StandardCharsets.US_ASCII));
                b.position(b.position() + length + 4);
            }
            assertEquals("IEND", chunks.get(chunks.size() - 1), file);
            for (String chunk : chunks) {
                assertTrue(PNG_CHUNKS.contains(chunk), file + " has a " + chunk + " chunk: " + chunks);
            }
        } else if (bytes.length > 4 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
            int at = 2;
            while (at + 4 <= bytes.length && (bytes[at] & 0xFF) == 0xFF) {
                int marker = bytes[at + 1] & 0xFF;
                int length = (bytes[at + 2] & 0xFF) << 8 | (bytes[at + 3] & 0xFF);
                String head = new String(bytes, at + 4, Math.min(12, length - 2), StandardCharsets.US_ASCII);
                boolean allowed = marker == 0xE0 && (head.startsWith("JFIF") || head.startsWith("JFXX"))
                        || marker == 0xE2 && head.startsWith("ICC_PROFILE")
                        || marker == 0xEE && head.startsWith("Adobe")
                        || marker < 0xE0 || marker > 0xEF && marker != 0xFE;
                assertTrue(allowed, file + " has segment FF" + Integer.toHexString(marker).toUpperCase() + " (" + head + ")");
                if (marker == 0xDA) {
                    break; // entropy-coded data follows
                }
                at += 2 + length;
            }
        } else if (bytes.length > 12 && new String(bytes, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                && new String(bytes, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
            // WebP: image chunks only, no EXIF, XMP or ICCP
            ByteBuffer b = ByteBuffer.wrap(bytes, 12, bytes.length - 12).order(ByteOrder.LITTLE_ENDIAN);
            while (b.remaining() >= 8) {
                byte[] type = new byte[4];
                b.get(type);
                String chunk = new String(type, StandardCharsets.US_ASCII);
                int length = b.getInt();
                assertTrue(WEBP_CHUNKS.contains(chunk), file + " has a " + chunk + " chunk");
                b.position(Math.min(b.limit(), b.position() + length + (length & 1)));
            }
        } else if (bytes.length > 12 && new String(bytes, 4, 8, StandardCharsets.US_ASCII).startsWith("ftypavi")) {
            assertFalse(contains(bytes, "Exif"), file + " carries EXIF");
            assertFalse(contains(bytes, "<x:xmpmeta"), file + " carries XMP");
        } else {
            fail(file + " is neither PNG, JPEG, WebP nor AVIF");
        }
    }

    static final List<String> WEBP_CHUNKS = List.of("VP8 ", "VP8L", "VP8X", "ALPH");

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
