package dev.pixelwise.web;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class PagesTest {

    @Test
    void homePageOffersUploadAndTasksWithStrictHeaders() {
        given().get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .body(containsString("enctype=\"multipart/form-data\""))
                .body(containsString("name=\"image\""))
                .body(containsString("value=\"inspect\""))
                .body(containsString("name=\"inspect.thumbnail\""))
                .body(not(containsString("<script>")));
        given().get("/static/app.js").then().statusCode(200);
        given().get("/static/app.css").then().statusCode(200);
    }

    @Test
    void formPostRedirectsToTheJobPageWhichShowsTheResult() throws InterruptedException {
        String location = given().redirects().follow(false)
                .multiPart("task", "inspect")
                .multiPart("inspect.thumbnail", "128")
                .multiPart("test-hold.holdMs", "5") // another task's field is dropped, not refused
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(303).extract().header("Location");
        String path = java.net.URI.create(location).getPath();
        String html = Poll.value("the job page " + path + " to show the result", Duration.ofSeconds(10), () -> {
            String page = given().accept("text/html").get(path).then().statusCode(200).extract().asString();
            return page.contains("data-result") ? page : null;
        });
        org.junit.jupiter.api.Assertions.assertTrue(html.contains("512 × 341 px"), "size shown");
    }

    @Test
    void modelsPageShowsTheCardsAndTheirState() {
        given().get("/models").then().statusCode(200)
                .body(containsString("data-model=\"mobilenet-v2\""))
                .body(containsString("Apache-2.0"))
                .body(containsString("top-1 0.708"));
    }

    @Test
    void aboutPageShowsTheNodeItsDevicesAndTaskLimits() {
        int cores = Runtime.getRuntime().availableProcessors();
        given().get("/about").then().statusCode(200)
                .body(containsString("data-role>all<"))
                .body(containsString("data-queue>local"))
                .body(containsString("CpuBackend"))
                .body(containsString("data-device=\"0\""))
                .body(containsString("MiB"))
                .body(containsString("<th scope=\"row\">upscale</th><td>" + Math.max(1, cores - 1) + "</td>"))
                .body(containsString("<th scope=\"row\">inspect</th><td>" + cores + "</td>"));
        given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("\"backend\": \"CpuBackend\""))
                .body(containsString("device.0"));
    }

    @Test
    void errorsOnPagesAreReadableHtml() {
        given().accept("text/html").get("/jobs/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404)
                .contentType(startsWith("text/html"))
                .body(containsString("There is no job"))
                .body(containsString("Back to the upload page"));
        given().accept("text/html")
                .multiPart("task", "inspect")
                .multiPart("image", "notes.png", "just text".getBytes())
                .post("/jobs").then().statusCode(415)
                .contentType(startsWith("text/html"))
                .body(containsString("not PNG, JPEG"));
    }
}
