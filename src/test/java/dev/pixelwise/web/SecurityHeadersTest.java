package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pages, error pages, API answers and produced files carry the headers that stop sniffing, framing and inline script. */
@QuarkusTest
class SecurityHeadersTest {

    static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
    static final Pattern INLINE_HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
    static final Pattern INLINE_STYLE = Pattern.compile("\\sstyle\\s*=|<style", Pattern.CASE_INSENSITIVE);

    static String finishedInspectJob() {
        return given().multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/inspect").then()
                .statusCode(200).extract().path("id");
    }

    static void assertPageHeaders(Response r, String what) {
        String csp = r.header("Content-Security-Policy");
        assertNotNull(csp, what + " has no CSP");
        assertTrue(csp.contains("script-src 'self'"), what + ": " + csp);
        assertTrue(csp.contains("default-src 'self'") && csp.contains("object-src 'none'") && csp.contains("base-uri 'self'"),
                what + ": " + csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), what + ": " + csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), what + ": " + csp);
        assertTrue("nosniff".equals(r.header("X-Content-Type-Options")), what);
        assertTrue("DENY".equals(r.header("X-Frame-Options")), what);
        assertNotNull(r.header("Referrer-Policy"), what);
        // The policy allows no inline script or style, so the markup must not rely on any.
        String html = r.asString();
        assertFalse(INLINE_SCRIPT.matcher(html).find(), what + " has an inline <script>");
        assertFalse(INLINE_HANDLER.matcher(html).find(), what + " has an inline event handler");
        assertFalse(INLINE_STYLE.matcher(html).find(), what + " has inline style");
    }

    @Test
    void pagesCarryAStrictPolicy() {
        String id = finishedInspectJob();
        for (String path : List.of("/", "/?task=quantize", "/models", "/jobs/" + id)) {
            Response r = given().accept("text/html").get(path);
            r.then().statusCode(200).contentType(startsWith("text/html"));
            assertPageHeaders(r, path);
        }
    }

    @Test
    void errorPagesCarryTheSamePolicy() {
        for (String path : List.of("/jobs/AAAAAAAAAAAAAAAAAAAAAA", "/no-such-page")) {
            Response r = given().accept("text/html").get(path);
            r.then().statusCode(404).contentType(startsWith("text/html"));
            assertPageHeaders(r, path);
        }
    }

    @Test
    void apiAnswersAndStaticFilesAreNeverSniffed() {
        for (String path : List.of("/api/v1/tasks", "/api/v1/jobs/AAAAAAAAAAAAAAAAAAAAAA", "/api/v1/nothing/here",
                "/static/app.js", "/static/app.css")) {
            given().get(path).then().header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY");
        }
        given().get("/static/app.js").then().contentType(startsWith("text/javascript"));
    }

    @Test
    void producedFilesAreServedInlineWithTheirTypeOrAsAnAttachment() {
        String id = finishedInspectJob();
        String file = "/api/v1/jobs/" + id + "/files/thumbnail.png";
        for (String query : List.of("", "?download=0", "?download=false")) {
            given().get(file + query).then().statusCode(200)
                    .contentType(equalTo("image/png"))
                    .header("Content-Disposition", equalTo("inline; filename=\"thumbnail.png\""))
                    .header("X-Content-Type-Options", "nosniff");
        }
        for (String query : List.of("?download=1", "?download=true")) {
            given().get(file + query).then().statusCode(200)
                    .contentType(equalTo("image/png"))
                    .header("Content-Disposition", equalTo("attachment; filename=\"thumbnail.png\""));
        }
        given().get(file + "?download=perhaps").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("field", equalTo("download"));
        // The job page's file links ask for the attachment.
        given().accept("text/html").get("/jobs/" + id).then().statusCode(200)
                .body(containsString("/api/v1/jobs/" + id + "/files/thumbnail.png?download=1\" download"));
    }
}
