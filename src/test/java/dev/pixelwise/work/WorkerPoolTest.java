package dev.pixelwise.work;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestProfile(TightPoolProfile.class)
class WorkerPoolTest {

    private final List<String> started = new ArrayList<>();

    static String submit(String task, Object... fields) {
        var spec = given().multiPart("task", task).multiPart("image", TestImages.photo("cat.bmp").toFile());
        for (int i = 0; i < fields.length; i += 2) {
            spec.multiPart((String) fields[i], String.valueOf(fields[i + 1]));
        }
        return spec.when().post("/api/v1/jobs").then().statusCode(202).extract().path("id");
    }

    static String status(String id) {
        return given().get("/api/v1/jobs/" + id).then().statusCode(200).extract().path("status");
    }

    static String awaitStatus(String id, Duration within, String... wanted) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String s;
        do {
            s = status(id);
            for (String w : wanted) {
                if (w.equals(s)) {
                    return s;
                }
            }
            Thread.sleep(25);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " stayed " + s + ", wanted " + String.join("/", wanted));
    }

    @AfterEach
    void cancelLeftovers() {
        started.forEach(id -> given().delete("/api/v1/jobs/" + id));
    }

    private String hold(int ms) {
        String id = submit("test-hold", "holdMs", ms);
        started.add(id);
        return id;
    }

    @Test
    void thirdConcurrentJobGets429WithRetryAfter() throws InterruptedException {
        String running = hold(60_000);
        awaitStatus(running, Duration.ofSeconds(5), "running");
        hold(60_000); // waits in the queue of one
        Response third = given().multiPart("task", "test-hold").multiPart("holdMs", "10")
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .when().post("/api/v1/jobs");
        assertEquals(429, third.statusCode());
        assertTrue(third.contentType().startsWith("application/problem+json"));
        long retryAfter = Long.parseLong(third.header("Retry-After"));
        assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
        assertEquals("queue-full", third.jsonPath().getString("type").replaceAll(".*/", ""));
        String ticket = third.header("Pixelwise-Ticket");
        assertTrue(ticket != null && third.jsonPath().getString("detail").contains("you are next"), third.asString());

        // a newcomer queues behind the ticket, even once a place frees
        Response fourth = tryHold(null);
        assertEquals(429, fourth.statusCode());
        assertTrue(fourth.jsonPath().getString("detail").contains("1 ahead of you"), fourth.asString());
        started.forEach(id -> given().delete("/api/v1/jobs/" + id));
        assertEquals(429, tryHold(null).statusCode(), "one place free: the first ticket's");
        // the first ticket gets in, then the second, each with the ticket it was given
        assertEquals(202, Poll.value("the first ticket to get in", Duration.ofSeconds(20), () -> {
            Response r = tryHold(ticket);
            return r.statusCode() == 202 ? r : null;
        }).statusCode());
        String second = fourth.header("Pixelwise-Ticket");
        Poll.until("the second ticket to get in", Duration.ofSeconds(30), () -> tryHold(second).statusCode() == 202);
    }

    private static Response tryHold(String ticket) {
        var spec = given().multiPart("task", "test-hold").multiPart("holdMs", "10")
                .multiPart("image", TestImages.photo("cat.bmp").toFile());
        if (ticket != null) {
            spec.header("Pixelwise-Ticket", ticket);
        }
        return spec.when().post("/api/v1/jobs");
    }

    @Test
    void cancellingARunningJobFreesTheWorker() throws InterruptedException {
        String id = hold(60_000);
        awaitStatus(id, Duration.ofSeconds(5), "running");
        given().delete("/api/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("cancelled"));
        // The single worker must be free again: a short job runs to completion.
        String next = hold(50);
        assertEquals("succeeded", awaitStatus(next, Duration.ofSeconds(5), "succeeded", "failed"));
        assertEquals("cancelled", status(id), "a cancelled job stays cancelled");
    }

    @Test
    void cancellingAQueuedJobNeverRunsIt() throws InterruptedException {
        String running = hold(60_000);
        awaitStatus(running, Duration.ofSeconds(5), "running");
        String queued = hold(10);
        assertEquals("queued", status(queued));
        given().delete("/api/v1/jobs/" + queued).then().statusCode(200).body("status", equalTo("cancelled"));
        given().delete("/api/v1/jobs/" + running).then().statusCode(200);
        // The single worker is free: a job submitted now runs after anything still queued before it.
        String next = hold(10);
        assertEquals("succeeded", awaitStatus(next, Duration.ofSeconds(5), "succeeded", "failed"));
        given().get("/api/v1/jobs/" + queued).then().body("status", equalTo("cancelled")).body("startedAt", equalTo(null));
    }

    @Test
    void aRunawayJobIsStoppedByTheTimeoutAndTheWorkerLivesOn() throws InterruptedException {
        String id = hold(60_000);
        assertEquals("failed", awaitStatus(id, Duration.ofSeconds(10), "failed", "succeeded"));
        given().get("/api/v1/jobs/" + id).then()
                .body("error.status", equalTo(503))
                .body("error.type", org.hamcrest.Matchers.endsWith("job-timeout"));
        String next = hold(20);
        assertEquals("succeeded", awaitStatus(next, Duration.ofSeconds(5), "succeeded", "failed"));
    }

    @Test
    void aThrowingJobFailsAloneAndTheWorkerLivesOn() throws InterruptedException {
        String bad = submit("test-hold", "explode", true);
        assertEquals("failed", awaitStatus(bad, Duration.ofSeconds(5), "failed", "succeeded"));
        given().get("/api/v1/jobs/" + bad).then().body("error.status", equalTo(500)).body("error.detail", notNullValue());
        String good = hold(20);
        assertEquals("succeeded", awaitStatus(good, Duration.ofSeconds(5), "succeeded", "failed"));
    }

    @Test
    void finishedJobsAndTheirFilesExpire() throws InterruptedException {
        String id = submit("inspect");
        assertEquals("succeeded", awaitStatus(id, Duration.ofSeconds(10), "succeeded", "failed"));
        Path dir = Path.of("target/pixelwise-tight-data/jobs", id);
        assertTrue(Files.exists(dir.resolve("thumbnail.png")), "files exist before expiry");
        assertTrue(Files.exists(dir.resolve("input")), "the uploaded original is kept until expiry");
        Poll.until("the job folder, with the uploaded original, deleted after the TTL", Duration.ofSeconds(10),
                () -> !Files.exists(dir));
        given().get("/api/v1/jobs/" + id).then().statusCode(404);
    }
}
