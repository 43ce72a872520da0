package dev.pixelwise.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Three API keys and a budget of four requests a minute each, so the limit is reached in a test. */
public class ApiKeysProfile implements QuarkusTestProfile {

    static final String KEY_ONE = "key-one-7f3c2a91d04e58b6";
    static final String KEY_TWO = "key-two-1b9e64c0a7d35f28";
    static final String KEY_THREE = "key-three-c58a0e2f96b14d73";
    static final int PER_MINUTE = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "pixelwise.auth.api-keys", String.join(",", KEY_ONE, KEY_TWO, KEY_THREE),
                "pixelwise.auth.rate-limit", String.valueOf(PER_MINUTE),
                "pixelwise.zoo.fetch-on-start", "false",
                "pixelwise.jobs.data-dir", "target/pixelwise-keys-data");
    }
}
