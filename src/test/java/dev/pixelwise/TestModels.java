package dev.pixelwise;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Models are fetched in the background at start-up; tests that need them wait here first. */
public final class TestModels {

    static final Duration LIMIT = Duration.ofMinutes(10);

    private TestModels() {
    }

    /**
     * Waits until each named model (every model when none is named) has left the missing/fetching
     * states. Fails when one failed, or when one is still not there after ten minutes.
     */
    public static void awaitFetched(String... ids) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            List<Map<String, Object>> models = given().get("/api/v1/models").then().statusCode(200).extract().path("$");
            boolean settled = true;
            for (Map<String, Object> m : models) {
                if (ids.length > 0 && !List.of(ids).contains(String.valueOf(m.get("id")))) {
                    continue;
                }
                String state = String.valueOf(m.get("state"));
                if (state.equals("failed")) {
                    throw new AssertionError("model " + m.get("id") + " failed to fetch: " + m.get("reason"));
                }
                settled &= !state.equals("missing") && !state.equals("fetching");
            }
            for (String id : ids) {
                if (models.stream().noneMatch(m -> id.equals(m.get("id")))) {
                    throw new AssertionError("no model " + id + " in " + models);
                }
            }
            if (settled) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("models still fetching after " + LIMIT.toMinutes() + " min: " + models);
            }
            Thread.sleep(250);
        }
    }
}
