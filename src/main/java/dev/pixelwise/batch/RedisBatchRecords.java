package dev.pixelwise.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

import java.time.Duration;
import java.util.Optional;

/**
 * In the multi-node mode a batch is fed by the node that took it; every other API node answers for it
 * from the copy that node writes to Redis after each change (and asks it to cancel through a flag).
 */
final class RedisBatchRecords {

    private final ValueCommands<String, String> values;
    private final String prefix;
    private final ObjectMapper json;
    private final Duration keep;

    RedisBatchRecords(RedisDataSource redis, String prefix, ObjectMapper json, Duration keep) {
        this.values = redis.value(String.class);
        this.prefix = prefix;
        this.json = json;
        this.keep = keep;
    }

    private String key(String id) {
        return prefix + ":batch:" + id;
    }

    void save(BatchView batch) {
        try {
            values.set(key(batch.id()), json.writeValueAsString(batch), new SetArgs().ex(keep));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A batch could not be written as JSON", e);
        }
    }

    Optional<BatchView> load(String id) {
        String raw = values.get(key(id));
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(raw, BatchView.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The copy of batch " + id + " in Redis is not readable", e);
        }
    }

    void requestCancel(String id) {
        values.set(key(id) + ":cancel", "1", new SetArgs().ex(keep));
    }

    boolean cancelRequested(String id) {
        return values.get(key(id) + ":cancel") != null;
    }
}
