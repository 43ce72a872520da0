package dev.pixelwise.work;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Several nodes of the packaged jar sharing a real Redis: an API node, worker nodes (one of them
 * also serving the API), jobs moving between them, a worker killed with SIGKILL mid-job, and a
 * job that keeps killing its workers. Runs in {@code verify}, after the jar is built.
 *
 * <p>The nodes are started once and shared, but no test relies on what another left: each first
 * asks {@link #cluster} for the nodes it needs (starting missing ones, stopping extra workers, and
 * Redis if it is down), so the tests pass in any order or alone.
 */
class RedisClusterIT {

    private static final Path WORK = Path.of("target", "redis-it");
    private static final Duration VISIBILITY = Duration.ofSeconds(3);
    private static final Path REDIS_DATA = WORK.resolve("redis-data");
    private static final String KEY_ONE = "it-key-one-0123456789";
    private static final String KEY_TWO = "it-key-two-0123456789";
    /** The Redis restart test's own key, so that its requests do not spend the rate test's budgets. */
    private static final String KEY_THREE = "it-key-three-0123456789";
    /** Requests per minute per key on the keyed API nodes: a token every 15 s, far longer than a burst of requests. */
    private static final int PER_MINUTE = 4;
    private static Process redis;
    private static int redisPort;
    private static final Map<String, Node> nodes = new LinkedHashMap<>();
    private static File slowImage;
    private static File quickImage;

    private record Node(String name, int port, Process process) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        Files.createDirectories(WORK);
        Path server = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(server)) {
            fail("This test needs Debian's redis-server (apt-get install redis-server; .ci/run installs it)");
        }
        redisPort = freePort();
        deleteTree(REDIS_DATA); // an append-only file of an earlier run would bring its jobs back
        try (var logs = Files.list(WORK)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.delete(log); // the tests read the nodes' logs of this run
            }
        }
        Files.createDirectories(REDIS_DATA);
        startRedis();

        slowImage = WORK.resolve("noise.png").toFile();
        ImageIO.write(noise(1600, 1200), "png", slowImage);
        quickImage = WORK.resolve("small.png").toFile();
        ImageIO.write(noise(96, 64), "png", quickImage);

        // started together: the JVMs boot in parallel
        start("api-1", "api");
        start("worker-a", "worker");
        start("worker-b", "all");
        for (Node n : nodes.values()) {
            awaitReady(n);
        }
    }

    @AfterAll
    static void stopCluster() {
        nodes.values().forEach(n -> n.process().destroyForcibly());
        if (redis != null) {
            redis.destroyForcibly();
        }
    }

    @Test
    void anyApiNodeAnswersForAnyJobAndItsEvents() throws Exception {
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        Node other = nodes.get("worker-b");
        JsonPath job = given().baseUri(api.url()).multiPart("image", quickImage).multiPart("k", "4")
                .post("/api/v1/quantize").then().statusCode(200).extract().jsonPath();
        String id = job.getString("id");
        assertEquals("succeeded", job.getString("status"));
        assertTrue(List.of("worker-a", "worker-b").contains(job.getString("worker")), job.getString("worker"));

        JsonPath seen = given().baseUri(other.url()).get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("succeeded", seen.getString("status"));
        assertEquals(job.getList("files"), seen.getList("files"));
        byte[] png = given().baseUri(other.url()).get("/api/v1/jobs/" + id + "/files/k4.png").then().statusCode(200)
                .contentType("image/png").extract().asByteArray();
        assertEquals(job.getList("result.variants").size(), 1);
        assertTrue(png.length > 8 && png[1] == 'P', "a PNG from the other node");
        given().baseUri(other.url()).get("/jobs/" + id).then().statusCode(200);

        // a job submitted to one node, watched on another: the stream ends with the final state
        String slowId = submit(api, slowImage, Map.of("k", "64", "restarts", "2"));
        List<String> events = sse(other.url() + "/api/v1/jobs/" + slowId + "/events", Duration.ofSeconds(120));
        assertTrue(events.size() >= 2, "events " + events.size());
        assertTrue(events.get(events.size() - 1).contains("\"status\":\"succeeded\""), events.get(events.size() - 1));
    }

    @Test
    void cancellingOnOneApiNodeStopsTheJobOnItsWorker() throws Exception {
        cluster("worker-a", "worker-b");
        String id = submit(nodes.get("worker-b"), slowImage, slowOptions());
        JsonPath running = awaitJob(nodes.get("api-1"), id, j -> "running".equals(j.getString("status")) && j.getDouble("progress") > 0);
        given().baseUri(nodes.get("api-1").url()).delete("/api/v1/jobs/" + id).then().statusCode(200);
        awaitJob(nodes.get("worker-b"), id, j -> "cancelled".equals(j.getString("status")));
        // the worker stopped: a quick job now finishes without waiting out the slow one
        String quick = submit(nodes.get("api-1"), quickImage, Map.of("k", "4"));
        awaitJob(nodes.get("api-1"), quick, j -> "succeeded".equals(j.getString("status")));
        assertTrue(List.of("worker-a", "worker-b").contains(running.getString("worker")));
    }

    @Test
    void aFullSharedQueueIs429OnEveryApiNode() throws Exception {
        cluster("worker-a", "worker-b"); // exactly two workers: two jobs running and two waiting fill the queue
        List<String> ids = new ArrayList<>();
        try {
            // two workers busy, two jobs waiting: the queue (capacity 2) is full for everyone
            ids.add(submit(nodes.get("api-1"), slowImage, slowOptions()));
            ids.add(submit(nodes.get("api-1"), slowImage, slowOptions()));
            for (String id : ids) {
                awaitJob(nodes.get("api-1"), id, j -> "running".equals(j.getString("status")));
            }
            ids.add(submit(nodes.get("api-1"), slowImage, slowOptions()));
            ids.add(submit(nodes.get("worker-b"), slowImage, slowOptions()));
            for (Node n : List.of(nodes.get("api-1"), nodes.get("worker-b"))) {
                Response full = given().baseUri(n.url()).multiPart("task", "quantize").multiPart("image", quickImage)
                        .post("/api/v1/jobs");
                assertEquals(429, full.statusCode(), n.name() + ": " + full.asString());
                assertTrue(Long.parseLong(full.header("Retry-After")) >= 1);
                assertEquals("application/problem+json", full.contentType());
            }
        } finally {
            ids.forEach(id -> given().baseUri(nodes.get("api-1").url()).delete("/api/v1/jobs/" + id));
        }
    }

    @Test
    void aWorkerKilledMidJobLosesNothingAndTheJobFinishesOnce() throws Exception {
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        String id = submit(api, slowImage, slowOptions());
        JsonPath running = awaitJob(api, id, j -> "running".equals(j.getString("status")) && j.getDouble("progress") > 0.05);
        String victim = running.getString("worker");
        kill(victim);

        JsonPath done = awaitJob(api, id, j -> j.getString("status").matches("succeeded|failed|cancelled"));
        assertEquals("succeeded", done.getString("status"), done.prettify());
        assertNotEquals(victim, done.getString("worker"), "another worker took it over");
        assertEquals(2, done.getInt("attempts"));
        assertEquals("1", redisCli("HGET", "pixelwise:job:" + id, "completions"), "finished exactly once");
    }

    @Test
    void aBatchRunsOnBothWorkersAnyApiNodeFollowsItAndAKilledWorkerLosesNoImage() throws Exception {
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        var request = given().baseUri(api.url()).multiPart("task", "quantize").multiPart("formats", "png");
        slowOptions().forEach(request::multiPart);
        byte[] slow = Files.readAllBytes(slowImage.toPath());
        int n = 3;
        for (int i = 0; i < n; i++) {
            request.multiPart("image", "noise-" + i + ".png", slow, "image/png");
        }
        String id = request.post("/api/v1/batches").then().statusCode(202).extract().jsonPath().getString("id");

        // two children at once (the batch window is 2): one on each worker; kill the worker of one mid-job
        String[] victim = new String[2];
        waitFor("two children running on both workers", () -> {
            JsonPath b = given().baseUri(api.url()).get("/api/v1/batches/" + id).then().statusCode(200).extract().jsonPath();
            List<String> workers = new ArrayList<>();
            for (String job : b.<String>getList("jobs.id")) {
                if (job == null) {
                    continue;
                }
                JsonPath j = given().baseUri(api.url()).get("/api/v1/jobs/" + job).then().extract().jsonPath();
                if ("running".equals(j.getString("status")) && j.getDouble("progress") > 0.05) {
                    workers.add(j.getString("worker"));
                    victim[0] = j.getString("worker");
                    victim[1] = job;
                }
            }
            return workers.size() == 2 && !workers.get(0).equals(workers.get(1));
        }, Duration.ofSeconds(180));
        kill(victim[0]);

        // the node that did not take the batch follows it from its copy in Redis (if it is not the one killed)
        Node follower = victim[0].equals("worker-b") ? api : nodes.get("worker-b");
        JsonPath[] last = new JsonPath[1];
        waitFor("batch " + id + " to finish", () -> {
            last[0] = given().baseUri(follower.url()).get("/api/v1/batches/" + id).then().statusCode(200).extract().jsonPath();
            return last[0].getString("status").equals("finished");
        }, Duration.ofSeconds(300));
        assertEquals(n, last[0].getInt("succeeded"), last[0].prettify());
        JsonPath moved = given().baseUri(api.url()).get("/api/v1/jobs/" + victim[1]).then().extract().jsonPath();
        assertEquals(2, moved.getInt("attempts"), "the killed worker's child ran again");
        assertNotEquals(victim[0], moved.getString("worker"));

        byte[] archive = given().baseUri(follower.url()).get("/api/v1/batches/" + id + "/archive").then().statusCode(200)
                .extract().asByteArray();
        List<String> names = new ArrayList<>();
        try (var zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(archive))) {
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
        }
        for (int i = 0; i < n; i++) {
            String png = String.format("%03d-noise-%d.png/k256.png", i + 1, i);
            assertTrue(names.contains(png), "every image's file, wherever it ran: " + names);
        }
        assertTrue(names.contains("results.csv"), names.toString());
    }

    @Test
    void aCollectionMadeThroughOneNodeIsEveryNodes() throws Exception {
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        Node other = nodes.get("worker-b"); // serves the API too
        String id = given().baseUri(api.url()).contentType("application/json").body("{\"name\":\"shared\"}")
                .post("/api/v1/collections").then().statusCode(201).extract().path("id");
        given().baseUri(other.url()).get("/api/v1/collections/" + id).then().statusCode(200)
                .body("name", org.hamcrest.Matchers.equalTo("shared"));
        given().baseUri(other.url()).contentType("application/json").body("{\"threshold\":0.55}")
                .patch("/api/v1/collections/" + id).then().statusCode(200);
        JsonPath seen = given().baseUri(api.url()).get("/api/v1/collections/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(0.55, seen.getDouble("threshold"), 1e-9, "a change on one node is seen on the other");
        assertTrue(given().baseUri(other.url()).get("/api/v1/collections").jsonPath().getList("id").contains(id));
        given().baseUri(api.url()).delete("/api/v1/collections/" + id).then().statusCode(204);
        given().baseUri(other.url()).get("/api/v1/collections/" + id).then().statusCode(404);
        assertTrue(!given().baseUri(other.url()).get("/api/v1/collections").jsonPath().getList("id").contains(id));
    }

    @Test
    void aWorkerStoppedGracefullyHandsItsRunningJobBack() throws Exception {
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        String id = submit(api, slowImage, slowOptions());
        JsonPath running = awaitJob(api, id, j -> "running".equals(j.getString("status")) && j.getDouble("progress") > 0.05);
        String stopped = running.getString("worker");
        Node n = nodes.remove(stopped);
        n.process().destroy(); // SIGTERM: shutdown-grace (1 s) is too short for the job, so it goes back to the queue
        n.process().waitFor();
        JsonPath done = awaitJob(api, id, j -> j.getString("status").matches("succeeded|failed|cancelled"));
        assertEquals("succeeded", done.getString("status"), done.prettify());
        assertNotEquals(stopped, done.getString("worker"));
        assertEquals(1, done.getInt("attempts"), "a hand-back is not a failed attempt");
        assertEquals("1", redisCli("HGET", "pixelwise:job:" + id, "completions"));
        String log = Files.readString(WORK.resolve(stopped + ".log"));
        assertTrue(log.contains("Job " + id + " went back to the queue at shutdown"), "the stopped node's log says so");
    }

    @Test
    void aJobThatKeepsKillingItsWorkersFailsAsPoison() throws Exception {
        cluster("worker-a", "worker-b", "worker-c"); // max-attempts is 2: one worker survives the two kills
        Node api = nodes.get("api-1");
        String id = submit(api, slowImage, slowOptions());
        for (int attempt = 1; attempt <= 2; attempt++) {
            int a = attempt;
            JsonPath running = awaitJob(api, id, j -> "running".equals(j.getString("status")) && j.getInt("attempts") == a
                    && j.getDouble("progress") > 0);
            kill(running.getString("worker"));
        }
        JsonPath failed = awaitJob(api, id, j -> j.getString("status").matches("succeeded|failed|cancelled"));
        assertEquals("failed", failed.getString("status"), failed.prettify());
        assertTrue(failed.getString("error.type").endsWith("/poison-job"), failed.getString("error.type"));
        assertTrue(failed.getString("error.detail").contains("2 times"), failed.getString("error.detail"));
        assertEquals("0", redisCli("HGET", "pixelwise:job:" + id, "completions"), "no attempt finished it");
        // the surviving worker is fine and takes new work
        String quick = submit(api, quickImage, Map.of("k", "4"));
        awaitJob(api, quick, j -> "succeeded".equals(j.getString("status")));
    }

    @Test
    void aSynchronousRequestThatOutlastsItsTimeoutIs202() throws Exception {
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        var req = given().baseUri(api.url()).multiPart("image", slowImage).multiPart("timeout", "1");
        slowOptions().forEach(req::multiPart);
        Response r = req.post("/api/v1/quantize");
        try {
            // the job is read again once the wait is over (off the event loop, where Redis reads cannot block)
            assertEquals(202, r.statusCode(), r.asString());
            assertTrue(List.of("queued", "running").contains(r.jsonPath().getString("status")), r.asString());
        } finally {
            given().baseUri(api.url()).delete("/api/v1/jobs/" + r.jsonPath().getString("id"));
        }
    }

    @Test
    void aKeysRateIsOneBudgetAcrossEveryApiNode() throws Exception {
        cluster("worker-a", "worker-b");
        List<Node> both = keyedNodes();
        int allowed = 0;
        for (int i = 0; i < 2 * PER_MINUTE; i++) {
            Response r = given().baseUri(both.get(i % 2).url()).header("X-Api-Key", KEY_ONE).get("/api/v1/tasks");
            if (r.statusCode() == 200) {
                allowed++;
            } else {
                assertEquals(429, r.statusCode(), r.asString());
            }
        }
        assertEquals(PER_MINUTE, allowed, "the key's budget is shared by both nodes, not one budget per node");
        for (Node n : both) {
            Response over = given().baseUri(n.url()).header("X-Api-Key", KEY_ONE).get("/api/v1/tasks");
            assertEquals(429, over.statusCode(), n.name());
            assertEquals("application/problem+json", over.contentType());
            long retryAfter = Long.parseLong(over.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60 / PER_MINUTE, "Retry-After " + retryAfter);
        }
        given().baseUri(both.get(1).url()).header("X-Api-Key", KEY_TWO).get("/api/v1/tasks").then().statusCode(200);
        given().baseUri(both.get(0).url()).get("/api/v1/tasks").then().statusCode(401);
    }

    @Test
    void afterRedisRestartsNoAcceptedJobIsLostAndEveryEndpointWorksAgain() throws Exception {
        // One story: jobs accepted, Redis killed, requests during the outage, Redis back, everything works.
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        Node keyed = keyedNodes().get(0);
        List<String> watched = List.of("api-1", "worker-a", "worker-b");
        Map<String, Long> logBefore = new HashMap<>();
        for (String name : watched) {
            logBefore.put(name, Files.size(WORK.resolve(name + ".log"))); // what the nodes log from here on is this test's
        }
        List<String> accepted = List.of(submit(api, slowImage, slowOptions()), submit(api, slowImage, slowOptions()));
        for (String id : accepted) {
            awaitJob(api, id, j -> "running".equals(j.getString("status")) && j.getDouble("progress") > 0);
        }

        redis.destroyForcibly(); // SIGKILL: what survives is what the append-only file has
        redis.waitFor();
        List<Response> during = List.of(
                given().baseUri(api.url()).multiPart("task", "quantize").multiPart("image", quickImage).post("/api/v1/jobs"),
                given().baseUri(api.url()).multiPart("image", quickImage).multiPart("k", "4").post("/api/v1/quantize"),
                given().baseUri(api.url()).get("/api/v1/jobs/" + accepted.get(0)),
                given().baseUri(keyed.url()).header("X-Api-Key", KEY_THREE).get("/api/v1/tasks")); // the shared rate limit
        for (Response r : during) {
            assertEquals(503, r.statusCode(), r.asString());
            assertEquals("application/problem+json", r.contentType());
            assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
        }

        startRedis();
        waitFor("the API after the restart", () -> given().baseUri(api.url()).get("/api/v1/jobs/" + accepted.get(0))
                .statusCode() == 200, Duration.ofSeconds(20));
        for (Node n : List.of(api, keyed)) {
            long started = System.nanoTime();
            JsonPath sync = given().baseUri(n.url()).header("X-Api-Key", KEY_THREE).multiPart("image", quickImage)
                    .multiPart("k", "4").multiPart("timeout", "180").post("/api/v1/quantize")
                    .then().statusCode(200).extract().jsonPath();
            assertEquals("succeeded", sync.getString("status"), n.name());
            // heard of through the job events (subscribed to again), not read after the 180 s wait; the margin is wide
            // because the two slow jobs still hold the 2-core machine's workers (once a quick job took over 30 s)
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 150, n.name() + " waited for its timeout");
        }
        String id = submit(api, quickImage, Map.of("k", "4"));
        List<String> events = sse(api.url() + "/api/v1/jobs/" + id + "/events", Duration.ofSeconds(60));
        assertTrue(events.get(events.size() - 1).contains("\"status\":\"succeeded\""), events.get(events.size() - 1));
        given().baseUri(api.url()).get("/jobs/" + id).then().statusCode(200);
        given().baseUri(api.url()).get("/api/v1/jobs/" + id + "/files/k4.png").then().statusCode(200).contentType("image/png");

        for (String accept : accepted) {
            JsonPath done = awaitJob(api, accept, j -> j.getString("status").matches("succeeded|failed|cancelled"));
            assertEquals("succeeded", done.getString("status"), done.prettify());
            assertEquals("1", redisCli("HGET", "pixelwise:job:" + accept, "completions"), "finished exactly once");
        }
        for (String name : List.of("worker-a", "worker-b")) {
            assertTrue(logSince(name, logBefore.get(name)).contains("Subscribed to pixelwise:cancel again"), name);
        }
        assertTrue(logSince("api-1", logBefore.get("api-1")).contains("Subscribed to pixelwise:events again"));
    }

    @Test
    void afterRedisLosesItsDataOldJobsAre404AndNewOnesRunWithoutANodeRestart() throws Exception {
        cluster("worker-a", "worker-b");
        Node api = nodes.get("api-1");
        String old = submit(api, quickImage, Map.of("k", "4"));
        awaitJob(api, old, j -> "succeeded".equals(j.getString("status")));
        redis.destroyForcibly();
        redis.waitFor();
        deleteTree(REDIS_DATA); // a new, empty server: every key is gone, the workers' group too
        Files.createDirectories(REDIS_DATA);
        startRedis();
        waitFor("the API after the data loss", () -> given().baseUri(api.url()).get("/api/v1/jobs/" + old).statusCode() == 404,
                Duration.ofSeconds(20));
        JsonPath sync = given().baseUri(api.url()).multiPart("image", quickImage).multiPart("k", "4").post("/api/v1/quantize")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("succeeded", sync.getString("status"));
        given().baseUri(api.url()).get("/q/health/ready").then().statusCode(200);
    }

    // ---- the cluster ----

    private static Map<String, String> slowOptions() {
        return Map.of("k", "256", "restarts", "4", "tolerance", "0", "maxIterations", "1000");
    }

    /**
     * Brings the cluster to what a test starts from: Redis up (a test that stopped it may have
     * failed before starting it again), the API node api-1, and exactly the named worker nodes
     * (worker-b also serves the API). Missing nodes are started, extra workers stopped with SIGTERM.
     */
    private static void cluster(String... workers) throws IOException, InterruptedException {
        if (redis == null || !redis.isAlive()) {
            startRedis();
        }
        List<String> wanted = new ArrayList<>(List.of("api-1"));
        wanted.addAll(List.of(workers));
        for (String name : List.copyOf(nodes.keySet())) {
            Node n = nodes.get(name);
            if (!n.process().isAlive() || (name.startsWith("worker-") && !wanted.contains(name))) {
                stop(name);
            }
        }
        for (String name : wanted) {
            if (!nodes.containsKey(name)) {
                start(name, name.equals("api-1") ? "api" : name.equals("worker-b") ? "all" : "worker");
            }
        }
        for (String name : wanted) { // started together above: the JVMs boot in parallel
            awaitReady(nodes.get(name));
        }
    }

    /** Two more API nodes, which require a key and limit each key's rate; started on first use. Call {@link #cluster} first. */
    private static List<Node> keyedNodes() throws IOException, InterruptedException {
        String[] keyed = {"-Dpixelwise.auth.api-keys=" + String.join(",", KEY_ONE, KEY_TWO, KEY_THREE),
                "-Dpixelwise.auth.rate-limit=" + PER_MINUTE};
        for (String name : List.of("keyed-1", "keyed-2")) {
            Node n = nodes.get(name);
            if (n != null && !n.process().isAlive()) {
                stop(name);
            }
            if (!nodes.containsKey(name)) {
                start(name, "api", keyed);
            }
        }
        List<Node> both = List.of(nodes.get("keyed-1"), nodes.get("keyed-2"));
        for (Node n : both) {
            awaitReady(n);
        }
        return both;
    }

    /** SIGTERM, then SIGKILL if the node has not exited within a minute. */
    private static void stop(String name) throws InterruptedException {
        Node n = nodes.remove(name);
        n.process().destroy();
        if (!n.process().waitFor(60, TimeUnit.SECONDS)) {
            n.process().destroyForcibly().waitFor();
        }
    }

    /** What a node logged after the given offset into its log file. */
    private static String logSince(String name, long offset) throws IOException {
        byte[] log = Files.readAllBytes(WORK.resolve(name + ".log"));
        return new String(log, (int) Math.min(offset, log.length), (int) Math.max(0, log.length - offset), StandardCharsets.UTF_8);
    }

    /** As docker-compose.yml runs it: an append-only file, written to disk every second. */
    private static void startRedis() throws IOException {
        redis = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", REDIS_DATA.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(WORK.resolve("redis.log").toFile()))
                .start();
        waitFor("redis", () -> redisCli("PING").equals("PONG"), Duration.ofSeconds(20));
    }

    private static void start(String name, String role, String... properties) throws IOException {
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("pixelwise.jar", "target/quarkus-app/quarkus-run.jar");
        Path data = WORK.resolve(name + "-data");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g",
                "-Dpixelwise.queue=redis", "-Dpixelwise.role=" + role, "-Dpixelwise.node-name=" + name,
                "-Dquarkus.redis.hosts=redis://127.0.0.1:" + redisPort,
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dpixelwise.jobs.data-dir=" + data.toAbsolutePath(),
                "-Dpixelwise.jobs.workers=1", "-Dpixelwise.jobs.queue-capacity=2", "-Dpixelwise.batches.window=2", "-Dpixelwise.jobs.shutdown-grace=1s",
                "-Dpixelwise.redis.visibility-timeout=" + VISIBILITY.toSeconds() + "s", "-Dpixelwise.redis.max-attempts=2",
                "-Dpixelwise.zoo.fetch-on-start=false"));
        cmd.addAll(List.of(properties));
        cmd.addAll(List.of("-jar", jar));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(WORK.resolve(name + ".log").toFile())).start();
        nodes.put(name, new Node(name, port, p));
    }

    private static void kill(String name) throws InterruptedException {
        Node n = nodes.remove(name);
        assertTrue(n != null, "no node " + name);
        n.process().destroyForcibly(); // SIGKILL: no shutdown hook, no chance to hand the job back
        n.process().waitFor();
    }

    private static void awaitReady(Node n) {
        waitFor(n.name(), () -> {
            if (!n.process().isAlive()) {
                fail(n.name() + " exited; see " + WORK.resolve(n.name() + ".log"));
            }
            try {
                return RestAssured.given().baseUri(n.url()).get("/q/health/ready").statusCode() == 200;
            } catch (Exception e) { // not listening yet
                return false;
            }
        }, Duration.ofSeconds(120));
    }

    private static String submit(Node n, File image, Map<String, String> options) {
        var req = given().baseUri(n.url()).multiPart("task", "quantize").multiPart("image", image);
        options.forEach(req::multiPart);
        return req.post("/api/v1/jobs").then().statusCode(202).extract().jsonPath().getString("id");
    }

    private static JsonPath awaitJob(Node n, String id, Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        waitFor("job " + id, () -> {
            last[0] = given().baseUri(n.url()).get("/api/v1/jobs/" + id).then().statusCode(200).extract().jsonPath();
            return condition.test(last[0]);
        }, Duration.ofSeconds(180));
        return last[0];
    }

    private static List<String> sse(String url, Duration limit) throws Exception {
        HttpResponse<java.io.InputStream> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(limit).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, res.statusCode());
        List<String> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data:")) {
                    events.add(line.substring(5));
                }
            }
        }
        return events;
    }

    private static String redisCli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(redisPort)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier ready, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what); // not a wait that succeeded
            }
        }
        fail(what + " not ready within " + limit.toSeconds() + " s");
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A gradient with noise: many colours, so k-means has real work. */
    private static BufferedImage noise(int w, int h) {
        Random random = new Random(7);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = clamp(x * 255 / w + (int) (random.nextGaussian() * 40));
                int g = clamp(y * 255 / h + (int) (random.nextGaussian() * 40));
                int b = clamp((x + y) % 256 + (int) (random.nextGaussian() * 40));
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
