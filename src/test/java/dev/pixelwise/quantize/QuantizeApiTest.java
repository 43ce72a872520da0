package dev.pixelwise.quantize;

import dev.pixelwise.MetricsPage;
import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class QuantizeApiTest {

    @TempDir
    Path tmp;

    static Response quantize(Path image, String... fields) {
        var spec = given().multiPart("image", image.toFile());
        for (int i = 0; i < fields.length; i += 2) {
            spec.multiPart(fields[i], fields[i + 1]);
        }
        return spec.when().post("/api/v1/quantize");
    }

    static JsonPath ok(Response r) {
        r.then().statusCode(200).body("status", equalTo("succeeded"));
        return r.jsonPath();
    }

    /** A PNG upload is served back for viewing as its own pixel chunks: same pixels, none of its metadata. */
    @Test
    void theOriginalOfAPngUploadIsServedWithItsPixelsAndWithoutItsMetadata() throws Exception {
        BufferedImage img = TestImages.quadrants(48, 32);
        byte[] png = TestImages.withChunk(TestImages.encode(img, "png"), "tEXt",
                "Author\0someone-private".getBytes(StandardCharsets.ISO_8859_1));
        String id = ok(quantize(TestImages.write(tmp, "meta.png", png), "k", "4", "formats", "png")).getString("id");
        byte[] served = given().get("/api/v1/jobs/" + id + "/files/original.png").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertTrue(!new String(served, StandardCharsets.ISO_8859_1).contains("someone-private"));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(served));
        assertArrayEquals(img.getRGB(0, 0, 48, 32, null, 0, 48), back.getRGB(0, 0, 48, 32, null, 0, 48));
    }

    @Test
    void comparesSeveralPaletteSizesOnARealPhoto() throws Exception {
        String encodes = "pixelwise_job_stage_seconds_count{model=\"none\",stage=\"encode\",task=\"quantize\"}";
        double encodedBefore = MetricsPage.value(encodes);
        JsonPath job = ok(quantize(TestImages.photo("cat.bmp"), "k", "4,16,64"));
        assertEquals(3, MetricsPage.value(encodes) - encodedBefore, "the stage metric counts each k's encode");
        String id = job.getString("id");
        assertEquals(512, job.getInt("result.original.width"));
        assertEquals("BMP", job.getString("result.original.format"));
        assertTrue(job.getInt("result.original.uniqueColors") > 10_000);
        assertTrue(job.getLong("result.original.losslessBytes") > 0);
        List<Map<String, Object>> variants = job.getList("result.variants");
        assertEquals(List.of(4, 16, 64), variants.stream().map(v -> (Integer) v.get("k")).toList());
        double lastPsnr = 0;
        for (Map<String, Object> v : variants) {
            int k = (Integer) v.get("k");
            double psnr = ((Number) v.get("psnr")).doubleValue();
            assertTrue(psnr > lastPsnr, "PSNR grows with k");
            lastPsnr = psnr;
            double ssim = ((Number) v.get("ssim")).doubleValue();
            assertTrue(ssim > 0 && ssim < 1, "ssim " + ssim);
            assertTrue(((Number) v.get("deltaE")).doubleValue() > 0);
            assertTrue(List.of("no-change", "tolerance", "max-iterations").contains(v.get("converged")));
            long bytes = ((Number) v.get("bytes")).longValue();
            assertTrue(bytes < job.getLong("result.original.losslessBytes"), "smaller than lossless");
            assertEquals(8.0 * bytes / (512 * 341), ((Number) v.get("bitsPerPixel")).doubleValue(), 1e-6);
            List<Map<String, Object>> palette = (List<Map<String, Object>>) v.get("palette");
            assertTrue(palette.size() <= k && palette.size() >= 2);
            double share = 0;
            for (Map<String, Object> s : palette) {
                assertTrue(((String) s.get("color")).matches("#[0-9a-f]{6}"), s.toString());
                share += ((Number) s.get("share")).doubleValue();
            }
            assertEquals(1.0, share, 1e-3);
            byte[] png = given().get("/api/v1/jobs/" + id + "/files/" + v.get("file")).then().statusCode(200)
                    .contentType("image/png").extract().asByteArray();
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
            assertTrue(decoded.getColorModel() instanceof IndexColorModel, "a palette PNG");
            assertEquals(k <= 4 ? 2 : k <= 16 ? 4 : 8, decoded.getColorModel().getPixelSize(), "bit depth for k=" + k);
            assertEquals(bytes, png.length);
        }
        // suggestedK: the smallest k that meets the (default) bar, mean ΔE <= 2.3
        assertEquals("deltaE", job.getString("result.qualityBar.metric"));
        assertEquals(2.3, job.getDouble("result.qualityBar.value"), 0);
        Integer expected = variants.stream().filter(v -> ((Number) v.get("deltaE")).doubleValue() <= 2.3)
                .map(v -> (Integer) v.get("k")).findFirst().orElse(null);
        assertEquals(expected, job.get("result.suggestedK"));
        assertTrue(List.of(4, 16, 64).contains(job.getInt("result.elbowK")));
        given().get("/api/v1/jobs/" + id + "/files/original.png").then().statusCode(200).contentType("image/png");
        for (String stage : List.of("decode", "histogram", "reference", "quantize", "encode", "metrics", "total")) {
            assertTrue(job.getLong("result.timingsMs." + stage) >= 0, stage);
        }
        assertEquals("4,16,64", job.getString("result.optionsUsed.k"));
        assertEquals("rgb+lab", job.getString("result.optionsUsed.colorSpace"));
    }

    @Test
    void errorMapMarksTheWorstServedColours() throws Exception {
        JsonPath job = ok(quantize(TestImages.photo("parrot.jpg"), "k", "8", "formats", "png"));
        double mean = job.getDouble("result.variants[0].deltaE");
        double p99 = job.getDouble("result.variants[0].deltaEP99");
        assertTrue(p99 > mean, "the 99th percentile lies above the mean: " + p99 + " vs " + mean);
        byte[] png = given().get("/api/v1/jobs/" + job.getString("id") + "/files/"
                + job.getString("result.variants[0].errorMap")).then().statusCode(200).extract().asByteArray();
        BufferedImage map = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(job.getInt("result.original.width"), map.getWidth());
        assertEquals(job.getInt("result.original.height"), map.getHeight());
        // 16 steps of the ramp, 4 bits a pixel; the darkest step (ΔE under 0.67) is black
        IndexColorModel ramp = (IndexColorModel) map.getColorModel();
        assertEquals(4, ramp.getPixelSize());
        assertEquals(0x000000, ramp.getRGB(0) & 0xFFFFFF);
        // the worst-served pixels (at the 99th percentile and above) are brighter than the typical one
        int w = map.getWidth(), h = map.getHeight();
        int[] levels = new int[16];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                levels[map.getRaster().getSample(x, y, 0)]++;
            }
        }
        int median = 0, seen = 0;
        while ((seen += levels[median]) < w * h / 2) {
            median++;
        }
        int p99Level = (int) Math.min(15, Math.round(p99 * 15 / 20));
        assertTrue(p99Level > median, "p99 level " + p99Level + " above the median level " + median);
        long atOrAbove = 0;
        for (int l = p99Level; l < 16; l++) {
            atOrAbove += levels[l];
        }
        assertTrue(atOrAbove >= 0.005 * w * h, "about 1 % of the pixels sit at the 99th percentile or above: " + atOrAbove);
    }

    @Test
    void iconsSmallerThanTheSsimWindowAreScoredNotRefused() {
        for (int[] size : new int[][] {{8, 8}, {20, 10}, {1, 1}}) {
            Path icon = TestImages.write(tmp, "icon" + size[0] + "x" + size[1] + ".png",
                    TestImages.encode(TestImages.quadrants(size[0], size[1]), "png"));
            JsonPath job = ok(quantize(icon, "k", "2,4"));
            assertEquals(2, job.getList("result.variants").size());
            String notes = job.getList("result.notes").toString();
            assertTrue(notes.contains("window"), "says which SSIM window was used: " + notes);
            assertTrue(job.getDouble("result.variants[1].ssim") > 0);
        }
    }

    @Test
    void theRecommendationMeetsItsBar() {
        // a flat, few-colour picture: the palette PNG is lossless and smallest
        Path card = TestImages.write(tmp, "flat.png", TestImages.encode(TestImages.quadrants(160, 120), "png"));
        JsonPath flat = ok(quantize(card, "k", "4,16"));
        assertTrue(flat.getBoolean("result.recommendation.meetsBar"));
        assertTrue(List.of("png", "webp-lossless").contains(flat.getString("result.recommendation.format")),
                flat.getString("result.recommendation.format"));
        JsonPath photo = ok(quantize(TestImages.photo("parrot.jpg"), "k", "16,64", "qualityBar", "ssim>=0.8",
                "formats", "png"));
        assertEquals("ssim>=0.8", photo.getString("result.optionsUsed.qualityBar"));
        String file = photo.getString("result.recommendation.file");
        List<Map<String, Object>> variants = photo.getList("result.variants");
        Map<String, Object> chosen = variants.stream().filter(v -> v.get("file").equals(file)).findFirst().orElseThrow();
        assertEquals(photo.getBoolean("result.recommendation.meetsBar"), ((Number) chosen.get("ssim")).doubleValue() >= 0.8);
    }

    @Test
    void everyOptionIsHonoured() {
        Path cat = TestImages.photo("cat.bmp");
        for (String[] o : new String[][]{{"colorSpace", "rgb"}, {"colorSpace", "lab"}, {"distance", "manhattan"}, {"init", "random"},
                {"restarts", "1"}, {"exact", "true"}, {"dither", "floyd-steinberg"}}) {
            JsonPath job = ok(quantize(cat, "k", "8", o[0], o[1]));
            assertEquals(8, job.getInt("result.variants[0].k"), o[0]);
            assertTrue(job.getDouble("result.variants[0].psnr") > 15, o[0]);
        }
        assertEquals("max-iterations", ok(quantize(cat, "k", "16", "maxIterations", "1", "restarts", "1"))
                .getString("result.variants[0].converged"));
        assertEquals("tolerance", ok(quantize(cat, "k", "16", "tolerance", "50", "restarts", "1"))
                .getString("result.variants[0].converged"));
    }

    @Test
    void sameSeedSamePaletteAndDitherChangesTheOutput() {
        Path parrot = TestImages.photo("parrot.jpg");
        JsonPath a = ok(quantize(parrot, "k", "16", "seed", "42", "init", "random", "restarts", "1"));
        JsonPath b = ok(quantize(parrot, "k", "16", "seed", "42", "init", "random", "restarts", "1"));
        assertEquals(a.getList("result.variants[0].palette"), b.getList("result.variants[0].palette"));
        JsonPath dithered = ok(quantize(parrot, "k", "16", "seed", "42", "init", "random", "restarts", "1",
                "dither", "floyd-steinberg"));
        assertNotEquals(a.getLong("result.variants[0].bytes"), dithered.getLong("result.variants[0].bytes"));
    }

    @Test
    void targetsChooseKForTheUser() {
        Path cat = TestImages.photo("cat.bmp");
        JsonPath psnr = ok(quantize(cat, "targetPsnr", "30"));
        assertTrue(psnr.getBoolean("result.target.reached"));
        assertEquals("psnr", psnr.getString("result.target.kind"));
        assertEquals(1, psnr.getList("result.variants").size());
        assertTrue(psnr.getDouble("result.variants[0].psnr") >= 30.0);
        int k = psnr.getInt("result.target.k");
        assertEquals(k, psnr.getInt("result.variants[0].k"));
        if (k > 2) { // the search proved k-1 misses, if it tried it
            List<Map<String, Number>> tried = psnr.getList("result.target.tried");
            tried.stream().filter(t -> t.get("k").intValue() < k)
                    .forEach(t -> assertTrue(t.get("psnr").doubleValue() < 30.0, t.toString()));
        }
        JsonPath bytes = ok(quantize(cat, "targetBytes", "30000"));
        assertTrue(bytes.getBoolean("result.target.reached"));
        assertTrue(bytes.getLong("result.variants[0].bytes") <= 30_000);
    }

    @Test
    void fewColoursAreReproducedLosslessly() {
        Path card = TestImages.write(tmp, "card.png", TestImages.encode(TestImages.quadrants(64, 64), "png"));
        JsonPath job = ok(quantize(card, "k", "8"));
        assertTrue(job.getBoolean("result.variants[0].lossless"));
        assertNull(job.get("result.variants[0].psnr"));
        assertEquals(4, job.getList("result.variants[0].palette").size(), "four colours, no duplicates");
        assertEquals(4, job.getInt("result.original.uniqueColors"));
    }

    @Test
    void badValuesAre400WithTheFieldNamed() {
        Path cat = TestImages.photo("cat.bmp");
        String[][] cases = {{"k", "1"}, {"k", "257"}, {"k", "abc"}, {"k", "4,x"}, {"k", "0,-4"},
                {"colorSpace", "hsv"}, {"distance", "cosine"}, {"init", "kmeans--"}, {"restarts", "0"},
                {"restarts", "33"}, {"maxIterations", "0"}, {"maxIterations", "1e9"}, {"tolerance", "-1"},
                {"tolerance", "NaN"}, {"tolerance", "Infinity"}, {"seed", "-1"}, {"seed", "99999999999"},
                {"dither", "ordered"}, {"exact", "maybe"}, {"targetPsnr", "abc"}, {"targetPsnr", "5"},
                {"targetBytes", "1"}, {"formats", "gif"}, {"formats", "png,heic"}, {"effort", "extreme"},
                {"qualityBar", "sharpness>=3"}, {"qualityBar", "deltaE>=2"}, {"qualityBar", "ssim>=2"}};
        for (String[] c : cases) {
            quantize(cat, c[0], c[1]).then().statusCode(400)
                    .contentType(startsWith("application/problem+json"))
                    .body("field", equalTo(c[0]));
        }
        quantize(cat, "k", "16", "targetPsnr", "30").then().statusCode(400).body("field", equalTo("targetPsnr"));
        quantize(cat, "targetPsnr", "30", "targetBytes", "1000").then().statusCode(400).body("field", equalTo("targetBytes"));
        quantize(cat, "effort", "").then().statusCode(400).body("field", equalTo("effort"));
    }

    @Test
    void tryOtherKWithoutUploadingAgain() {
        JsonPath first = ok(quantize(TestImages.photo("cat.bmp"), "k", "8", "formats", "png"));
        String id = first.getString("id");
        Response again = given().multiPart("k", "4,32").multiPart("formats", "png")
                .when().post("/api/v1/jobs/" + id + "/rerun");
        again.then().statusCode(202).header("Location", containsString("/api/v1/jobs/"));
        String next = again.jsonPath().getString("id");
        assertNotEquals(id, next);
        JsonPath done = Poll.value("the rerun " + next + " to succeed", Duration.ofMinutes(2), () -> {
            JsonPath job = given().get("/api/v1/jobs/" + next).jsonPath();
            assertNotEquals("failed", job.getString("status"), job.prettify());
            return "succeeded".equals(job.getString("status")) ? job : null;
        });
        assertEquals(List.of(4, 32), done.getList("result.variants.k"));
        assertEquals(first.getInt("result.original.uniqueColors"), done.getInt("result.original.uniqueColors"),
                "the same upload");
        given().formParam("k", "2").when().post("/api/v1/jobs/" + id + "/rerun").then().statusCode(202);
        given().multiPart("k", "1").when().post("/api/v1/jobs/" + id + "/rerun").then().statusCode(400)
                .body("field", equalTo("k"));
        given().multiPart("k", "4").when().post("/api/v1/jobs/00000000000000000000000000000000/rerun")
                .then().statusCode(404);
    }

    @Test
    void otherFormatsAtTheSameBytesNeverExceedThem() throws Exception {
        JsonPath job = ok(quantize(TestImages.photo("parrot.jpg"), "k", "8,64"));
        String id = job.getString("id");
        assertEquals("png,webp,jpeg", job.getString("result.optionsUsed.formats"));
        List<Map<String, Object>> variants = job.getList("result.variants");
        for (Map<String, Object> v : variants) {
            long bytes = ((Number) v.get("bytes")).longValue();
            List<Map<String, Object>> formats = (List<Map<String, Object>>) v.get("formats");
            List<String> names = formats.stream().map(f -> (String) f.get("format")).toList();
            assertTrue(names.containsAll(List.of("webp", "jpeg", "webp-lossless")), names.toString());
            for (Map<String, Object> f : formats) {
                String format = (String) f.get("format");
                long fBytes = ((Number) f.get("bytes")).longValue();
                byte[] file = given().get("/api/v1/jobs/" + id + "/files/" + f.get("file")).then().statusCode(200)
                        .contentType(format.equals("jpeg") ? "image/jpeg" : "image/webp").extract().asByteArray();
                assertEquals(fBytes, file.length, "bytes as served");
                assertEquals("k" + v.get("k"), f.get("matchedTo"));
                if (format.equals("webp-lossless")) {
                    assertEquals(v.get("deltaE"), f.get("deltaE"), "lossless: the palette image's own pixels");
                } else {
                    assertTrue(fBytes <= bytes, format + " " + fBytes + " fits in " + bytes);
                    int q = (Integer) f.get("quality");
                    assertTrue(q >= 0 && q <= 100);
                    assertTrue(((Number) f.get("psnr")).doubleValue() > 15, format + " decodes to the photo");
                }
            }
        }
        List<Map<String, Object>> curve = job.getList("result.original.formats");
        assertEquals(4, curve.size(), "webp and jpeg at two qualities each");
        // a photo at a palette PNG's size: the lossy formats look better (the finding)
        String recommended = job.getString("result.recommendation.format");
        assertTrue(job.getBoolean("result.recommendation.meetsBar"));
        assertTrue(List.of("webp", "jpeg").contains(recommended), "a photo gets a lossy file: " + recommended);
        given().get("/api/v1/jobs/" + id + "/files/" + job.getString("result.recommendation.file")).then().statusCode(200);
    }

    @Test
    void aSizeTargetAppliesToEveryFormat() {
        JsonPath job = ok(quantize(TestImages.photo("cat.bmp"), "targetBytes", "20000", "formats", "webp,jpeg"));
        for (Map<String, Object> f : job.<Map<String, Object>>getList("result.variants[0].formats")) {
            if (!f.get("format").equals("webp-lossless")) {
                assertTrue(((Number) f.get("bytes")).longValue() <= 20_000, f.toString());
            }
        }
    }

    @Test
    void aPsnrTargetAppliesToEveryFormat() {
        JsonPath job = ok(quantize(TestImages.photo("cat.bmp"), "targetPsnr", "32", "formats", "webp,jpeg"));
        List<Map<String, Object>> formats = job.getList("result.variants[0].formats");
        assertTrue(formats.stream().anyMatch(f -> f.get("format").equals("jpeg")));
        for (Map<String, Object> f : formats) {
            assertTrue(((Number) f.get("psnr")).doubleValue() >= 32, f.toString());
        }
    }

    @Test
    void avifIsComparedWhereAnEncoderIsInstalledAndSaidWhereNot() {
        JsonPath job = ok(quantize(TestImages.photo("cat.bmp"), "k", "16", "formats", "avif"));
        List<String> names = job.getList("result.variants[0].formats.format");
        String notes = job.getList("result.notes").toString();
        if (names.contains("avif")) {
            assertTrue(job.getLong("result.variants[0].formats[0].bytes") <= job.getLong("result.variants[0].bytes"));
        } else {
            assertTrue(notes.contains("avif"), "says AVIF was skipped: " + notes);
        }
    }

    @Test
    void softTransparencyIsKeptAndScoredAsSeen() throws Exception {
        BufferedImage badge = new BufferedImage(120, 48, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 120; x++) {
                int alpha = 255 - x * 255 / 119; // fades out left to right
                badge.setRGB(x, y, alpha << 24 | (20 + y) << 16 | 160 << 8 | 90);
            }
        }
        Path file = tmp.resolve("badge.png");
        ImageIO.write(badge, "png", file.toFile());
        JsonPath job = ok(quantize(file, "k", "16", "formats", "png"));
        assertTrue(job.getList("result.notes").toString().contains("composited on white and on black"));
        byte[] png = given().get("/api/v1/jobs/" + job.getString("id") + "/files/"
                + job.getString("result.variants[0].file")).then().statusCode(200).extract().asByteArray();
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        Set<Integer> levels = new HashSet<>();
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 120; x++) {
                levels.add(back.getRGB(x, y) >>> 24);
            }
        }
        assertTrue(levels.size() > 8, "soft alpha keeps many levels, not two: " + levels.size());
        assertTrue(job.getDouble("result.variants[0].psnr") > 30, "composited PSNR " + job.getDouble("result.variants[0].psnr"));
    }
}
