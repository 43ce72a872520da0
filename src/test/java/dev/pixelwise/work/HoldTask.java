package dev.pixelwise.work;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A test-only task that keeps its worker busy for {@code holdMs}, reporting progress, so pool
 * behaviour (queue full, cancel, timeout, a throwing job) can be driven through the real API.
 */
@ApplicationScoped
public class HoldTask implements Task<HoldTask.Options> {

    static final OptionSpec HOLD = OptionSpec.integer("holdMs", "Hold (ms)", 1000, 0, 600_000, "How long to keep the worker");
    static final OptionSpec EXPLODE = OptionSpec.bool("explode", "Throw", false, "Throw instead of finishing");

    record Options(int holdMs, boolean explode) {
    }

    @Override
    public String name() {
        return "test-hold";
    }

    @Override
    public String title() {
        return "Hold (test)";
    }

    @Override
    public String description() {
        return "Test task that occupies a worker.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(HOLD, EXPLODE);
    }

    @Override
    public Class<?> resultType() {
        return java.util.Map.class;
    }

    @Override
    public Options parseOptions(JobOptions options) {
        return new Options(options.integer(HOLD), options.bool(EXPLODE));
    }

    @Override
    public Object run(JobContext context, Options options) {
        if (options.explode()) {
            throw new IllegalStateException("boom");
        }
        long start = System.nanoTime();
        long holdNanos = options.holdMs() * 1_000_000L;
        long elapsed;
        while ((elapsed = System.nanoTime() - start) < holdNanos) {
            context.progress((double) elapsed / holdNanos);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new CancellationException("interrupted");
            }
        }
        return java.util.Map.of("heldMs", options.holdMs());
    }
}
