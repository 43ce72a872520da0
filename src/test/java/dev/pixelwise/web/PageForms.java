package dev.pixelwise.web;

import dev.pixelwise.api.Csrf;
import io.restassured.response.Response;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a browser holds after loading a page with a form: the CSRF cookie and the token in the form. */
record PageForms(String cookie, String token) {

    private static final Pattern FIELD = Pattern.compile("name=\"" + Csrf.FIELD + "\" value=\"([^\"]+)\"");

    /** Loads {@code path} (a page with a form) as a new browser would. */
    static PageForms load(String path) {
        return loadWith(path, null);
    }

    /** The same, for a browser holding the page session {@code session} (null: none). */
    static PageForms loadWith(String path, String session) {
        var request = given().redirects().follow(false).accept("text/html");
        if (session != null) {
            request.cookie(dev.pixelwise.api.PageSessions.COOKIE, session);
        }
        Response page = request.get(path);
        page.then().statusCode(200);
        String cookie = page.getCookie(Csrf.COOKIE);
        assertNotNull(cookie, path + " set no CSRF cookie");
        Matcher field = FIELD.matcher(page.asString());
        assertTrue(field.find(), path + " has no CSRF field");
        assertEquals(cookie, field.group(1), "the form repeats the cookie's token");
        return new PageForms(cookie, field.group(1));
    }
}
