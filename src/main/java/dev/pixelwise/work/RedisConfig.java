package dev.pixelwise.work;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The shared queue of several nodes ({@code pixelwise.queue=redis}); the server is {@code quarkus.redis.hosts}. */
@ConfigMapping(prefix = "pixelwise.redis")
public interface RedisConfig {

    /** Prefix of every key and channel, so deployments can share a server. */
    @WithDefault("pixelwise")
    String prefix();

    /**
     * A job whose worker stopped renewing its claim for this long is taken over by another
     * worker (a running worker renews every third of it).
     */
    @WithDefault("30s")
    Duration visibilityTimeout();

    /** A job that has been started this many times (each start ended by a dead worker) fails as poison. */
    @WithDefault("3")
    int maxAttempts();
}
