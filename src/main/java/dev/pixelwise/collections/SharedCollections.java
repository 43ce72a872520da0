package dev.pixelwise.collections;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.RedisCalls;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.set.SetCommands;
import io.quarkus.redis.datasource.value.ValueCommands;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Collections in Redis for the multi-node mode, so a collection made through one API node answers on
 * every node and every worker classifies with it. Each collection is its stored JSON (the file format)
 * under one key and a version under another, bumped on every change: a node keeps what it built from
 * the JSON (the trained head, the evaluation) until the version moves. Changes to one collection are
 * serialised across nodes by a lock key with an expiry, so a node that dies holding it blocks nobody.
 */
final class SharedCollections {

    private static final Logger LOG = Logger.getLogger(SharedCollections.class);
    private static final Duration LOCK_HOLD = Duration.ofSeconds(60);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final ValueCommands<String, String> values;
    private final SetCommands<String, String> sets;
    private final KeyCommands<String> keys;
    private final String prefix;
    private final ObjectMapper json;
    private final RedisDataSource redis;

    SharedCollections(RedisDataSource redis, String prefix, ObjectMapper json) {
        this.redis = redis;
        this.values = redis.value(String.class);
        this.sets = redis.set(String.class);
        this.keys = redis.key();
        this.prefix = prefix;
        this.json = json;
    }

    private String key(String id) {
        return prefix + ":collection:" + id;
    }

    private String all() {
        return prefix + ":collections";
    }

    /** The collection's version, 0 when there is none. */
    long version(String id) {
        return guarded(() -> {
            String v = values.get(key(id) + ":version");
            return v == null ? 0L : Long.parseLong(v);
        });
    }

    CollectionStore.Stored load(String id) {
        return guarded(() -> {
            String raw = values.get(key(id));
            try {
                return raw == null ? null : json.readValue(raw, CollectionStore.Stored.class);
            } catch (JsonProcessingException e) {
                LOG.warnf("Collection %s in Redis is not readable: %s", id, e.getMessage());
                return null;
            }
        });
    }

    Set<String> ids() {
        return guarded(() -> sets.smembers(all()));
    }

    /** Writes the collection and returns its new version. */
    long save(CollectionStore.Stored stored) {
        return guarded(() -> {
            try {
                values.set(key(stored.id()), json.writeValueAsString(stored));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("A collection could not be written as JSON", e);
            }
            sets.sadd(all(), stored.id());
            return values.incr(key(stored.id()) + ":version");
        });
    }

    void delete(String id) {
        guarded(() -> {
            sets.srem(all(), id);
            keys.del(key(id), key(id) + ":version");
            return null;
        });
    }

    /** Runs {@code change} holding the collection's lock on every node. */
    <T> T locked(String id, Supplier<T> change) {
        String lock = key(id) + ":lock";
        String me = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        while (!guarded(() -> redis.execute("SET", lock, me, "NX", "PX", Long.toString(LOCK_HOLD.toMillis())) != null)) {
            if (System.nanoTime() > deadline) {
                throw new AppException.QueueUnavailable("The collection is being changed by another request; retry shortly", null);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppException.QueueUnavailable("Interrupted while waiting for the collection", e);
            }
        }
        try {
            return change.get();
        } finally {
            try {
                if (me.equals(values.get(lock))) {
                    keys.del(lock);
                }
            } catch (RuntimeException e) {
                LOG.debugf("Collection lock %s left to expire: %s", id, e.toString());
            }
        }
    }

    private static <T> T guarded(Supplier<T> call) {
        return RedisCalls.guarded("collection store", call);
    }
}
