package dev.pixelwise;

import dev.pixelwise.zoo.ModelZoo;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

/**
 * Runs the server, or with the argument {@code fetch-models} only materialises the model zoo
 * (verified against the recorded checksums) and exits 0 when every model is available.
 */
@QuarkusMain
public class PixelwiseMain implements QuarkusApplication {

    @Inject
    ModelZoo zoo;

    @Override
    public int run(String... args) {
        if (args.length > 0 && args[0].equals("fetch-models")) {
            var failed = zoo.fetchAll();
            zoo.cards().forEach(c -> System.out.printf("%-20s %-10s %s%n", c.id(), c.state(), c.reason() == null ? "" : c.reason()));
            return failed.isEmpty() ? 0 : 1;
        }
        Quarkus.waitForExit();
        return 0;
    }
}
