package dev.pixelwise.work;

import dev.pixelwise.zoo.Devices;
import dev.pixelwise.zoo.NativeBuild;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import dev.pixelwise.problem.AppException;
import java.util.Locale;

/**
 * Ready while jobs can be queued and run: the node's devices and workers (worker nodes), and
 * the shared queue's reachability and backlog (Redis). An API-only node never loads ND4J here. A worker
 * node also says which native build of ND4J runs and what the CPU offers it ({@link NativeBuild}).
 */
@Readiness
@ApplicationScoped
public class WorkerPoolHealth implements HealthCheck {

    private final Node node;
    private final Instance<WorkerPool> pool;
    private final JobService jobs;
    private final Instance<RedisJobStore> redis;

    public WorkerPoolHealth(Node node, Instance<WorkerPool> pool, JobService jobs, Instance<RedisJobStore> redis) {
        this.node = node;
        this.pool = pool;
        this.jobs = jobs;
        this.redis = redis;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("worker-pool").up()
                .withData("node", node.name())
                .withData("role", node.role().name().toLowerCase(Locale.ROOT))
                .withData("queue", node.queue().name().toLowerCase(Locale.ROOT));
        if (node.runsWorkers()) {
            WorkerPool p = pool.get();
            try {
                for (Devices.Device d : p.devices()) {
                    b.withData("device." + d.index(), d.name() + ", " + (d.totalMemory() >> 20) + " MiB"
                            + (d.freeMemory() >= 0 ? " (" + (d.freeMemory() >> 20) + " MiB free)" : ""));
                }
                b.withData("backend", Devices.backend()).withData("workers", p.workers()).withData("busy", p.busy());
                NativeBuild nb = NativeBuild.current(); // issue #18: which native build, and why
                b.withData("nd4j.build", nb.build()).withData("nd4j.build.isa", nb.buildIsa())
                        .withData("nd4j.best.isa", nb.bestIsa()).withData("onednn.fusion", nb.onednnFusion())
                        .withData("precision.auto.upscale", nb.autoUpscale())
                        .withData("precision.auto.segment", nb.autoSegment())
                        .withData("openmp", nb.openmp()).withData("jit", nb.jit())
                        .withData("nd4j.build.reason", nb.reason());
                nb.cpuFeatures().forEach(f -> b.withData("cpu." + f.flag(), f.present()));
            } catch (AppException e) {
                return b.down().withData("error", e.getMessage()).build();
            }
        }
        try {
            if (node.queue() == Node.Queue.REDIS) {
                b.withData("redis", redis.get().redis().execute("PING").toString());
            }
            b.withData("queued", jobs.queued());
        } catch (RuntimeException e) {
            b.down().withData("error", "The job queue is unreachable: " + e.getMessage());
        }
        return b.build();
    }
}
