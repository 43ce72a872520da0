package dev.pixelwise.zoo;

import org.eclipse.microprofile.config.Config;

/**
 * How many {@link ModelThread}s this node runs, and whether they arrange the cores for inference.
 *
 * <p>Read with plain config lookups, not a {@code @ConfigMapping}: Quarkus registers a mapping only where one
 * is injected (ModelThread is a static class, not a bean), and a mapping of the {@code pixelwise} prefix,
 * once registered, makes every other {@code pixelwise.*} system property an unknown key that stops start-up.
 *
 * @param threads     {@code pixelwise.model-threads}; unset: 2 on a node with {@code pixelwise.role=worker} (it
 *                    serves no one directly and is busy whenever the shared queue has work, which is the saturated
 *                    case), else 1
 * @param coreSharing {@code pixelwise.core-sharing}: pin ND4J's OpenMP threads to cores and run the JIT compiler
 *                    threads at the lowest priority ({@link CoreSharing}); unset: on in the app, off outside it
 */
public record ModelThreadConfig(int threads, boolean coreSharing) {

    /** The settings in {@code config}; {@code app}: whether this is the app (the default of core-sharing). */
    public static ModelThreadConfig from(Config config, boolean app) {
        String role = config.getOptionalValue("pixelwise.role", String.class).orElse("all");
        int threads = config.getOptionalValue("pixelwise.model-threads", Integer.class).orElse("worker".equals(role) ? 2 : 1);
        return new ModelThreadConfig(Math.max(1, threads),
                config.getOptionalValue("pixelwise.core-sharing", Boolean.class).orElse(app));
    }
}
