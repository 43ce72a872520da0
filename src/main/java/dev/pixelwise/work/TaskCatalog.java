package dev.pixelwise.work;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every {@link Task} bean by name, in name order: intake and the Redis store look tasks up here. */
@ApplicationScoped
class TaskCatalog {

    private final Map<String, Task<?>> byName = new LinkedHashMap<>();

    TaskCatalog(Instance<Task<?>> available) {
        available.stream().sorted(Comparator.comparing(Task::name)).forEach(t -> byName.put(t.name(), t));
    }

    Collection<Task<?>> all() {
        return byName.values();
    }

    Set<String> names() {
        return byName.keySet();
    }

    Optional<Task<?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
