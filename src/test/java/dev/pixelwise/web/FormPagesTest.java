package dev.pixelwise.web;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import dev.pixelwise.api.Csrf;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server side of the forms (issue #17): the /jobs address, "run again" without scripts, result page text. */
@QuarkusTest
class FormPagesTest {

    @Test
    void theFormsAddressOpensTheFormInsteadOf405() {
        given().redirects().follow(false).accept("text/html").get("/jobs")
                .then().statusCode(303).header("Location", endsWith("/"));
    }

    @Test
    void aFinishedJobRunsAgainWithOtherOptionsFromItsPage() {
        PageForms forms = PageForms.load("/");
        String first = submitInspect(forms, "128");
        String page = finishedPage(first);
        // The job page offers the task's options again, named as the upload form names them.
        assertTrue(page.contains("data-rerun-form"), "a run-again form");
        assertTrue(page.contains("action=\"/jobs/" + first + "/rerun\""), "posting to the page route");
        assertTrue(page.contains("name=\"inspect.thumbnail\""), "with the task's options");
        // Numbers with thousands separators and a unit; no dangling separator after the status.
        assertTrue(page.matches("(?s).*data-fact=\"bytes\">\\d{3},\\d{3} bytes \\(\\d+ KB\\)<.*"), "file size formatted");
        assertTrue(page.contains("<span class=\"stage\" data-job-stage></span>"), "no stage, no separator");

        String location = given().redirects().follow(false).accept("text/html")
                .cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token())
                .formParam("inspect.thumbnail", "64")
                .post("/jobs/" + first + "/rerun").then().statusCode(303).extract().header("Location");
        String second = URI.create(location).getPath().substring("/jobs/".length());
        assertNotEquals(first, second, "a new job");
        finishedPage(second);
        // The second job's thumbnail follows the new option: 64 px wide.
        String thumb = given().get("/api/v1/jobs/" + second).then().extract().path("result.thumbnail");
        byte[] png = given().get("/api/v1/jobs/" + second + "/files/" + thumb).then().statusCode(200).extract().asByteArray();
        assertEquals(64, readWidth(png));

        // A bad option is refused readably, naming the field; without the token the form is refused.
        given().accept("text/html").cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token()).formParam("inspect.thumbnail", "5")
                .post("/jobs/" + first + "/rerun").then().statusCode(400)
                .contentType(startsWith("text/html")).body(containsString("thumbnail"));
        given().accept("text/html").cookie(Csrf.COOKIE, forms.cookie())
                .formParam("inspect.thumbnail", "64")
                .post("/jobs/" + first + "/rerun").then().statusCode(403);
    }

    @Test
    void theHomePageHasAPlaceForMyJobsAndNoRerunForm() {
        given().get("/").then().statusCode(200)
                .body(containsString("data-my-jobs hidden"))
                .body(containsString("/static/job-forms.js"))
                .body(matchesPattern("(?s).*name=\"quantize.k\"[^>]*data-option=\"k\".*"))
                .body(not(containsString("data-rerun-form")));
        given().get("/static/job-forms.js").then().statusCode(200);
    }

    private static String submitInspect(PageForms forms, String thumbnail) {
        String location = given().redirects().follow(false)
                .cookie(Csrf.COOKIE, forms.cookie())
                .multiPart(Csrf.FIELD, forms.token())
                .multiPart("task", "inspect")
                .multiPart("inspect.thumbnail", thumbnail)
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(303).extract().header("Location");
        return URI.create(location).getPath().substring("/jobs/".length());
    }

    private static String finishedPage(String id) {
        return Poll.value("the job page of " + id + " to show the result", Duration.ofSeconds(20), () -> {
            String page = given().accept("text/html").get("/jobs/" + id).then().statusCode(200).extract().asString();
            return page.contains("data-result") ? page : null;
        });
    }

    private static int readWidth(byte[] png) {
        try {
            return javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png)).getWidth();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
