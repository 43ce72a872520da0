package dev.pixelwise.work;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the pool has a worker; reports its size and backlog. */
@Readiness
@ApplicationScoped
public class WorkerPoolHealth implements HealthCheck {

    private final WorkerPool pool;

    public WorkerPoolHealth(WorkerPool pool) {
        this.pool = pool;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("worker-pool")
                .status(pool.workers() > 0)
                .withData("device", "cpu")
                .withData("workers", pool.workers())
                .withData("queued", pool.queued())
                .build();
    }
}
