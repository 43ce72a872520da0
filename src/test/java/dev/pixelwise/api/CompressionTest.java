package dev.pixelwise.api;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.DecoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text is compressed for clients that accept it; images and event streams are not. And the icon is there. */
@QuarkusTest
class CompressionTest {

    @TestHTTPResource("/")
    URL base;

    static io.restassured.specification.RequestSpecification gzip() {
        return given().header("Accept-Encoding", "gzip")
                .config(RestAssuredConfig.config().decoderConfig(DecoderConfig.decoderConfig().useNoWrapForInflateDecoding(false)));
    }

    @Test
    void jsonPagesScriptsAndStylesAreGzipped() {
        gzip().get("/api/v1/tasks").then().statusCode(200).header("Content-Encoding", "gzip")
                .body("quantize.title", not(equalTo(null)));
        gzip().accept("text/html").get("/").then().statusCode(200).header("Content-Encoding", "gzip")
                .body(containsString("<html"));
        gzip().get("/static/app.js").then().statusCode(200).header("Content-Encoding", "gzip");
        gzip().get("/static/app.css").then().statusCode(200).header("Content-Encoding", "gzip");
    }

    @Test
    void brotliWhenTheClientOffersIt() throws Exception {
        HttpResponse<byte[]> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(base + "api/v1/tasks")).header("Accept-Encoding", "br").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("br", r.headers().firstValue("Content-Encoding").orElse(null));
        Brotli4jLoader.ensureAvailability();
        DirectDecompress json = Decoder.decompress(r.body());
        assertEquals(DecoderJNI.Status.DONE, json.getResultStatus());
        assertTrue(new String(json.getDecompressedData(), StandardCharsets.UTF_8).contains("\"quantize\""));
    }

    @Test
    void withoutAcceptEncodingNothingIsCompressed() throws Exception {
        // Java's client sends no Accept-Encoding of its own (RestAssured always offers gzip).
        HttpResponse<String> plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(base + "api/v1/tasks")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, plain.statusCode());
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        assertTrue(plain.body().startsWith("{"), plain.body());
    }

    @Test
    void imagesAreNotRecompressed() throws InterruptedException {
        byte[] png = TestImages.encode(TestImages.quadrants(40, 30), "png");
        String id = given().multiPart("image", "q.png", png, "image/png").multiPart("task", "inspect")
                .post("/api/v1/jobs").then().statusCode(202).extract().path("id");
        assertEquals("succeeded", JobApiTest.awaitFinished(id));
        Response thumbnail = gzip().get("/api/v1/jobs/" + id + "/files/thumbnail.png");
        thumbnail.then().statusCode(200).contentType("image/png");
        assertFalse("gzip".equals(thumbnail.header("Content-Encoding")), "a PNG was gzipped");
        Response icon = gzip().get("/favicon.ico");
        icon.then().statusCode(200);
        assertFalse("gzip".equals(icon.header("Content-Encoding")), "the icon was gzipped");
    }

    @Test
    void theFaviconIsServedAndLinked() {
        byte[] ico = given().get("/favicon.ico").then().statusCode(200).extract().asByteArray();
        assertTrue(ico.length > 6 && ico[0] == 0 && ico[1] == 0 && ico[2] == 1 && ico[3] == 0, "an ICO header");
        given().get("/favicon.svg").then().statusCode(200).contentType(startsWith("image/svg+xml"))
                .body(containsString("<svg"));
        given().accept("text/html").get("/about").then().statusCode(200)
                .body(containsString("href=\"/favicon.ico\""), containsString("href=\"/favicon.svg\""));
    }

    /**
     * With compression on, events still arrive one by one: the first comes while the job is still
     * running (a compressed stream would hold it in the compressor's buffer), and it is plain text.
     */
    @Test
    void eventsStillStreamWithCompressionOn() throws Exception {
        String id = given().multiPart("image", "q.png", TestImages.encode(TestImages.quadrants(8, 8), "png"), "image/png")
                .multiPart("task", "test-hold").multiPart("holdMs", "600000")
                .post("/api/v1/jobs").then().statusCode(202).extract().path("id");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").header("Accept-Encoding", "gzip, deflate, br").GET().build();
        HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Encoding").isEmpty(), "the event stream was compressed");
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = nextData(events);
            assertTrue(first.contains("\"id\":\"" + id + "\""), first);
            assertTrue(first.contains("\"status\":\"queued\"") || first.contains("\"status\":\"running\""), first);
            // Only now is the job stopped: the first event cannot have waited for the end of the stream.
            given().delete("/api/v1/jobs/" + id).then().statusCode(200);
            String last = first;
            for (String data = nextData(events); data != null; data = nextData(events)) {
                last = data;
            }
            assertTrue(last.contains("\"status\":\"cancelled\""), last);
        }
    }

    private static String nextData(BufferedReader events) throws java.io.IOException {
        for (String line = events.readLine(); line != null; line = events.readLine()) {
            if (line.startsWith("data:")) {
                return line.substring(5).trim();
            }
        }
        return null;
    }
}
