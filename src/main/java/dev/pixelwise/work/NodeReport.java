package dev.pixelwise.work;

import dev.pixelwise.zoo.Devices;
import dev.pixelwise.zoo.NativeBuild;
import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeMap;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the about page shows of this node: its place in the deployment, its devices and how busy
 * the queue is.
 *
 * @param backend    ND4J's backend class; null on an API-only node, which never loads it
 * @param taskLimits the most workers each task may hold at once on this node
 * @param nativeBuild the native build of ND4J in use and what the CPU offers; null on an API-only node
 */
@TemplateData
public record NodeReport(String node, String role, String queue, String backend, List<Devices.Device> devices,
                         int workersPerDevice, int workers, int busy, long queued, Map<String, Integer> taskLimits,
                         String javaVersion, String nd4jVersion, NativeBuild nativeBuild) {

    static NodeReport of(Node node, WorkerPool pool, long queued, Collection<Task<?>> tasks, int workersPerDevice) {
        String nd4j = Nd4j.class.getPackage().getImplementationVersion();
        if (!node.runsWorkers()) {
            return new NodeReport(node.name(), lower(node.role()), lower(node.queue()), null, List.of(), 0, 0, 0, queued,
                    Map.of(), Runtime.version().toString(), nd4j, null);
        }
        Map<String, Integer> limits = new TreeMap<>();
        for (Task<?> t : tasks) {
            limits.put(t.name(), pool.limitFor(t.name(), t.heavy()));
        }
        return new NodeReport(node.name(), lower(node.role()), lower(node.queue()), Devices.backend(), pool.devices(),
                workersPerDevice, pool.workers(), pool.busy(), queued, limits, Runtime.version().toString(), nd4j,
                NativeBuild.current());
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
