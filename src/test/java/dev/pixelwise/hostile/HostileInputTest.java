package dev.pixelwise.hostile;

import dev.pixelwise.hostile.HostileCorpus.Expect;
import dev.pixelwise.hostile.HostileCorpus.Sample;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #8, "bad input, with nothing lost": every file of the {@link HostileCorpus} goes through
 * every task's synchronous endpoint. Hostile files get a 4xx problem; valid files work and damaged
 * ones work or get a clear 4xx; afterwards the workers are all alive. How fast the refusals come
 * and whether the heap stays where it was is {@link HostileInputTimingTest}'s to check.
 */
@QuarkusTest
class HostileInputTest {

    static final List<String> TASKS = List.of("inspect", "quantize", "classify", "upscale", "segment");
    static final Map<String, String> CLAIMED_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg",
            "gif", "image/gif", "bmp", "image/bmp", "webp", "image/webp", "tif", "image/tiff", "tiff", "image/tiff",
            "svg", "image/svg+xml");
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String BOUNDARY = "pixelwise-hostile-corpus-7f3a9c0d";

    static final byte[] GOOD_IMAGE = dev.pixelwise.TestImages.encode(HostileFormats.card(48, 32, 7), "png");
    static final File GOOD_IMAGE_FILE = write("good.png", GOOD_IMAGE);
    static boolean warm;

    @BeforeEach
    void warmUp() {
        warmUpOnce();
    }

    static void warmUpOnce() {
        if (warm) {
            return;
        }
        warm = true;
        // First requests load models and classes; that time is not what this test measures.
        for (String task : TASKS) {
            sendGood(task).then().statusCode(200).body("status", equalTo("succeeded"));
            assertEquals(415, send(task, "empty.png", new byte[0], null).status());
        }
    }

    @Test
    void everyHostileFileGetsAProblemFromEveryTask() {
        List<String> failures = new ArrayList<>();
        for (Sample sample : HostileCorpus.refused()) {
            for (String task : TASKS) {
                String problem = problemOf(send(task, sample.name(), sample.bytes(), null));
                if (problem != null) {
                    failures.add(task + " " + sample + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
        everyWorkerIsAliveAndEveryTaskWorks();
    }

    /**
     * Odd but valid files (CMYK, 16-bit, thousands of frames, absurd EXIF, polyglots) must work on
     * every task; damaged ones may work or get a clear 4xx problem.
     */
    @Test
    void oddButValidFilesWorkOrGetAClearProblem() {
        List<String> failures = new ArrayList<>();
        int succeeded = 0;
        int refused = 0;
        long start = System.nanoTime();
        Map<String, Long> millisPerTask = new TreeMap<>();
        for (Sample sample : HostileCorpus.all()) {
            if (sample.expect() == Expect.REFUSED) {
                continue;
            }
            for (String task : TASKS) {
                long t0 = System.nanoTime();
                Reply reply = send(task, sample.name(), sample.bytes(), "300");
                millisPerTask.merge(task, (System.nanoTime() - t0) / 1_000_000, Long::sum);
                if (reply.status() == 200 && "succeeded".equals(reply.json().get("status"))) {
                    succeeded++;
                } else if (reply.status() == 200) {
                    failures.add(task + " " + sample + ": finished as " + reply.json().get("status"));
                } else if (problemOf(reply) != null) {
                    failures.add(task + " " + sample + ": " + problemOf(reply));
                } else if (sample.expect() == Expect.VALID) {
                    failures.add(task + " " + sample + ": a valid file was refused: " + reply.body());
                } else {
                    refused++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "valid and damaged: %d task runs succeeded, %d refused with a 4xx, in %d ms %s%n",
                succeeded, refused, (System.nanoTime() - start) / 1_000_000, millisPerTask);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
        everyWorkerIsAliveAndEveryTaskWorks();
    }

    /** After a barrage: readiness is UP and a good upload works on every task. */
    static void everyWorkerIsAliveAndEveryTaskWorks() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        for (String task : TASKS) {
            sendGood(task).then().statusCode(200).body("status", equalTo("succeeded"));
        }
    }

    /** Null when the reply is a 415/422 problem with a detail; otherwise what is wrong with it. */
    static String problemOf(Reply reply) {
        int status = reply.status();
        String type = reply.contentType();
        if (status != 415 && status != 422) {
            return "status " + reply;
        }
        if (type == null || !type.startsWith("application/problem+json")) {
            return "content type " + type;
        }
        Integer bodyStatus = reply.json().get("status");
        String detail = reply.json().get("detail");
        if (bodyStatus == null || bodyStatus != status || detail == null || detail.isBlank()) {
            return "problem body " + reply.body();
        }
        return null;
    }

    /** A response: status, media type and body, read as JSON on demand. */
    record Reply(int status, String contentType, String body) {
        JsonPath json() {
            return JsonPath.from(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /**
     * Posts the bytes as the multipart field {@code image}, named and typed as an uploader would
     * (the name and type often lie; only the bytes count). The sweeps send over a thousand
     * requests, so they use the JDK's HTTP client: about 3 ms a request here, where RestAssured
     * takes 20-50 ms, which would blow the time budget and be counted as the server's time.
     */
    static Reply send(String task, String name, byte[] bytes, String timeout) {
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream(bytes.length + 512);
        body.writeBytes(ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + name
                + "\"\r\nContent-Type: " + CLAIMED_TYPES.getOrDefault(extension, "application/octet-stream") + "\r\n\r\n"));
        body.writeBytes(bytes);
        if (timeout != null) {
            body.writeBytes(ascii("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"timeout\"\r\n\r\n" + timeout));
        }
        body.writeBytes(ascii("\r\n--" + BOUNDARY + "--\r\n"));
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/" + task);
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A known-good upload, sent the way the other API tests send theirs. */
    static io.restassured.response.Response sendGood(String task) {
        return given().multiPart("image", GOOD_IMAGE_FILE, "image/png").multiPart("timeout", "300").when().post("/api/v1/" + task);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static File write(String name, byte[] bytes) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "hostile-input-test"));
            return Files.write(dir.resolve(name), bytes).toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }}
