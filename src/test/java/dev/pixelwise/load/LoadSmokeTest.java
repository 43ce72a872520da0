package dev.pixelwise.load;

import dev.pixelwise.TestModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short load run against the test server through {@link LoadRun}'s static API: 8 clients for
 * 8 s over every task. Asserts only what must hold on any machine, however slow: every answer is
 * 2xx, 429 or 503, back-pressure answers say when to come back, every task completes jobs, every
 * accepted job ends, and the heap stays under its maximum. No timing thresholds.
 */
@QuarkusTest
class LoadSmokeTest {

    /** The only 503 the API answers at submit time; it has no Retry-After because nobody knows when a model returns. */
    static final List<String> UNTIMED_503 = List.of("model-unavailable");

    @TestHTTPResource("/")
    URI base;

    @Test
    void mixedLoadGetsOnlyExpectedAnswers() throws InterruptedException {
        TestModels.awaitFetched();
        Path dataDir = Path.of(ConfigProvider.getConfig().getValue("pixelwise.jobs.data-dir", String.class));
        LoadRun.Options options = LoadRun.Options.defaults(base)
                .withClients(8)
                .withDuration(Duration.ofSeconds(8))
                .withDataDir(dataDir)
                .withSampling(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1))
                .withAppPid(ProcessHandle.current().pid()) // the test server runs in this JVM
                .withPrimeRounds(1)
                .withJsonOut(Path.of("target/load/smoke-test.json"));

        LoadRun.Summary s = LoadRun.run(options);
        LoadRun.print(s, System.out);

        String context = "HTTP " + s.http() + ", problems " + s.problems() + ", samples " + s.unexpectedSamples();
        assertEquals(0, s.httpOther(), "answers other than 2xx/429/503: " + context);
        assertTrue(s.http2xx() > 0, context);
        s.problems().forEach((key, n) -> {
            // key: "<status> <problem type> retry-after|no-retry-after"
            String[] parts = key.split(" ");
            boolean retryAfter = parts[2].equals("retry-after");
            if (parts[0].equals("429")) {
                assertTrue(retryAfter, n + "× 429 without Retry-After (" + parts[1] + ")");
            } else if (parts[0].equals("503")) {
                assertTrue(retryAfter || UNTIMED_503.contains(parts[1]), n + "× 503 " + parts[1] + " without Retry-After");
            }
        });
        assertEquals(0, s.unexpected(), "unexpected answers, failed or cancelled jobs: " + s.unexpectedSamples());
        assertTrue(s.hungJobs().isEmpty(), "jobs that never ended: " + s.hungJobs());
        for (String task : options.mix().keySet()) {
            LoadRun.TaskSummary t = s.tasks().get(task);
            assertTrue(t != null && t.succeeded() > 0, task + " completed no job: " + t);
            t.failures().keySet().forEach(f -> assertTrue(f.startsWith("503 "), task + " job failed with " + f));
        }

        MetricsSampler.Report r = s.resources();
        assertTrue(r.samples() >= 2, "the sampler read /q/metrics");
        assertTrue(r.heapMaxBytes() > 0, "heap max reported");
        assertTrue(r.heapUsed().max() > 0 && r.heapUsed().max() < r.heapMaxBytes(),
                "heap used " + r.heapUsed() + " of " + r.heapMaxBytes());
        assertTrue(r.threads().max() > 0 && r.openFiles().max() > 0, "threads " + r.threads() + ", files " + r.openFiles());
        assertTrue(r.filesOnDisk().max() > 0, "jobs left files in " + dataDir);
    }

}
