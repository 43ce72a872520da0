package dev.pixelwise.api;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shared bucket script against a real redis-server. The buckets refill one token an hour, so
 * the time a test takes changes nothing; elapsed time is simulated by moving the bucket's last
 * refill back.
 */
class RedisTokenBucketsTest {

    private static final Path SERVER = Path.of("/usr/bin/redis-server");
    private static final int CAPACITY = 3;
    private static final double PER_SECOND = 1 / 3600.0;
    private static final long HOUR_MICROS = 3_600_000_000L;

    private static Process server;
    private static Vertx vertx;
    private static ReactiveRedisDataSource redis;
    private static RedisTokenBuckets buckets;

    @BeforeAll
    static void startRedis() throws Exception {
        assumeTrue(Files.isExecutable(SERVER), "needs Debian's redis-server (apt-get install redis-server)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = new ProcessBuilder(SERVER.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                redis.execute("PING").await().atMost(Duration.ofSeconds(1));
                break;
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
        buckets = new RedisTokenBuckets(redis, "test");
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (server != null) {
            server.destroyForcibly();
        }
    }

    private static RedisTokenBuckets.Take take(String bucket) {
        return buckets.take(bucket, CAPACITY, PER_SECOND).await().atMost(Duration.ofSeconds(10));
    }

    /** Pretends the last refill was this much earlier. */
    private static void age(String bucket, long micros) {
        String key = "test:rate:" + bucket;
        long at = Long.parseLong(redis.execute("HGET", key, "at").await().atMost(Duration.ofSeconds(10)).toString());
        redis.execute("HSET", key, "at", Long.toString(at - micros)).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aNewBucketIsFullThenSaysHowLongUntilTheNextToken() {
        for (int left = CAPACITY - 1; left >= 0; left--) {
            RedisTokenBuckets.Take t = take("burst");
            assertTrue(t.taken());
            assertEquals(left, t.remaining());
        }
        RedisTokenBuckets.Take refused = take("burst");
        assertFalse(refused.taken());
        assertEquals(0, refused.remaining());
        // a whole token is missing, less the moments the test itself took
        assertTrue(refused.waitMicros() <= HOUR_MICROS && refused.waitMicros() > HOUR_MICROS - 60_000_000L,
                "wait " + refused.waitMicros());
        assertTrue(refused.retryAfterSeconds() > 3540 && refused.retryAfterSeconds() <= 3600, "Retry-After " + refused.retryAfterSeconds());
        assertFalse(take("burst").taken(), "a refusal takes nothing and gives nothing back");
    }

    @Test
    void itRefillsByTheTimeElapsedUpToItsCapacity() {
        for (int i = 0; i < CAPACITY; i++) {
            take("refill");
        }
        age("refill", 2 * HOUR_MICROS);
        RedisTokenBuckets.Take t = take("refill");
        assertTrue(t.taken());
        assertEquals(1, t.remaining(), "two tokens back, one taken");
        age("refill", 10 * HOUR_MICROS);
        assertEquals(CAPACITY - 1, take("refill").remaining(), "never more than the capacity");
    }

    @Test
    void bucketsAreSeparateAndGoOnceTheyWouldBeFullAgain() {
        for (int i = 0; i <= CAPACITY; i++) {
            take("first");
        }
        assertTrue(take("second").taken());
        long ttl = redis.execute("PTTL", "test:rate:second").await().atMost(Duration.ofSeconds(10)).toLong();
        // one token short: an hour until full, plus a second
        assertTrue(ttl > 3_590_000 && ttl <= 3_601_000, "PTTL " + ttl);
    }
}
