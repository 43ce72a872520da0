package dev.pixelwise.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * Optional API keys for {@code /api/**}. Off unless keys are given, which is right for the local
 * app; a shared deployment sets {@code PIXELWISE_AUTH_API_KEYS=key1,key2}. Checked at start-up by
 * {@link ApiKeyFilter}.
 */
@ConfigMapping(prefix = "pixelwise.auth")
public interface AuthConfig {

    /** Accepted keys, each at least 16 characters; none (the default) turns key checks off. */
    Optional<List<String>> apiKeys();

    /**
     * Requests per minute per key, as a token bucket holding one minute's worth: a key may burst
     * this many requests, then gets one more every 60/rate seconds. With {@code pixelwise.queue=redis}
     * the buckets live in Redis, so this is the rate across all API nodes together.
     */
    @WithDefault("120")
    int rateLimit();
}
