package dev.pixelwise.collections;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Two API keys with room for a test's requests; no model is needed. */
public class CollectionKeysProfile implements QuarkusTestProfile {

    static final String KEY_A = "collection-key-a-5d1c9e0b27f4";
    static final String KEY_B = "collection-key-b-8a3f61d4c0e9";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pixelwise.auth.api-keys", KEY_A + "," + KEY_B,
                "pixelwise.auth.rate-limit", "600",
                "pixelwise.zoo.fetch-on-start", "false",
                "pixelwise.jobs.data-dir", "target/pixelwise-collection-keys-data");
    }
}
