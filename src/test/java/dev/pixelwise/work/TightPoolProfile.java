package dev.pixelwise.work;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** One worker, a queue of one, short timeout and TTL: pool limits become observable in a test. */
public class TightPoolProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pixelwise.jobs.workers", "1",
                "pixelwise.jobs.queue-capacity", "1",
                "pixelwise.jobs.timeout", "3s",
                "pixelwise.jobs.ttl", "2s",
                "pixelwise.jobs.sweep-interval", "1s",
                "pixelwise.jobs.data-dir", "target/pixelwise-tight-data");
    }
}
