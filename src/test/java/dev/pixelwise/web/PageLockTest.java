package dev.pixelwise.web;

import dev.pixelwise.api.Csrf;
import dev.pixelwise.TestImages;
import dev.pixelwise.api.PageSessions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.pixelwise.web.PageKeysProfile.KEY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With API keys on, the pages need a key typed once into the unlock page; their forms need the CSRF token. */
@QuarkusTest
@TestProfile(PageKeysProfile.class)
class PageLockTest {

    @Test
    void withoutASessionThePagesThatRunJobsGoToTheUnlockPage() {
        given().redirects().follow(false).get("/").then().statusCode(303).header("Location", "/unlock?next=%2F");
        given().redirects().follow(false).get("/jobs/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(303)
                .header("Location", "/unlock?next=%2Fjobs%2FAAAAAAAAAAAAAAAAAAAAAA");
        // The upload is refused before its body is read, and goes back to the form once unlocked.
        PageForms forms = PageForms.load("/unlock");
        given().redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .multiPart(Csrf.FIELD, forms.token()).multiPart("task", "inspect")
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(303).header("Location", "/unlock?next=%2F");
        for (String path : List.of("//", "/;x", "/%2F", "/jobs;x/AAAAAAAAAAAAAAAAAAAAAA", "/JOBS/AAAAAAAAAAAAAAAAAAAAAA",
                "/models/%2e%2e/jobs/x", "/no-such-page")) {
            int status = given().urlEncodingEnabled(false).redirects().follow(false).get(path).statusCode();
            assertEquals(303, status, path);
        }
        // What runs nothing stays open.
        for (String path : List.of("/models", "/about", "/static/app.js", "/q/health/live")) {
            given().get(path).then().statusCode(200);
        }
        given().get("/unlock").then().statusCode(200).contentType(startsWith("text/html"))
                .body(containsString("data-unlock-form"))
                .body(containsString("type=\"password\""));
    }

    @Test
    void aWrongKeyIsRefusedWithAReadableMessage() {
        PageForms forms = PageForms.load("/unlock");
        String wrong = "not-the-key-but-long-enough-1234";
        Response answer = given().redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token()).formParam("key", wrong).formParam("next", "/")
                .post("/unlock");
        answer.then().statusCode(401).contentType(startsWith("text/html"))
                .body(containsString("not one of this server"))
                .body(not(containsString(wrong)));
        assertNull(answer.getCookie(PageSessions.COOKIE), "no session for a wrong key");
    }

    @Test
    void theRightKeySetsAnHttpOnlyStrictCookieThatHoldsNoKey() {
        PageForms forms = PageForms.load("/unlock?next=%2F%3Ftask%3Dquantize");
        Response answer = given().redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token()).formParam("key", KEY).formParam("next", "/?task=quantize")
                .post("/unlock");
        answer.then().statusCode(303).header("Location", endsWithPath("/?task=quantize"));
        String setCookie = answer.headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(PageSessions.COOKIE + "=")).findFirst().orElse(null);
        assertNotNull(setCookie, answer.headers().toString());
        String attributes = setCookie.toLowerCase(java.util.Locale.ROOT); // Netty writes "HTTPOnly"
        assertTrue(attributes.contains("; httponly"), setCookie);
        assertTrue(attributes.contains("; samesite=strict"), setCookie);
        assertTrue(attributes.contains("; path=/"), setCookie);
        assertFalse(attributes.contains("; secure"), "plain HTTP here: " + setCookie);
        // The CSRF cookie is kept the same way.
        String csrfCookie = given().get("/unlock").headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(Csrf.COOKIE + "=")).findFirst().orElseThrow().toLowerCase(java.util.Locale.ROOT);
        assertTrue(csrfCookie.contains("; httponly") && csrfCookie.contains("; samesite=strict"), csrfCookie);
        String session = answer.getCookie(PageSessions.COOKIE);
        assertFalse(session.contains(KEY.substring(0, 10)), session);
        given().redirects().follow(false).cookie(PageSessions.COOKIE, session).get("/?task=quantize").then().statusCode(200)
                .body(containsString("data-upload-form"))
                .body(containsString("data-lock"));

        // An outside address in next is not followed.
        given().redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token()).formParam("key", KEY).formParam("next", "//evil.example/x")
                .post("/unlock").then().statusCode(303).header("Location", endsWithPath("/"));
    }

    @Test
    void withTheSessionAndTheTokenTheFormRunsAJob() {
        String session = unlocked();
        PageForms forms = PageForms.loadWith("/", session);
        String location = given().redirects().follow(false)
                .cookie(PageSessions.COOKIE, session).cookie(Csrf.COOKIE, forms.cookie())
                .multiPart(Csrf.FIELD, forms.token())
                .multiPart("task", "inspect")
                .multiPart("inspect.thumbnail", "64")
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(303).extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        // The page's own API calls go through on the session: the progress stream ends when the job does.
        String events = given().cookie(PageSessions.COOKIE, session).accept("text/event-stream")
                .get("/api/v1/jobs/" + id + "/events").then().statusCode(200).extract().asString();
        assertTrue(events.contains("\"succeeded\""), events);
        given().cookie(PageSessions.COOKIE, session).get("/api/v1/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("succeeded"));
        given().cookie(PageSessions.COOKIE, session).accept("text/html").get("/jobs/" + id).then().statusCode(200)
                .body(containsString("data-result"));
        // Without the session, neither the page nor the API shows it.
        given().redirects().follow(false).get("/jobs/" + id).then().statusCode(303);
        given().get("/api/v1/jobs/" + id).then().statusCode(401);
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefusedEvenWithASession() {
        String session = unlocked();
        PageForms forms = PageForms.loadWith("/", session);
        given().accept("text/html").redirects().follow(false)
                .cookie(PageSessions.COOKIE, session).cookie(Csrf.COOKIE, forms.cookie())
                .multiPart("task", "inspect")
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(403).contentType(startsWith("text/html"))
                .body(containsString("security token"));
        // Through the API, a session alone cannot start work: a page's script adds the header.
        String id = given().header("X-Api-Key", KEY).multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/api/v1/inspect").then().statusCode(200).extract().path("id");
        given().cookie(PageSessions.COOKIE, session).cookie(Csrf.COOKIE, forms.cookie())
                .formParam("k", "4").post("/api/v1/jobs/" + id + "/rerun").then().statusCode(403)
                .contentType(startsWith("application/problem+json"))
                .body("detail", containsString(Csrf.HEADER));
        // The unlock form itself needs the token (no logging a browser into someone's session).
        given().redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .formParam("key", KEY).post("/unlock").then().statusCode(403);
    }

    @Test
    void lockingClearsTheSessionAndAForgedOneIsNoSession() {
        String session = unlocked();
        PageForms forms = PageForms.loadWith("/", session);
        Response locked = given().redirects().follow(false)
                .cookie(PageSessions.COOKIE, session).cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token()).post("/lock");
        locked.then().statusCode(303).header("Location", endsWithPath("/unlock"));
        String cleared = locked.headers().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(PageSessions.COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(cleared.contains("Max-Age=0"), cleared);

        String[] parts = session.split("\\.");
        String longer = parts[0] + "." + (Long.parseLong(parts[1]) + 3600) + "." + parts[2] + "." + parts[3];
        for (String forged : List.of(longer, session.substring(0, session.length() - 2) + "AA", "v1.9999999999.x.y", KEY)) {
            given().redirects().follow(false).cookie(PageSessions.COOKIE, forged).get("/").then().statusCode(303);
        }
    }

    /** A page session as the unlock page hands it out. */
    static String unlocked() {
        PageForms forms = PageForms.load("/unlock");
        return given().redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token()).formParam("key", KEY)
                .post("/unlock").then().statusCode(303).extract().cookie(PageSessions.COOKIE);
    }

    /** The redirect's target, relative or made absolute. */
    private static org.hamcrest.Matcher<String> endsWithPath(String path) {
        return org.hamcrest.Matchers.matchesPattern("(https?://[^/]+)?" + java.util.regex.Pattern.quote(path));
    }
}
