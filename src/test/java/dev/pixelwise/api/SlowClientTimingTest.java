package dev.pixelwise.api;

import dev.pixelwise.TestImages;
import dev.pixelwise.api.SlowClientTest.SlowUpload;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static dev.pixelwise.api.SlowClientProfile.IDLE_TIMEOUT_MS;
import static dev.pixelwise.api.SlowClientProfile.UPLOAD_TIMEOUT_MS;
import static dev.pixelwise.api.SlowClientTest.SLACK_MS;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When slow clients are cut off, and how long a normal job takes beside them. Wall-clock checks
 * depend on the machine, so they are tagged {@code timing}: {@code ./mvnw verify} leaves them out
 * and {@code .ci/run} runs them apart and reports them. {@link SlowClientTest} asserts the
 * behaviour itself.
 */
@QuarkusTest
@TestProfile(SlowClientProfile.class)
@Tag("timing")
class SlowClientTimingTest {

    /** The normal job's budget beside the slow uploads: well under the upload deadline that would free a held thread. */
    static final long NORMAL_JOB_WITHIN_MS = 2500;

    @Test
    void theIdleTimeoutCutsOffAStalledClientOnTime() throws Exception {
        try (SlowUpload client = SlowUpload.start(100_000)) {
            client.send(64);
            SlowUpload.Ending end = client.awaitEnd(IDLE_TIMEOUT_MS + UPLOAD_TIMEOUT_MS + SLACK_MS);
            System.out.printf(Locale.ROOT, "timing: stalled client cut off after %d ms (idle timeout %d ms)%n", end.afterMs(), IDLE_TIMEOUT_MS);
            assertTrue(end.closed(), "still open after " + end.afterMs() + " ms");
            assertTrue(end.afterMs() >= IDLE_TIMEOUT_MS - 500 && end.afterMs() < IDLE_TIMEOUT_MS + SLACK_MS,
                    "closed after " + end.afterMs() + " ms; idle timeout " + IDLE_TIMEOUT_MS);
        }
    }

    @Test
    void theUploadDeadlineCutsOffATricklerNoSooner() throws Exception {
        try (SlowUpload client = SlowUpload.start(100_000)) {
            client.trickle(500);
            SlowUpload.Ending end = client.awaitEnd(UPLOAD_TIMEOUT_MS + SLACK_MS);
            System.out.printf(Locale.ROOT, "timing: trickler cut off after %d ms (upload deadline %d ms)%n", end.afterMs(), UPLOAD_TIMEOUT_MS);
            assertTrue(end.closed(), "still open after " + end.afterMs() + " ms");
            assertTrue(end.afterMs() >= UPLOAD_TIMEOUT_MS - 500, "cut off after " + end.afterMs() + " ms, before the deadline");
        }
    }

    @Test
    void aNormalJobBesideSlowUploadsIsQuick() throws Exception {
        given().multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/inspect").then()
                .statusCode(200); // warm up, so the clock below measures waiting, not class loading
        List<SlowUpload> clients = SlowClientTest.startSlowClients(SlowClientTest.uploadFiles());
        try {
            long start = System.nanoTime();
            given().multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/inspect").then()
                    .statusCode(200).body("status", equalTo("succeeded"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(Locale.ROOT, "timing: a normal job beside %d slow uploads took %d ms%n", clients.size(), ms);
            assertTrue(ms < NORMAL_JOB_WITHIN_MS, "a normal job took " + ms + " ms beside slow uploads");
        } finally {
            for (SlowUpload client : clients) {
                client.close();
            }
        }
    }
}
