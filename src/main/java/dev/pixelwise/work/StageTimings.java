package dev.pixelwise.work;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's stage times: whole milliseconds for its result's {@code timingsMs}, and each stage's exact time
 * recorded as the {@code pixelwise.job.stage} metric (tags task, stage, model) on {@code /q/metrics}. Why both:
 * the JSON keeps whole milliseconds, which cannot tell a 5.1 ms forward pass from a 5.9 ms one; the metric's
 * sum does, for an operator and for bench/classify-server.sh. Every task times its stages here.
 */
public final class StageTimings {

    /** Told each stage's time, in nanoseconds. */
    @FunctionalInterface
    interface Recorder {
        void record(String stage, long nanos);
    }

    private final Map<String, Long> millis = new LinkedHashMap<>();
    private final Recorder recorder;

    StageTimings(Recorder recorder) {
        this.recorder = recorder;
    }

    /** Ends stage {@code stage}, begun at {@code startNanos} (a {@link System#nanoTime()} reading); its whole milliseconds. */
    public long stop(String stage, long startNanos) {
        long ms = record(stage, startNanos);
        millis.put(stage, ms);
        return ms;
    }

    /**
     * One more run of stage {@code stage}, begun at {@code startNanos}: its whole milliseconds are added to the
     * stage's (a quantize job's k values each encode, say), its exact time recorded as one more observation.
     * Returns this run's whole milliseconds.
     */
    public long add(String stage, long startNanos) {
        long ms = record(stage, startNanos);
        millis.merge(stage, ms, Long::sum);
        return ms;
    }

    /** Records the time since {@code startNanos} as one observation of {@code stage}; its whole milliseconds. */
    private long record(String stage, long startNanos) {
        long nanos = System.nanoTime() - startNanos;
        recorder.record(stage, nanos);
        return nanos / 1_000_000;
    }

    /** The stages so far, in the order they ended, in whole milliseconds: a result's {@code timingsMs}. */
    public Map<String, Long> millis() {
        return millis;
    }
}
