package dev.pixelwise.zoo;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Reports each model's state (fetching, loading, ...). Models are optional, so this never fails readiness. */
@Readiness
@ApplicationScoped
public class ZooHealth implements HealthCheck {

    private final ModelZoo zoo;

    public ZooHealth(ModelZoo zoo) {
        this.zoo = zoo;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("model-zoo").up();
        zoo.cards().forEach(c -> b.withData(c.id(), c.state()));
        return b.build();
    }
}
