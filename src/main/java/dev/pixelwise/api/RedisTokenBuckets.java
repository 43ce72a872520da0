package dev.pixelwise.api;

import dev.pixelwise.work.RedisConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The API keys' token buckets kept in Redis ({@code pixelwise.queue=redis}), so every API node
 * of a deployment draws on one budget per key; a bucket in each node's memory would give N nodes
 * N times the rate. Non-blocking: the key check runs on the event loop.
 */
@ApplicationScoped
public class RedisTokenBuckets {

    /**
     * Refills by the time elapsed since the last take, takes a token if there is one, and answers
     * {tokens left (whole), microseconds until the next token (0 when one was taken)}. Time is
     * Redis's own clock (TIME), so the nodes' clocks never have to agree. A bucket that would be
     * full again is left to expire: a missing bucket is a full one.
     * KEYS[1] the bucket; ARGV[1] capacity; ARGV[2] tokens per second.
     */
    static final String TAKE = """
            local capacity = tonumber(ARGV[1])
            local perMicro = tonumber(ARGV[2]) / 1000000
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(b[1]) or capacity
            local at = tonumber(b[2]) or now
            if now > at then
              tokens = math.min(capacity, tokens + (now - at) * perMicro)
              at = now
            end
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
            else
              wait = math.ceil((1 - tokens) / perMicro)
            end
            redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.0f', at))
            redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMicro / 1000) + 1000)
            return {math.floor(tokens), wait}
            """;

    /** The outcome of one take: tokens left, and how long until the next one when none was taken. */
    record Take(long remaining, long waitMicros) {
        boolean taken() {
            return waitMicros == 0;
        }

        long retryAfterSeconds() {
            return Math.max(1, (waitMicros + 999_999) / 1_000_000);
        }
    }

    private final ReactiveRedisDataSource redis;
    private final String prefix;

    @Inject
    public RedisTokenBuckets(ReactiveRedisDataSource redis, RedisConfig config) {
        this(redis, config.prefix());
    }

    RedisTokenBuckets(ReactiveRedisDataSource redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    /** Takes a token from the named bucket, which holds {@code capacity} and refills {@code perSecond}. */
    Uni<Take> take(String bucket, int capacity, double perSecond) {
        return redis.execute("EVAL", TAKE, "1", prefix + ":rate:" + bucket, Integer.toString(capacity),
                Double.toString(perSecond)).map(RedisTokenBuckets::take);
    }

    private static Take take(Response r) {
        return new Take(r.get(0).toLong(), r.get(1).toLong());
    }
}
