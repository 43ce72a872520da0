package dev.pixelwise.work;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** How fast jobs leave a queue, measured over a sliding window; the basis of {@code Retry-After}. */
final class DrainRate {

    private final long windowNanos;
    private final Deque<Long> finishes = new ArrayDeque<>();

    DrainRate(Duration window) {
        this.windowNanos = window.toNanos();
    }

    synchronized void record() {
        long now = System.nanoTime();
        finishes.addLast(now);
        trim(now);
    }

    /**
     * Seconds until one more slot is likely free: the mean gap between recent finishes, or the
     * fallback estimate while fewer than two finishes were seen in the window.
     */
    synchronized long retryAfterSeconds(double fallbackSeconds) {
        long now = System.nanoTime();
        trim(now);
        double seconds;
        if (finishes.size() >= 2) {
            seconds = (now - finishes.peekFirst()) / 1e9 / finishes.size();
        } else {
            seconds = fallbackSeconds;
        }
        return Math.max(1, Math.min(600, (long) Math.ceil(seconds)));
    }

    private void trim(long now) {
        while (!finishes.isEmpty() && now - finishes.peekFirst() > windowNanos) {
            finishes.removeFirst();
        }
        while (finishes.size() > 4096) {
            finishes.removeFirst();
        }
    }
}
