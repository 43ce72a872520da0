package dev.pixelwise.batch;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches over HTTP: many images, one task, one zip; a bad image fails alone; hostile zips are refused. */
@QuarkusTest
class BatchApiTest {

    static final Path DATA = Path.of("target/pixelwise-test-data");

    static byte[] picture(int seed, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color((seed * 73 + i * 41) % 256, (seed * 29 + i * 97) % 256, (seed * 151 + i * 13) % 256));
            g.fillOval((i * 37 + seed * 11) % w, (i * 53 + seed * 7) % h, w / 2, h / 3);
        }
        g.dispose();
        return TestImages.encode(image, "png");
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Every entry name and its bytes. */
    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static JsonPath finished(String id) {
        return Poll.value("batch " + id + " to finish", Duration.ofSeconds(120), () -> {
            JsonPath b = given().get("/api/v1/batches/" + id).then().statusCode(200).extract().jsonPath();
            return b.getString("status").equals("finished") || b.getString("status").equals("cancelled") ? b : null;
        });
    }

    private static Response submit(RequestSpecification request) {
        return request.post("/api/v1/batches");
    }

    @Test
    void aFolderOfImagesRunsAsOneBatchAndABadImageFailsAlone() throws IOException {
        RequestSpecification request = given().multiPart("task", "inspect").multiPart("thumbnail", "64");
        for (int i = 0; i < 4; i++) {
            request.multiPart("image", "photo-" + i + ".png", picture(i, 96, 64), "image/png");
        }
        byte[] truncated = TestImages.truncated(picture(9, 96, 64), 200);
        request.multiPart("image", "broken.png", truncated, "image/png");
        request.multiPart("image", "notes.png", "this is text, not a PNG".getBytes(StandardCharsets.UTF_8), "image/png");
        Response created = submit(request);
        created.then().statusCode(202).header("Location", containsString("/api/v1/batches/"))
                .body("task", equalTo("inspect")).body("total", equalTo(6)).body("jobs.size()", equalTo(6));
        String id = created.jsonPath().getString("id");

        JsonPath done = finished(id);
        assertEquals("finished", done.getString("status"));
        assertEquals(6, done.getInt("done"));
        assertEquals(4, done.getInt("succeeded"));
        assertEquals(2, done.getInt("failed"));
        for (int i = 0; i < 4; i++) {
            assertEquals("photo-" + i + ".png", done.getString("jobs[" + i + "].name"));
            assertEquals("succeeded", done.getString("jobs[" + i + "].status"));
            assertEquals("PNG 96×64", done.getString("jobs[" + i + "].summary"));
            String job = done.getString("jobs[" + i + "].id");
            given().get("/api/v1/jobs/" + job).then().statusCode(200).body("status", equalTo("succeeded"))
                    .body("result.width", equalTo(96));
        }
        for (int i = 4; i < 6; i++) {
            assertEquals("failed", done.getString("jobs[" + i + "].status"));
            int status = done.getInt("jobs[" + i + "].error.status");
            assertTrue(status == 415 || status == 422, "status " + status);
            assertFalse(done.getString("jobs[" + i + "].error.detail").isBlank());
        }

        byte[] archive = given().get("/api/v1/batches/" + id + "/archive").then().statusCode(200)
                .contentType("application/zip").header("Content-Disposition", containsString("attachment"))
                .extract().asByteArray();
        Map<String, byte[]> entries = unzip(archive);
        for (int i = 0; i < 4; i++) {
            String thumb = String.format("%03d-photo-%d.png/thumbnail.png", i + 1, i);
            assertTrue(entries.containsKey(thumb), "archive lists " + entries.keySet());
            assertEquals(64, javax.imageio.ImageIO.read(new ByteArrayInputStream(entries.get(thumb))).getWidth());
        }
        assertTrue(entries.keySet().stream().noneMatch(n -> n.startsWith("005-") || n.startsWith("006-")),
                "a failed image has no files: " + entries.keySet());
        String csv = new String(entries.get("results.csv"), StandardCharsets.UTF_8);
        assertEquals(7, csv.lines().count(), csv);
        assertTrue(csv.lines().skip(5).allMatch(l -> l.contains(",failed,")), csv);
        JsonPath results = new JsonPath(new String(entries.get("results.json"), StandardCharsets.UTF_8));
        assertEquals(id, results.getString("id"));
        assertEquals(4, results.getInt("succeeded"));
    }

    @Test
    void aZipBecomesOneImagePerEntryAndTheEventsEndWithTheBatch() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("holiday/", new byte[0]);
        files.put("holiday/a.png", picture(1, 80, 60));
        files.put("holiday/b.png", picture(2, 80, 60));
        files.put("__MACOSX/holiday/._a.png", new byte[] {0, 5, 22, 7});
        files.put("c.png", picture(3, 80, 60));
        String id = submit(given().multiPart("task", "quantize").multiPart("k", "4").multiPart("formats", "png")
                .multiPart("image", "holiday.zip", zip(files), "application/zip"))
                .then().statusCode(202).body("total", equalTo(3)).extract().path("id");

        String events = given().accept("text/event-stream").get("/api/v1/batches/" + id + "/events")
                .then().statusCode(200).extract().asString();
        assertEquals(3, events.split("event:\\s*child", -1).length - 1, events);
        assertTrue(events.contains("event:done") || events.contains("event: done"), events);

        JsonPath done = finished(id);
        assertEquals(List.of("a.png", "b.png", "c.png"), done.getList("jobs.name"));
        assertEquals(3, done.getInt("succeeded"));
        assertTrue(done.getString("jobs[0].summary").startsWith("k=4: "), done.getString("jobs[0].summary"));
        Map<String, byte[]> archive = unzip(given().get("/api/v1/batches/" + id + "/archive").asByteArray());
        assertTrue(archive.containsKey("001-a.png/k4.png"), archive.keySet().toString());
        assertTrue(archive.containsKey("003-c.png/k4.png"), archive.keySet().toString());
    }

    /** The shared photos, made small so that every task (upscale too) takes a moment. */
    static byte[] smallPhoto(String name) throws IOException {
        BufferedImage photo = javax.imageio.ImageIO.read(TestImages.photo(name).toFile());
        BufferedImage small = new BufferedImage(96, 96 * photo.getHeight() / photo.getWidth(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, small.getWidth(), small.getHeight(), null);
        g.dispose();
        return TestImages.encode(small, "png");
    }

    @Test
    void theSharedPhotosGoThroughEveryTaskAsABatch() throws Exception {
        dev.pixelwise.TestModels.awaitFetched("mobilenet-v2", "esrgan-slim", "deeplabv3-mnv2");
        Map<String, Map<String, String>> tasks = new LinkedHashMap<>();
        tasks.put("inspect", Map.of());
        tasks.put("quantize", Map.of("k", "16"));
        tasks.put("classify", Map.of("topK", "3"));
        tasks.put("segment", Map.of());
        tasks.put("upscale", Map.of("model", "esrgan-slim", "scale", "2"));
        List<String> photos = List.of("bird.bmp", "cat.bmp", "parrot.jpg");
        for (Map.Entry<String, Map<String, String>> task : tasks.entrySet()) {
            RequestSpecification request = given().multiPart("task", task.getKey());
            task.getValue().forEach(request::multiPart);
            for (String photo : photos) {
                request.multiPart("image", photo.replaceAll("\\..*", ".png"), smallPhoto(photo), "image/png");
            }
            String id = submit(request).then().statusCode(202).extract().path("id");
            JsonPath done = finished(id);
            assertEquals(photos.size(), done.getInt("succeeded"), task.getKey() + ": " + done.prettify());
            Map<String, byte[]> archive = unzip(given().get("/api/v1/batches/" + id + "/archive").asByteArray());
            for (int i = 0; i < photos.size(); i++) {
                assertNotNull(done.getString("jobs[" + i + "].summary"), task.getKey());
                String folder = String.format("%03d-%s/", i + 1, photos.get(i).replaceAll("\\..*", ".png"));
                for (String file : done.<String>getList("jobs[" + i + "].files")) {
                    assertTrue(archive.containsKey(folder + file), task.getKey() + " archive lacks " + folder + file
                            + ": " + archive.keySet());
                }
            }
            if (task.getKey().equals("classify")) {
                assertTrue(done.getString("jobs[1].summary").matches(".*(cat|tabby|Egyptian|tiger|lynx).*"),
                        done.getString("jobs[1].summary"));
            }
        }
    }

    @Test
    void hostileZipsAreRefusedAndNothingIsWritten() throws IOException {
        int before = batchFolders();
        byte[] ok = picture(4, 40, 30);
        problem(Map.of("../../escape.png", ok), 400, "outside");
        problem(Map.of("/etc/cron.d/x.png", ok), 400, "outside");
        problem(Map.of("inner.zip", zip(Map.of("a.png", ok))), 415, "archive");
        problem(Map.of("inner.png", zip(Map.of("a.png", ok))), 415, "archive");
        problem(Map.of("bomb.png", new byte[20_000_000]), 413, "expands");
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 100_000; i++) {
            many.put("e" + i, new byte[0]);
        }
        problem(many, 413, "entries");
        assertEquals(before, batchFolders(), "no batch folder is left behind");
        assertFalse(Files.exists(DATA.getParent().resolve("escape.png")));
        assertFalse(Files.exists(Path.of("escape.png")));
    }

    private static void problem(Map<String, byte[]> entries, int status, String words) throws IOException {
        given().multiPart("task", "inspect").multiPart("image", "x.zip", zip(entries), "application/zip")
                .post("/api/v1/batches").then().statusCode(status).contentType(startsWith("application/problem+json"))
                .body("detail", containsString(words));
    }

    private static int batchFolders() throws IOException {
        Path root = DATA.resolve("batches");
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(root)) {
            return (int) s.count();
        }
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsQueued() {
        given().multiPart("task", "quantize").multiPart("k", "1").multiPart("image", "a.png", picture(1, 20, 20), "image/png")
                .post("/api/v1/batches").then().statusCode(400).body("field", equalTo("k"));
        given().multiPart("task", "nope").multiPart("image", "a.png", picture(1, 20, 20), "image/png")
                .post("/api/v1/batches").then().statusCode(404).contentType(startsWith("application/problem+json"));
        given().multiPart("task", "inspect").post("/api/v1/batches").then().statusCode(400).body("field", equalTo("image"));
        given().multiPart("image", "a.png", picture(1, 20, 20), "image/png")
                .post("/api/v1/batches").then().statusCode(400).body("field", equalTo("task"));
        given().get("/api/v1/batches/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        given().get("/api/v1/batches/..%2F..%2Fetc").then().statusCode(404);
    }

    @Test
    void cancelStopsWhatHasNotRunAndTheWindowBoundsWhatIsQueued() {
        RequestSpecification request = given().multiPart("task", "quantize").multiPart("k", "2,4,8,16,32,64,128,256")
                .multiPart("formats", "png,webp,jpeg");
        int n = 10;
        for (int i = 0; i < n; i++) {
            request.multiPart("image", "big-" + i + ".png", picture(i, 400, 300), "image/png");
        }
        String id = submit(request).then().statusCode(202).extract().path("id");
        JsonPath now = given().get("/api/v1/batches/" + id).jsonPath();
        List<Map<String, Object>> jobs = now.getList("jobs");
        long holding = jobs.stream().filter(j -> j.get("id") != null
                && List.of("queued", "running").contains((String) j.get("status"))).count();
        assertTrue(holding <= 2, "at most the window (the test node's workers) in the queue at once: " + holding);

        JsonPath cancelled = given().delete("/api/v1/batches/" + id).then().statusCode(200).extract().jsonPath();
        JsonPath end = finished(id);
        assertEquals("cancelled", end.getString("status"));
        assertEquals(n, end.getInt("done"));
        assertTrue(end.getInt("cancelled") >= n - 3, "images not yet queued never ran: " + end.getInt("cancelled"));
        for (Map<String, Object> j : end.<Map<String, Object>>getList("jobs")) {
            if ("cancelled".equals(j.get("status")) && j.get("id") == null) {
                assertNull(j.get("error"));
            }
        }
        assertNotNull(cancelled.getString("id"));
    }

    @Test
    void aSharedPaletteGivesEveryImageTheSameColours() throws IOException {
        RequestSpecification request = given().multiPart("task", "quantize").multiPart("k", "8")
                .multiPart("formats", "png").multiPart("sharedPalette", "true");
        for (int i = 0; i < 3; i++) {
            request.multiPart("image", "icon-" + i + ".png", picture(i * 7 + 1, 64, 48), "image/png");
        }
        request.multiPart("image", "broken.png", TestImages.truncated(picture(5, 64, 48), 120), "image/png");
        String id = submit(request).then().statusCode(202).body("sharedPalette", equalTo(true)).extract().path("id");
        JsonPath done = finished(id);
        assertEquals(3, done.getInt("succeeded"), done.prettify());
        assertEquals("failed", done.getString("jobs[3].status"), "the broken image fails alone, while the palette is found");
        String palette = done.getString("palette");
        assertEquals(8, palette.split(",").length, palette);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (String c : palette.split(",")) {
            colours.add(Integer.parseUnsignedInt(c.trim().substring(1, 7), 16));
        }
        for (int i = 0; i < 3; i++) {
            String job = done.getString("jobs[" + i + "].id");
            JsonPath result = given().get("/api/v1/jobs/" + job).jsonPath();
            assertEquals(palette, result.getString("result.optionsUsed.palette"));
            byte[] png = given().get("/api/v1/jobs/" + job + "/files/k8.png").then().statusCode(200).extract().asByteArray();
            BufferedImage image = javax.imageio.ImageIO.read(new ByteArrayInputStream(png));
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y) & 0xFFFFFF;
                    assertTrue(colours.contains(rgb), "every pixel of image " + i + " is a shared colour: " + Integer.toHexString(rgb));
                }
            }
            assertTrue(done.getLong("jobs[" + i + "].outputBytes") > 0);
        }
        // one k, quantize only, and nothing that finds its own palette
        given().multiPart("task", "quantize").multiPart("k", "8,16").multiPart("sharedPalette", "true")
                .multiPart("image", "a.png", picture(1, 20, 20), "image/png").post("/api/v1/batches")
                .then().statusCode(400).body("field", equalTo("k"));
        given().multiPart("task", "inspect").multiPart("sharedPalette", "true")
                .multiPart("image", "a.png", picture(1, 20, 20), "image/png").post("/api/v1/batches")
                .then().statusCode(400).body("field", equalTo("sharedPalette"));
        given().multiPart("task", "quantize").multiPart("k", "8").multiPart("sharedPalette", "maybe")
                .multiPart("image", "a.png", picture(1, 20, 20), "image/png").post("/api/v1/batches")
                .then().statusCode(400).body("field", equalTo("sharedPalette"));
    }

    @Test
    void aChildTakesTheBatchesOptionsAndItsOwnJobPage() {
        String id = submit(given().multiPart("task", "inspect").multiPart("thumbnail", "32")
                .multiPart("image", "one.png", picture(5, 50, 40), "image/png")).then().statusCode(202).extract().path("id");
        JsonPath done = finished(id);
        String job = done.getString("jobs[0].id");
        List<String> files = new ArrayList<>(done.getList("jobs[0].files"));
        assertTrue(files.contains("thumbnail.png"), files.toString());
        byte[] thumbnail = given().get("/api/v1/jobs/" + job + "/files/thumbnail.png").then().statusCode(200).extract().asByteArray();
        assertTrue(thumbnail.length > 0);
        given().accept("text/html").get("/jobs/" + job).then().statusCode(200);
    }
}
