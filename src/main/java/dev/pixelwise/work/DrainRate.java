package dev.pixelwise.work;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How fast jobs leave a queue, measured over a sliding window, and how many clients were just
 * turned away: the basis of {@code Retry-After}.
 */
final class DrainRate {

    private static final long REFUSAL_WINDOW_NANOS = Duration.ofSeconds(1).toNanos();

    private final long windowNanos;
    private final Deque<Long> finishes = new ArrayDeque<>();
    private final Deque<Long> refusals = new ArrayDeque<>();

    DrainRate(Duration window) {
        this.windowNanos = window.toNanos();
    }

    synchronized void record() {
        long now = System.nanoTime();
        finishes.addLast(now);
        trim(now);
    }

    /** A client was answered 429. */
    synchronized void recordRefusal() {
        long now = System.nanoTime();
        refusals.addLast(now);
        trim(now);
    }

    /**
     * Seconds until a slot is likely free for this client: the mean gap between recent finishes
     * (or the fallback estimate while fewer than two were seen), times the clients refused in the
     * last second plus this one, since they are all waiting for the same slots. Telling every
     * refused client "1 s" would have them all come back together and most be refused again.
     */
    synchronized long retryAfterSeconds(double fallbackSeconds) {
        long now = System.nanoTime();
        trim(now);
        double gap;
        if (finishes.size() >= 2) {
            gap = (now - finishes.peekFirst()) / 1e9 / finishes.size();
        } else {
            gap = fallbackSeconds;
        }
        return Math.max(1, Math.min(600, (long) Math.ceil(gap * (refusals.size() + 1))));
    }

    /** Mean seconds between recent finishes: how long the queue takes to free one place. */
    synchronized double gapSeconds(double fallbackSeconds) {
        long now = System.nanoTime();
        trim(now);
        return finishes.size() >= 2 ? (now - finishes.peekFirst()) / 1e9 / finishes.size() : fallbackSeconds;
    }

    private void trim(long now) {
        while (!finishes.isEmpty() && now - finishes.peekFirst() > windowNanos) {
            finishes.removeFirst();
        }
        while (finishes.size() > 4096) {
            finishes.removeFirst();
        }
        while (!refusals.isEmpty() && now - refusals.peekFirst() > REFUSAL_WINDOW_NANOS) {
            refusals.removeFirst();
        }
        while (refusals.size() > 4096) {
            refusals.removeFirst();
        }
    }
}
