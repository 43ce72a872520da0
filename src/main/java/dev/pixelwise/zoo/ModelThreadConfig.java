package dev.pixelwise.zoo;

import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/**
 * How many {@link ModelThread}s this node runs, and whether they arrange the cores for inference.
 *
 * <p>{@link Unremovable}: Quarkus registers a mapping that nothing injects only when so marked, and
 * ModelThread looks it up (a static class, not a bean); without it the app fell back to system properties
 * and the environment, ignoring application.properties.
 */
@Unremovable
@ConfigMapping(prefix = "pixelwise")
public interface ModelThreadConfig {

    /** {@code pixelwise.model-threads}; unset: 1, or 2 on a worker node (see {@link #threads()}). */
    @WithName("model-threads")
    Optional<Integer> modelThreads();

    /**
     * {@code pixelwise.core-sharing}: pin ND4J's OpenMP threads to cores and run the JIT compiler threads at
     * the lowest priority ({@link CoreSharing}). On in the app; off outside it (see {@link ModelThread}).
     */
    @WithName("core-sharing")
    @WithDefault("true")
    boolean coreSharing();

    /** {@code pixelwise.role} (see {@code work.Node}): all, web or worker. */
    @WithDefault("all")
    String role();

    /**
     * The model threads to run: as set, else 2 on a node with {@code pixelwise.role=worker} (it serves no
     * one directly and is busy whenever the shared queue has work, which is the saturated case), else 1.
     */
    default int threads() {
        return Math.max(1, modelThreads().orElse("worker".equals(role()) ? 2 : 1));
    }
}
