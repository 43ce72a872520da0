package dev.pixelwise.work;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Arrays;
import java.util.Locale;

/**
 * What this process is in a deployment: where jobs queue ({@code pixelwise.queue}: {@code local}
 * memory, or {@code redis} shared by several nodes) and what it does ({@code pixelwise.role}:
 * {@code api} takes uploads and answers, {@code worker} runs jobs, {@code all} both).
 */
@ApplicationScoped
public class Node {

    public enum Queue { LOCAL, REDIS }

    public enum Role { ALL, API, WORKER }

    private final Queue queue;
    private final Role role;
    private final String name;

    public Node(@ConfigProperty(name = "pixelwise.queue", defaultValue = "local") String queue,
                @ConfigProperty(name = "pixelwise.role", defaultValue = "all") String role,
                @ConfigProperty(name = "pixelwise.node-name") Optional<String> name) {
        this.queue = parse(Queue.class, "pixelwise.queue", queue);
        this.role = parse(Role.class, "pixelwise.role", role);
        if (this.queue == Queue.LOCAL && this.role != Role.ALL) {
            throw new IllegalStateException("pixelwise.role=" + role + " needs a shared queue: set pixelwise.queue=redis");
        }
        this.name = name.filter(n -> !n.isBlank()).orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
    }

    public Queue queue() {
        return queue;
    }

    public Role role() {
        return role;
    }

    /** Shown as the job's worker; unique per process by default (pid@host). */
    public String name() {
        return name;
    }

    public boolean runsWorkers() {
        return role != Role.API;
    }

    public boolean servesApi() {
        return role != Role.WORKER;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + " must be one of " + Arrays.toString(type.getEnumConstants())
                    .toLowerCase(Locale.ROOT) + ", was '" + value + "'");
        }
    }
}
