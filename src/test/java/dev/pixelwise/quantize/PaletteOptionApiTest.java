package dev.pixelwise.quantize;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code palette} option end to end: a shared palette's value in, a PNG of only those colours out. */
@QuarkusTest
class PaletteOptionApiTest {

    @TempDir
    Path tmp;

    private Path photo(String name, long seed) {
        int w = 96, h = 64;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, Fixtures.photo(w, h, seed), 0, w);
        return TestImages.write(tmp, name, TestImages.encode(img, "png"));
    }

    @Test
    void aSharedPaletteIsUsedAsGivenAndScoredLikeAnyVariant() throws Exception {
        // What a batch does: one palette from both images, then each image remapped to it.
        SharedPalette shared = new SharedPalette();
        int[] a = Fixtures.photo(96, 64, 1), b = Fixtures.photo(96, 64, 2);
        shared.add(a, 96, 64);
        shared.add(b, 96, 64);
        int[] palette = shared.palette(12);
        String value = SharedPalette.format(palette);
        Set<Integer> allowed = new HashSet<>(Arrays.stream(palette).boxed().toList());

        for (String dither : List.of("none", "floyd-steinberg")) {
            JsonPath job = QuantizeApiTest.ok(QuantizeApiTest.quantize(photo("p" + dither + ".png", 2), "palette", value,
                    "dither", dither, "formats", "png,jpeg"));
            assertEquals(value, job.getString("result.optionsUsed.palette"));
            assertFalse(job.getMap("result.optionsUsed").containsKey("k"));
            List<Map<String, Object>> variants = job.getList("result.variants");
            assertEquals(1, variants.size());
            assertEquals(palette.length, job.getInt("result.variants[0].k"));
            assertEquals(palette.length, job.getList("result.variants[0].palette").size());
            // The images share their gradients, so the shared palette serves this one about as well as its own k = 12.
            double own = QuantizeApiTest.ok(QuantizeApiTest.quantize(photo("own" + dither + ".png", 2), "k",
                    String.valueOf(palette.length), "dither", dither, "formats", "png")).getDouble("result.variants[0].psnr");
            double psnr = job.getDouble("result.variants[0].psnr");
            assertTrue(psnr > own - 0.5, dither + ": scored " + psnr + " dB, own palette " + own + " dB");
            assertFalse(job.getList("result.variants[0].formats").isEmpty(), "compared with the other formats");
            assertNotNull(job.getMap("result.recommendation"));

            byte[] png = given().get("/api/v1/jobs/" + job.getString("id") + "/files/"
                    + job.getString("result.variants[0].file")).then().statusCode(200).extract().asByteArray();
            BufferedImage out = ImageIO.read(new ByteArrayInputStream(png));
            for (int p : out.getRGB(0, 0, out.getWidth(), out.getHeight(), null, 0, out.getWidth())) {
                assertTrue(allowed.contains(p), String.format("%s: %08x is not a palette colour", dither, p));
            }
        }
    }

    /** Transparent pixels need the transparent entry: added (and said) when there is room, else the job fails naming palette. */
    @Test
    void anImageWithTransparencyGetsTheTransparentEntry() {
        int w = 40, h = 30;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int[] px = Fixtures.photo(w, h, 9);
        for (int i = 0; i < w * 5; i++) {
            px[i] = 0;
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        Path holes = TestImages.write(tmp, "holes.png", TestImages.encode(img, "png"));
        JsonPath job = QuantizeApiTest.ok(QuantizeApiTest.quantize(holes, "palette", "#000000,#ffffff,#ff0000",
                "formats", "png"));
        assertEquals(4, job.getInt("result.variants[0].k"));
        assertEquals("transparent", job.getString("result.variants[0].palette[0].color"));
        assertTrue(job.getList("result.notes").toString().contains("transparent colour"), job.getString("result.notes"));

        StringBuilder full = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            full.append(String.format(",#%06x", i * 0x010101));
        }
        // Known only once the image is read: the job fails with the problem, which a synchronous call returns.
        QuantizeApiTest.quantize(holes, "palette", full.substring(1), "formats", "png").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("field", equalTo("palette"));
    }

    @Test
    void badPalettesAre400sNamingTheField() {
        Path image = photo("bad.png", 3);
        for (String bad : List.of("#ff0000", "#ff0000,#ff0000", "#ff0000,blue", "#ff00,#00ff00", "")) {
            QuantizeApiTest.quantize(image, "palette", bad).then().statusCode(400)
                    .contentType(startsWith("application/problem+json")).body("field", equalTo("palette"));
        }
        QuantizeApiTest.quantize(image, "palette", "#000000,#ffffff", "k", "8").then().statusCode(400)
                .body("field", equalTo("k"));
        QuantizeApiTest.quantize(image, "palette", "#000000,#ffffff", "targetPsnr", "30").then().statusCode(400)
                .body("field", equalTo("targetPsnr"));
        QuantizeApiTest.quantize(image, "palette", "#000000,#ffffff", "targetBytes", "4000").then().statusCode(400)
                .body("field", equalTo("targetBytes"));
    }
}
