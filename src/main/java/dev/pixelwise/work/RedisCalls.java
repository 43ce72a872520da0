package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * The one way a Redis call that a request waits on fails: Redis down, or its connection pool
 * saturated, is a retryable 503 that names what is unavailable (the job queue, the collection store,
 * the batch store), never a 500. Problems the call raises on purpose pass through as they are.
 */
public final class RedisCalls {

    private static final Logger LOG = Logger.getLogger(RedisCalls.class);

    private RedisCalls() {
    }

    public static <T> T guarded(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AppException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warnf("Redis call for the %s failed: %s", what, e.toString());
            throw new AppException.QueueUnavailable("The " + what + " is unavailable or too busy right now; retry shortly", e);
        }
    }
}
