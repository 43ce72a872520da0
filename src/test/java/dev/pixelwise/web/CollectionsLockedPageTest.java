package dev.pixelwise.web;

import dev.pixelwise.api.Csrf;
import dev.pixelwise.api.PageSessions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static dev.pixelwise.web.PageKeysProfile.OTHER_KEY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * With API keys on: the Collections page needs unlocking like the other pages that run work, and its
 * script's calls (page session cookie + X-CSRF-Token, as collections.js sends them) make collections that
 * belong to the page's key.
 */
@QuarkusTest
@TestProfile(PageKeysProfile.class)
class CollectionsLockedPageTest {

    @Test
    void lockedWithoutASessionAndOwnedByThePagesKeyWithOne() {
        given().redirects().follow(false).get("/collections").then().statusCode(303)
                .header("Location", "/unlock?next=%2Fcollections");

        String session = PageLockTest.unlocked();
        PageForms forms = PageForms.loadWith("/collections", session);
        given().redirects().follow(false).cookie(PageSessions.COOKIE, session).get("/collections/0123456789abcdef01234567")
                .then().statusCode(200).body(containsString("data-collection-id=\"0123456789abcdef01234567\""));

        // Without the token the script's POST is refused readably; with it the collection is made.
        given().cookie(PageSessions.COOKIE, session).cookie(Csrf.COOKIE, forms.cookie()).contentType("application/json")
                .body("{\"name\":\"page pets\"}").post("/api/v1/collections").then().statusCode(403)
                .contentType(startsWith("application/problem+json"));
        String id = given().cookie(PageSessions.COOKIE, session).cookie(Csrf.COOKIE, forms.cookie())
                .header(Csrf.HEADER, forms.token()).contentType("application/json")
                .body("{\"name\":\"page pets\"}").post("/api/v1/collections").then().statusCode(201)
                .body("name", equalTo("page pets")).extract().path("id");
        given().cookie(PageSessions.COOKIE, session).get("/api/v1/collections").then().statusCode(200).body("id", hasItem(id));
        // Another key does not see it.
        given().header("X-Api-Key", OTHER_KEY).get("/api/v1/collections").then().statusCode(200).body("id", not(hasItem(id)));
        given().cookie(PageSessions.COOKIE, session).cookie(Csrf.COOKIE, forms.cookie()).header(Csrf.HEADER, forms.token())
                .delete("/api/v1/collections/" + id).then().statusCode(204);
    }
}
