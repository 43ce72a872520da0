package dev.pixelwise.api;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The script-friendly API: the image as the raw request body, and the main file as the answer. */
@QuarkusTest
class RawBodyApiTest {

    static final byte[] PNG = TestImages.encode(TestImages.quadrants(64, 48), "png");

    @TestHTTPResource("/")
    URL base;

    static Response raw(String path, String contentType, byte[] body, String... query) {
        var spec = given().contentType(contentType).body(body);
        for (int i = 0; i < query.length; i += 2) {
            spec.queryParam(query[i], query[i + 1]);
        }
        return spec.when().post(path);
    }

    @Test
    void quantizeSynchronouslyFromARawBody() {
        raw("/api/v1/quantize", "image/png", PNG, "k", "4", "formats", "png", "timeout", "300")
                .then().statusCode(200)
                .contentType(startsWith("application/json"))
                .header("Location", containsString("/api/v1/jobs/"))
                .body("task", equalTo("quantize"))
                .body("status", equalTo("succeeded"))
                .body("result.variants[0].k", equalTo(4))
                .body("result.optionsUsed.k", equalTo("4"));
    }

    @Test
    void octetStreamIsAnImageBodyToo() {
        raw("/api/v1/inspect", "application/octet-stream", PNG, "timeout", "300")
                .then().statusCode(200)
                .body("result.width", equalTo(64))
                .body("result.height", equalTo(48));
    }

    @Test
    void queueAJobFromARawBody() throws InterruptedException {
        Response queued = raw("/api/v1/jobs", "image/png", PNG, "task", "quantize", "k", "3", "formats", "png");
        queued.then().statusCode(202).body("task", equalTo("quantize"));
        String id = queued.path("id");
        assertEquals("succeeded", JobApiTest.awaitFinished(id));
        given().get("/api/v1/jobs/" + id).then().body("result.variants[0].k", equalTo(3));

        raw("/api/v1/jobs", "image/png", PNG, "task", "inspect").then().statusCode(202).body("task", equalTo("inspect"));
    }

    @Test
    void theQueueNeedsATask() {
        raw("/api/v1/jobs", "image/png", PNG).then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("field", equalTo("task"));
    }

    @Test
    void aBadOptionIsNamedAsInTheForm() {
        raw("/api/v1/quantize", "image/png", PNG, "restarts", "0").then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("field", equalTo("restarts"));
        raw("/api/v1/quantize", "image/png", PNG, "noSuchOption", "1").then().statusCode(400)
                .body("field", equalTo("noSuchOption"));
        raw("/api/v1/jobs", "image/png", PNG, "task", "segment", "mode", "paint").then().statusCode(400)
                .body("field", equalTo("mode"));
        // The same option twice is refused as in the form, not silently resolved.
        raw("/api/v1/quantize", "image/png", PNG, "k", "4", "k", "8").then().statusCode(400).body("field", equalTo("k"));
        // A refused body does not stay behind in the uploads folder (it is deleted when the request ends).
        Poll.until("no raw upload left", Duration.ofSeconds(10), () -> rawUploadsLeft().isEmpty());
    }

    private static List<Path> rawUploadsLeft() {
        Path uploads = Path.of(ConfigProvider.getConfig().getValue("quarkus.http.body.uploads-directory", String.class));
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(uploads)) {
            return files.filter(f -> f.getFileName().toString().startsWith("raw-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anEmptyBodyAsksForTheImage() {
        raw("/api/v1/quantize", "image/png", new byte[0]).then().statusCode(400)
                .body("field", equalTo("image"))
                .body("detail", containsString("request body"));
    }

    @Test
    void aNonImageBodyIsRefusedAsInTheForm() {
        byte[] text = "just some text, not an image at all".getBytes();
        int rawStatus = raw("/api/v1/quantize", "application/octet-stream", text).then()
                .contentType(startsWith("application/problem+json")).extract().statusCode();
        int formStatus = given().multiPart("image", "notes.txt", text).post("/api/v1/quantize").then()
                .extract().statusCode();
        assertEquals(formStatus, rawStatus);
        assertTrue(rawStatus == 415 || rawStatus == 422, "status " + rawStatus);
        // A body type that is neither an image nor a form is not an upload at all.
        given().contentType("text/plain").body("hello").post("/api/v1/quantize").then().statusCode(415)
                .contentType(startsWith("application/problem+json"))
                .body("detail", containsString("the image itself as the body"));
    }

    @Test
    void aDeclaredTooLargeBodyIs413() throws Exception {
        // A declared length over the limit is refused before a byte of the body is read.
        String answer = exchange("Content-Length: " + (LIMIT + 1) + "\r\n", 0, false);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
    }

    @Test
    void aChunkedBodyThatGrowsPastTheLimitIs413() throws Exception {
        // No length declared: the body is counted while it streams to disk and cut off at the limit.
        String answer = exchange("Transfer-Encoding: chunked\r\n", LIMIT + 256 * 1024, true);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
        assertTrue(answer.contains("\"status\":413"), answer);
    }

    static final long LIMIT = 25L * 1024 * 1024;

    /**
     * Sends a raw-body request over a plain socket (so the early answer can be read while the body
     * is still going out) and returns everything the server answered.
     */
    private String exchange(String framing, long bodyBytes, boolean chunked) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = socket.getInputStream()) {
                    in.transferTo(answer);
                } catch (IOException ignored) {
                    // the server closed the connection after answering
                }
            });
            reader.start();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(("POST /api/v1/quantize HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                        + framing + "\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                for (long sent = 0; sent < bodyBytes; sent += chunk.length) {
                    if (chunked) {
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(chunk);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException closed) {
                // the server stopped reading: its answer is what counts
            }
            if (!socket.isOutputShutdown() && !socket.isClosed()) {
                try {
                    socket.shutdownOutput(); // so a server still waiting for the body sees its end
                } catch (IOException alreadyClosed) {
                    // nothing left to tell the server
                }
            }
            reader.join();
            return answer.toString(StandardCharsets.UTF_8);
        } catch (SocketException e) {
            throw new AssertionError("the connection failed before an answer", e);
        }
    }

    @Test
    void acceptPngAnswersWithTheMainFile() throws IOException {
        Response r = given().contentType("image/png").accept("image/png").body(PNG)
                .queryParam("mode", "color").queryParam("k", "4").queryParam("timeout", "300")
                .post("/api/v1/segment");
        r.then().statusCode(200).contentType("image/png");
        String id = r.header(JobResource.JOB_ID_HEADER);
        assertNotNull(id);
        assertEquals("/api/v1/jobs/" + id, URI.create(r.header("Location")).getPath());
        assertTrue(r.header("Link").contains("</api/v1/jobs/" + id + ">"), r.header("Link"));
        assertEquals("segment", r.header(JobResource.TASK_HEADER));
        byte[] png = r.asByteArray();
        BufferedImage mask = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(64, mask.getWidth());
        assertEquals(48, mask.getHeight());
        // It is the task's main file, byte for byte the one the job lists.
        byte[] listed = given().get("/api/v1/jobs/" + id + "/files/mask.png").then().statusCode(200).extract().asByteArray();
        assertTrue(Arrays.equals(listed, png));
        given().get("/api/v1/jobs/" + id).then().body("status", equalTo("succeeded"));
    }

    @Test
    void quantizeAnswersWithTheRecommendedPalettePng() throws IOException {
        Response r = raw2("/api/v1/quantize?k=4&formats=png", "image/png");
        r.then().statusCode(200).contentType("image/png").header(JobResource.JOB_ID_HEADER, org.hamcrest.Matchers.notNullValue());
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(r.asByteArray()));
        assertEquals(64, out.getWidth());
        String file = given().get("/api/v1/jobs/" + r.header(JobResource.JOB_ID_HEADER)).path("result.variants[0].file");
        assertTrue(r.header("Content-Disposition").contains(file), r.header("Content-Disposition"));

        // several k: the recommended palette size, else the smallest k that meets the bar, else the largest
        Response several = raw2("/api/v1/quantize?k=2,4,16", "image/png");
        several.then().statusCode(200).contentType("image/png");
        JsonPath job = given().get("/api/v1/jobs/" + several.header(JobResource.JOB_ID_HEADER))
                .jsonPath();
        Integer k = job.get("result.recommendation.k") != null ? job.getInt("result.recommendation.k")
                : job.get("result.suggestedK") != null ? job.getInt("result.suggestedK") : 16;
        assertTrue(several.header("Content-Disposition").contains("k" + k + ".png"), several.header("Content-Disposition"));
    }

    @Test
    void acceptImageWorksWithTheMultipartFormToo() {
        given().accept("image/*").multiPart("image", "q.png", PNG, "image/png")
                .multiPart("mode", "color").multiPart("timeout", "300")
                .post("/api/v1/segment").then().statusCode(200).contentType("image/png")
                .header(JobResource.JOB_ID_HEADER, org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void inspectHasNoImageToAnswerWith() {
        Response r = raw2("/api/v1/inspect", "image/png");
        r.then().statusCode(406).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(406))
                .header("Location", containsString("/api/v1/jobs/"));
        // The job ran; its JSON is where the headers say.
        given().get(URI.create(r.header("Location")).getPath()).then().statusCode(200).body("task", equalTo("inspect"));
    }

    @Test
    void aBrowserLikeAcceptStillGetsJson() {
        given().contentType("image/png").body(PNG)
                .accept("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8")
                .queryParam("timeout", "300").post("/api/v1/inspect")
                .then().statusCode(200).contentType(startsWith("application/json"));
    }

    private static Response raw2(String path, String accept) {
        return given().contentType("image/png").accept(accept).body(PNG).queryParam("timeout", "300").post(path);
    }
}
