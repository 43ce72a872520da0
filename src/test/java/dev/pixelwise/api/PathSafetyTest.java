package dev.pixelwise.api;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only the files a job registered can be read, under its own id; the upload itself, other jobs'
 * folders and anything on the server are out of reach however the path is spelled.
 */
@QuarkusTest
class PathSafetyTest {

    static final Path JOBS = Path.of("target/pixelwise-test-data/jobs");

    String id;
    String otherId;
    byte[] upload;
    byte[] thumbnail;

    @BeforeEach
    void twoFinishedJobs() throws Exception {
        upload = TestImages.bytes(TestImages.photo("cat.bmp"));
        id = JobApiTest.upload("/api/v1/inspect", TestImages.photo("cat.bmp")).then().statusCode(200).extract().path("id");
        otherId = JobApiTest.upload("/api/v1/inspect", TestImages.photo("cat.bmp")).then().statusCode(200).extract().path("id");
        assertTrue(Files.isRegularFile(JOBS.resolve(id).resolve("input")), "the upload is on disk, so refusals mean something");
        thumbnail = given().get("/api/v1/jobs/" + id + "/files/thumbnail.png").then().statusCode(200).extract().asByteArray();
    }

    @Test
    void fileNamesCannotLeaveTheJobsRegisteredFiles() {
        String input = JOBS.resolve(id).resolve("input").toAbsolutePath().toString();
        List<String> names = new ArrayList<>(List.of(
                "input", "%2E%2Finput",
                "..%2Finput", "%2E%2E%2Finput", "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "..%2F..%2F..%2F..%2F..%2F..%2Fpom.xml",
                "..%2F" + otherId + "%2Fthumbnail.png", "..%2F" + otherId + "%2Finput",
                "..%5Cinput", "..%5C..%5C..%5Cpom.xml", "%5Cetc%5Cpasswd", "thumbnail.png%5C..%5Cinput",
                "%2Fetc%2Fpasswd", "%2F%2Fetc%2Fpasswd", URLEncoder.encode(input, StandardCharsets.UTF_8),
                "file:%2F%2F%2Fetc%2Fpasswd", "C:%5CWindows%5Cwin.ini",
                "input%00", "input%00.png", "thumbnail.png%00", "thumbnail.png%00.txt", "%00",
                "thumbnail.png%2F..%2Finput", "thumbnail.png%2F", "thumbnail.png%2F.", "THUMBNAIL.PNG", "thumbnail.png%20",
                "%20thumbnail.png", "thumbnail.png.", "~", "*", "thumbnail.*",
                "..%252Finput", "%252E%252E%252Finput", "..%c0%afinput", "..%C0%AE%C0%AE%2Finput",
                "a".repeat(300), "a".repeat(3000)));
        for (String name : names) {
            Response r = given().urlEncodingEnabled(false).get("/api/v1/jobs/" + id + "/files/" + name);
            assertRefused(r, "files/" + name);
        }
        for (String path : List.of("/api/v1/jobs/" + id + "/input", "/api/v1/jobs/" + id + "/files/",
                "/api/v1/jobs/" + id + "/files//etc/passwd")) {
            assertRefused(given().urlEncodingEnabled(false).get(path), path);
        }
        // Dot segments, plain or percent-encoded (%2E is an unreserved character), are resolved before
        // routing like in any URL: they can only lead to another API address (here the job JSON or
        // a 404), never to a file.
        for (String path : List.of("/api/v1/jobs/" + id + "/files/..", "/api/v1/jobs/" + id + "/files/.",
                "/api/v1/jobs/" + id + "/files/%2e%2e", "/api/v1/jobs/" + id + "/files/%2E%2E/input",
                "/api/v1/jobs/" + id + "/files/%2e", "/api/v1/jobs/%2e%2e/files/input", "/api/v1/jobs/%2E/files/input",
                "/api/v1/jobs/../events", "/api/v1/jobs/%2e%2e/events",
                "/api/v1/jobs/" + id + "/files/../input", "/api/v1/jobs/" + id + "/files/./input",
                "/api/v1/jobs/" + id + "/files/../../" + otherId + "/files/input",
                "/api/v1/jobs/" + id + "/files/../../../../../../etc/passwd", "/api/v1/jobs/../../../../pom.xml")) {
            Response r = given().urlEncodingEnabled(false).get(path);
            assertFalse(String.valueOf(r.contentType()).startsWith("image/"), path + " answered " + r.contentType());
            assertNoLeak(r, path);
        }
        given().get("/api/v1/jobs/" + id + "/files/thumbnail.png").then().statusCode(200);
    }

    /**
     * Spellings no HTTP client library will send: raw backslashes, broken escapes, raw NUL. The
     * HTTP layer refuses them with an empty 400 before any route runs.
     */
    @Test
    void malformedRequestLinesAreRefusedWithoutContent() throws Exception {
        for (String name : List.of("..\\input", "..\\..\\pom.xml", "..%u2216input", "%zz", "%", "input%0", "input\0",
                "thumbnail.png\0", "..%2", "%%32%65%%32%65%2Finput")) {
            String response = rawGet("/api/v1/jobs/" + id + "/files/" + name);
            String printable = name.replace("\0", "<NUL>");
            // Netty answers a request line it cannot parse as HTTP/1.0.
            assertTrue(response.matches("(?s)HTTP/1\\.[01] 400 .*"), printable + ": " + response.lines().findFirst().orElse(""));
            assertEquals("", response.substring(response.indexOf("\r\n\r\n") + 4), printable + " has a body");
        }
    }

    /** One GET on a fresh connection, the request line sent byte for byte; the whole answer as Latin-1. */
    static String rawGet(String path) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aNameTooLongForTheRequestLineIsRefusedWithoutContent() {
        Response r = given().urlEncodingEnabled(false).get("/api/v1/jobs/" + id + "/files/" + "a".repeat(10_000));
        assertTrue(r.statusCode() == 414 || r.statusCode() == 400 || r.statusCode() == 404, "status " + r.statusCode());
        assertNoLeak(r, "overlong");
    }

    @Test
    void jobIdsThatAreNotOursNeverReachTheFileSystem() {
        List<String> ids = List.of("%2E%2E%2F" + id, "..%2F" + id, id + "%2F..", id + "%2F..%2F" + otherId,
                id + "%00", id.toLowerCase().equals(id) ? id.toUpperCase() : id.toLowerCase(), id.substring(1),
                id + "A", "%2Ftmp", "..%5C" + id, "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA%2F..%2F" + id);
        for (String bad : ids) {
            for (String suffix : List.of("", "/files/thumbnail.png", "/files/input", "/events")) {
                assertRefused(given().urlEncodingEnabled(false).get("/api/v1/jobs/" + bad + suffix), bad + suffix);
            }
            assertRefused(given().urlEncodingEnabled(false).delete("/api/v1/jobs/" + bad), "DELETE " + bad);
        }
        given().get("/api/v1/jobs/" + id).then().statusCode(200);
    }

    /** 404 or 400 as problem JSON, carrying neither the upload, a produced file nor server files. */
    private void assertRefused(Response r, String what) {
        int status = r.statusCode();
        assertTrue(status == 404 || status == 400, what + " answered " + status);
        assertTrue(r.contentType().startsWith("application/problem+json"), what + " answered " + r.contentType());
        assertEquals(status, r.jsonPath().getInt("status"), what);
        assertNoLeak(r, what);
    }

    private void assertNoLeak(Response r, String what) {
        byte[] body = r.asByteArray();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("root:"), what + " shows /etc/passwd");
        assertFalse(text.contains("<project"), what + " shows pom.xml");
        assertFalse(text.startsWith("BM") || text.contains("\u0089PNG"), what + " shows an image");
        assertTrue(body.length < Math.min(upload.length, thumbnail.length), what + " answered " + body.length + " bytes");
    }
}
