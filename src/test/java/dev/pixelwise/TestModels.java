package dev.pixelwise;

import java.time.Duration;

import static io.restassured.RestAssured.given;

/** Models are fetched in the background at start-up; tests that need them wait here first. */
public final class TestModels {

    private TestModels() {
    }

    /** Waits (up to ten minutes) until each model has left the missing/fetching states; fails if one failed. */
    public static void awaitFetched(String... ids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        for (String id : ids) {
            String state;
            do {
                state = given().get("/api/v1/models").then().extract().path("find { it.id == '" + id + "' }.state");
                if (state == null || state.equals("failed")) {
                    throw new AssertionError(id + " is " + state + ": " + given().get("/api/v1/models").asString());
                }
                if (state.equals("missing") || state.equals("fetching")) {
                    Thread.sleep(250);
                }
            } while ((state.equals("missing") || state.equals("fetching")) && System.nanoTime() < deadline);
        }
    }
}
