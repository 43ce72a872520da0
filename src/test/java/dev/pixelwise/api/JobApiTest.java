package dev.pixelwise.api;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class JobApiTest {

    @TempDir
    Path tmp;

    static Response upload(String path, Path image, String... fields) {
        var spec = given().multiPart("image", image.toFile());
        for (int i = 0; i < fields.length; i += 2) {
            spec.multiPart(fields[i], fields[i + 1]);
        }
        return spec.when().post(path);
    }

    static String awaitFinished(String id) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            String status = given().get("/api/v1/jobs/" + id).then().extract().path("status");
            if (!status.equals("queued") && !status.equals("running")) {
                return status;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("job " + id + " did not finish");
    }

    @Test
    void asyncJobLifecycle() throws InterruptedException {
        Response created = upload("/api/v1/jobs", TestImages.photo("cat.bmp"), "task", "inspect");
        created.then().statusCode(202)
                .header("Location", containsString("/api/v1/jobs/"))
                .body("task", equalTo("inspect"))
                .body("status", org.hamcrest.Matchers.oneOf("queued", "running", "succeeded"));
        String id = created.path("id");
        assertEquals(22, id.length(), "128 random bits in URL-safe base64");
        assertEquals("succeeded", awaitFinished(id));
        given().get("/api/v1/jobs/" + id).then().statusCode(200)
                .body("progress", equalTo(1.0f))
                .body("result.width", equalTo(512))
                .body("result.height", equalTo(341))
                .body("result.format", equalTo("BMP"))
                .body("result.colorModel", equalTo("RGB"))
                .body("result.bitDepth", equalTo(8))
                .body("result.hasAlpha", equalTo(false))
                .body("result.uniqueColors", greaterThan(10_000))
                .body("result.exifOrientation", equalTo(1))
                .body("files", hasItem("thumbnail.png"))
                .body("createdAt", org.hamcrest.Matchers.notNullValue())
                .body("finishedAt", org.hamcrest.Matchers.notNullValue())
                .body("error", equalTo(null));
        byte[] thumb = given().get("/api/v1/jobs/" + id + "/files/thumbnail.png").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertEquals((byte) 0x89, thumb[0]);
    }

    @Test
    void syncEndpointAnswersWithTheFinishedJob() {
        upload("/api/v1/inspect", TestImages.photo("parrot.jpg")).then().statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("result.format", equalTo("JPEG"))
                .body("result.width", equalTo(512))
                .body("result.height", equalTo(929));
    }

    @Test
    void syncEndpointAnswers202WhenTheJobOutlivesTheWait() {
        upload("/api/v1/test-hold", TestImages.photo("cat.bmp"), "holdMs", "1500", "timeout", "0").then()
                .statusCode(202).header("Location", containsString("/api/v1/jobs/"));
    }

    @Test
    void eventStreamEndsWithTheFinalState() throws Exception {
        String id = upload("/api/v1/jobs", TestImages.photo("cat.bmp"), "task", "test-hold", "holdMs", "1500").path("id");
        URI uri = URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/api/v1/jobs/" + id + "/events");
        HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events;
        try (InputStream body = response.body()) {
            events = new String(body.readAllBytes()).lines().filter(l -> l.startsWith("data:")).collect(Collectors.toList());
        }
        assertTrue(events.size() >= 2, "progress events before the end: " + events);
        assertTrue(events.get(events.size() - 1).contains("\"status\":\"succeeded\""), events.get(events.size() - 1));
        assertTrue(events.stream().anyMatch(e -> e.contains("\"status\":\"running\"")), "saw it running");
    }

    /** An upload that is not an image, or one the app must not decode, and the status it gets. */
    record BadInput(String name, byte[] content, int status) {
    }

    static List<BadInput> badInputs() {
        byte[] jpeg = TestImages.bytes(TestImages.photo("parrot.jpg"));
        return List.of(
                new BadInput("zero.png", new byte[0], 415),
                new BadInput("text.png", "this is not an image\n".getBytes(), 415),
                new BadInput("page.jpg", "<!doctype html><html><body>hi</body></html>".getBytes(), 415),
                new BadInput("truncated.jpg", TestImages.truncated(jpeg, jpeg.length / 2), 422),
                new BadInput("huge.png", TestImages.pngClaiming(100_000, 100_000), 422));
    }

    /** The problem a bad input gets; how fast it comes is {@link JobApiTimingTest}'s to check. */
    static void assertProblem(Response response, int status) {
        response.then()
                .statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void badInputsGetProblemsAndTheAppKeepsServing() {
        for (BadInput c : badInputs()) {
            assertProblem(upload("/api/v1/inspect", TestImages.write(tmp, c.name(), c.content())), c.status());
        }
        upload("/api/v1/inspect", TestImages.photo("cat.bmp")).then().statusCode(200).body("status", equalTo("succeeded"));
    }

    static final int OVER_THE_BYTE_LIMIT = 26 * 1024 * 1024;

    @Test
    void uploadOverTheByteLimitIs413() {
        Path big = TestImages.write(tmp, "big.png", new byte[OVER_THE_BYTE_LIMIT]);
        upload("/api/v1/jobs", big, "task", "inspect").then()
                .statusCode(413)
                .contentType(startsWith("application/problem+json"))
                .body("type", endsWith("too-large"));
        upload("/api/v1/inspect", TestImages.photo("cat.bmp")).then().statusCode(200);
    }

    @Test
    void badOptionsAre400WithTheFieldNamed() {
        for (String[] c : new String[][]{{"thumbnail", "abc"}, {"thumbnail", "0"}, {"thumbnail", "99999"},
                {"thumbnail", "NaN"}, {"nonsense", "1"}}) {
            upload("/api/v1/inspect", TestImages.photo("cat.bmp"), c[0], c[1]).then()
                    .statusCode(400)
                    .contentType(startsWith("application/problem+json"))
                    .body("field", equalTo(c[0]));
        }
        upload("/api/v1/inspect", TestImages.photo("cat.bmp"), "timeout", "-1").then().statusCode(400).body("field", equalTo("timeout"));
        given().multiPart("task", "inspect").post("/api/v1/jobs").then().statusCode(400).body("field", equalTo("image"));
        upload("/api/v1/jobs", TestImages.photo("cat.bmp")).then().statusCode(400).body("field", equalTo("task"));
    }

    @Test
    void unknownThingsAre404Problems() {
        upload("/api/v1/no-such-task", TestImages.photo("cat.bmp")).then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        upload("/api/v1/jobs", TestImages.photo("cat.bmp"), "task", "no-such-task").then().statusCode(404);
        given().get("/api/v1/jobs/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404).contentType(startsWith("application/problem+json"));
        given().delete("/api/v1/jobs/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404);
        given().get("/api/v1/jobs/AAAAAAAAAAAAAAAAAAAAAA/events").then().statusCode(404);
    }

    @Test
    void filesOutsideTheJobCannotBeRead() throws InterruptedException {
        String id = upload("/api/v1/inspect", TestImages.photo("cat.bmp")).path("id");
        for (String name : List.of("input", "..%2Finput", "%2E%2E%2F%2E%2E%2Fpom.xml", "..%5Cinput", "%2Fetc%2Fpasswd",
                "thumbnail.png%00.txt", "missing.png")) {
            given().urlEncodingEnabled(false).get("/api/v1/jobs/" + id + "/files/" + name).then()
                    .statusCode(org.hamcrest.Matchers.either(equalTo(404)).or(equalTo(400)));
        }
        given().get("/api/v1/jobs/" + id + "/files/thumbnail.png").then().statusCode(200);
    }

    @Test
    void modelsTasksDocsHealthAndMetrics() {
        given().get("/api/v1/models").then().statusCode(200)
                .body("id", hasItem("mobilenet-v2"))
                .body("find { it.id == 'mobilenet-v2' }.files[0].sha256", equalTo("7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776"))
                .body("find { it.id == 'mobilenet-v2' }.state", org.hamcrest.Matchers.oneOf("missing", "fetching", "available", "loading", "loaded"));
        given().get("/api/v1/tasks").then().statusCode(200).body("inspect.options[0].name", equalTo("thumbnail"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/jobs"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        upload("/api/v1/inspect", TestImages.photo("cat.bmp")).then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("pixelwise_jobs_total"))
                .body(containsString("pixelwise_queue_depth"))
                .body(containsString("pixelwise_job_run_seconds_bucket"));
    }
}
