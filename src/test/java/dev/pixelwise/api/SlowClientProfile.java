package dev.pixelwise.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A 2 s idle timeout and a 5 s upload deadline, so slow clients are cut off within a test; one job
 * worker and four request threads, so a slow upload that held either would be seen at once.
 */
public class SlowClientProfile implements QuarkusTestProfile {

    static final long IDLE_TIMEOUT_MS = 2000;
    static final long UPLOAD_TIMEOUT_MS = 5000;
    static final String DATA_DIR = "target/pixelwise-slow-data";
    static final int REQUEST_THREADS = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.http.idle-timeout", IDLE_TIMEOUT_MS + "ms",
                "pixelwise.limits.upload-timeout", UPLOAD_TIMEOUT_MS + "ms",
                "pixelwise.jobs.workers", "1",
                "quarkus.thread-pool.max-threads", String.valueOf(REQUEST_THREADS),
                "pixelwise.jobs.data-dir", DATA_DIR,
                "pixelwise.zoo.fetch-on-start", "false");
    }
}
