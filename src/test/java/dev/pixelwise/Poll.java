package dev.pixelwise;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded polling for tests that wait on another thread or process: asks again every few
 * milliseconds, and fails naming what never happened once the limit passes. The limit only bounds
 * a failure; a passing test waits exactly as long as the thing takes.
 */
public final class Poll {

    private static final long EVERY_MILLIS = 20;

    private Poll() {
    }

    /** Returns once {@code condition} holds; fails with "{@code what} within N s" otherwise. */
    public static void until(String what, Duration limit, BooleanSupplier condition) {
        value(what, limit, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** The first non-null answer of {@code probe}; fails with "{@code what} within N s" when there is none in time. */
    public static <T> T value(String what, Duration limit, Supplier<T> probe) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            T answer = probe.get();
            if (answer != null) {
                return answer;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("expected " + what + " within " + limit.toMillis() + " ms; it did not happen");
            }
            try {
                Thread.sleep(EVERY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
