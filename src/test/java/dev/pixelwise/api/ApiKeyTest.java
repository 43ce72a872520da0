package dev.pixelwise.api;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.pixelwise.api.ApiKeysProfile.KEY_ONE;
import static dev.pixelwise.api.ApiKeysProfile.KEY_THREE;
import static dev.pixelwise.api.ApiKeysProfile.KEY_TWO;
import static dev.pixelwise.api.ApiKeysProfile.PER_MINUTE;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With keys configured the API needs one; each key owns a token bucket. Each key below is used by
 * one test only, so the per-minute budget is never shared between tests.
 */
@QuarkusTest
@TestProfile(ApiKeysProfile.class)
class ApiKeyTest {

    @Test
    void withoutAKeyTheApiIs401WithABearerChallenge() {
        for (String path : List.of("/api/v1/tasks", "/api/v1/models", "/api/v1/jobs/AAAAAAAAAAAAAAAAAAAAAA")) {
            given().get(path).then().statusCode(401)
                    .contentType(startsWith("application/problem+json"))
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .header("X-Content-Type-Options", "nosniff")
                    .body("status", equalTo(401))
                    .body("type", endsWith("/unauthorized"));
        }
        // An upload is refused before its body is read.
        given().multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/inspect").then()
                .statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void aWrongKeyIs401InEitherHeaderAndIsNeverEchoed() {
        String wrong = "not-a-key-but-long-enough-0000";
        for (Response r : List.of(
                given().header("Authorization", "Bearer " + wrong).get("/api/v1/tasks"),
                given().header("X-Api-Key", wrong).get("/api/v1/tasks"),
                given().header("X-Api-Key", KEY_ONE + "x").get("/api/v1/tasks"),
                given().header("X-Api-Key", KEY_ONE.substring(0, KEY_ONE.length() - 1)).get("/api/v1/tasks"),
                given().header("Authorization", "Basic " + KEY_ONE).get("/api/v1/tasks"))) {
            r.then().statusCode(401)
                    .contentType(startsWith("application/problem+json"))
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .body(not(containsString(wrong)))
                    .body(not(containsString(KEY_ONE.substring(0, 12))));
        }
    }

    @Test
    void aValidKeyInEitherHeaderIsLetThrough() {
        given().header("Authorization", "Bearer " + KEY_ONE).get("/api/v1/tasks").then().statusCode(200)
                .body("inspect.title", org.hamcrest.Matchers.notNullValue());
        given().header("X-Api-Key", KEY_ONE).get("/api/v1/models").then().statusCode(200);
        given().header("Authorization", "bearer " + KEY_ONE) // the scheme is case-insensitive
                .multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/inspect").then()
                .statusCode(200).body("status", equalTo("succeeded"));
    }

    @Test
    void overTheRateIs429WithRetryAfterAndOtherKeysHaveTheirOwnBucket() {
        for (int i = 0; i < PER_MINUTE; i++) {
            given().header("X-Api-Key", KEY_TWO).get("/api/v1/tasks").then().statusCode(200);
        }
        Response over = given().header("X-Api-Key", KEY_TWO).get("/api/v1/tasks");
        over.then().statusCode(429)
                .contentType(startsWith("application/problem+json"))
                .body("type", endsWith("/rate-limited"));
        long retryAfter = Long.parseLong(over.header("Retry-After"));
        // One token comes back every 60/4 = 15 s.
        assertTrue(retryAfter >= 1 && retryAfter <= 60 / PER_MINUTE, "Retry-After " + retryAfter);
        assertEquals(retryAfter, over.jsonPath().getLong("retryAfter"));
        given().header("X-Api-Key", KEY_THREE).get("/api/v1/tasks").then().statusCode(200);
        given().header("X-Api-Key", KEY_TWO).get("/api/v1/tasks").then().statusCode(429);
    }

    @Test
    void pagesStaticHealthAndMetricsNeedNoKey() {
        // The pages that run jobs need the unlock page's session instead (dev.pixelwise.web.PageLockTest).
        given().redirects().follow(false).get("/").then().statusCode(303).header("Location", startsWith("/unlock"));
        given().get("/models").then().statusCode(200);
        given().get("/static/app.js").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    /** Several of these spellings do reach the API when a key is sent (Vert.x and JAX-RS fold them). */
    @Test
    void noSpellingOfAnApiPathGetsPastTheCheck() {
        for (String path : List.of("//api/v1/tasks", "/api//v1/tasks", "/api/./v1/tasks", "/static/../api/v1/tasks",
                "/%61pi/v1/tasks", "/api/v1/%74asks", "/API/v1/tasks", "/api/v1/tasks/", "/api/v1/tasks?x=1",
                "/api/v1/tasks;x=1", "/api;x/v1/tasks", "/api;/v1/tasks", "/API;x=1/v1/tasks", "/api/v1;x/tasks",
                "/api%2Fv1%2Ftasks", "/api%2fv1/tasks", "/%2Fapi/v1/tasks", "/api")) {
            int status = given().urlEncodingEnabled(false).get(path).statusCode();
            assertNotEquals(200, status, path);
            assertTrue(status == 401 || status == 404 || status == 400, path + " answered " + status);
        }
    }

    @Test
    void onlyApiPathsAreGuarded() {
        for (String path : List.of("/api", "/api/v1/tasks", "//api/v1", "/API/v1", "/api;x/v1", "/x/../api/v1", "/api%2Fv1",
                "/%61pi/v1", "/static/..%2Fapi/v1", "/a%ZZ")) {
            assertTrue(ApiKeyFilter.guards(path), path);
        }
        for (String path : List.of("/", "/jobs/AAAAAAAAAAAAAAAAAAAAAA", "/models", "/static/app.js", "/static/api.js",
                "/q/health/live", "/q/metrics", "/apis", "/rapid")) {
            assertFalse(ApiKeyFilter.guards(path), path);
        }
    }

    /** Fail closed: a page needs the unlock page's session unless it is one of the few that run nothing. */
    @Test
    void onlyPagesThatRunNothingOpenWithoutASession() {
        for (String path : List.of("/models", "/about", "/unlock", "/lock", "/static/app.js", "/q/health/live", "//models",
                "/Models", "/about;x=1")) {
            assertTrue(ApiKeyFilter.opensWithoutSession(path), path);
        }
        for (String path : List.of("/", "//", "/;x", "/jobs", "/jobs/AAAAAAAAAAAAAAAAAAAAAA", "/jobs/x/cancel", "/JOBS/x",
                "/models/%2e%2e/jobs", "/static/..%2Fjobs", "/a%ZZ", "/no-such-page", "/modelsx")) {
            assertFalse(ApiKeyFilter.opensWithoutSession(path), path);
        }
    }

    @Test
    void keysTooShortOrABadRateStopStartUp() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThrows(IllegalStateException.class, () -> new ApiKeyFilter(config(List.of("short"), 120), json, null));
        assertThrows(IllegalStateException.class, () -> new ApiKeyFilter(config(List.of(KEY_ONE), 0), json, null));
        new ApiKeyFilter(config(List.of(), 120), json, null); // off
    }

    private static AuthConfig config(List<String> keys, int rate) {
        return new AuthConfig() {
            @Override
            public Optional<List<String>> apiKeys() {
                return Optional.of(keys);
            }

            @Override
            public int rateLimit() {
                return rate;
            }
        };
    }
}
