package dev.pixelwise.web;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** API keys on, so the pages need unlocking; a budget no test reaches. */
public class PageKeysProfile implements QuarkusTestProfile {

    static final String KEY = "page-key-3e8d1c07b9a2f465";
    static final String OTHER_KEY = "page-key-other-52f0a9c4e1d7b386";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pixelwise.auth.api-keys", String.join(",", OTHER_KEY, KEY),
                "pixelwise.auth.rate-limit", "600",
                "pixelwise.zoo.fetch-on-start", "false",
                "pixelwise.jobs.data-dir", "target/pixelwise-pagekeys-data");
    }
}
