package dev.pixelwise.web;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** The Batches page as the server renders it (the table itself is batch.js's, tested in BatchBrowserTest). */
@QuarkusTest
class BatchPageTest {

    @Test
    void batchesPageOffersManyFilesAFolderEveryTaskAndItsOptions() {
        given().get("/batches").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(containsString("data-batch-form"))
                .body(matchesPattern("(?s).*<input id=\"batch-files\" name=\"image\" type=\"file\" multiple[^>]*\\.zip.*"))
                .body(containsString("webkitdirectory"))
                .body(containsString("value=\"inspect\""))
                .body(containsString("value=\"quantize\""))
                // the single-job form's option fields, named task.option
                .body(containsString("name=\"inspect.thumbnail\""))
                .body(containsString("name=\"quantize.k\""))
                .body(containsString("name=\"quantize.sharedPalette\""))
                .body(containsString("data-preset-save"))
                // quantize is chosen unless the address says otherwise; the other tasks' fields start off
                .body(matchesPattern("(?s).*value=\"quantize\" checked.*"))
                .body(matchesPattern("(?s).*data-options-for=\"inspect\" hidden disabled.*"))
                .body(containsString("<script type=\"module\" src=\"/static/batch.js\"></script>"))
                .body(containsString("href=\"/static/batch.css\""))
                .body(containsString("<section class=\"batch\" data-batch hidden"))
                .body(not(containsString("<script>")));
        given().get("/batches?task=inspect").then().statusCode(200)
                .body(matchesPattern("(?s).*value=\"inspect\" checked.*"))
                .body(matchesPattern("(?s).*data-options-for=\"quantize\" hidden disabled.*"));
        given().get("/static/batch.js").then().statusCode(200).body(containsString("/api/v1/batches"));
        given().get("/static/batch.css").then().statusCode(200);
    }

    @Test
    void aBatchAddressRendersTheTableForTheScriptToFill() {
        given().get("/batches?id=b-<script>x").then().statusCode(200)
                .body(containsString("data-batch-id=\"b-&lt;script&gt;x\""))
                .body(matchesPattern("(?s).*<form class=\"upload batch-form\" data-batch-form [^>]*hidden>.*"))
                .body(containsString("data-batch-rows"))
                .body(not(containsString("<script>x")));
    }

    @Test
    void everyPageLinksToBatches() {
        given().get("/").then().statusCode(200).body(containsString("<a href=\"/batches\">Batches</a>"));
        given().get("/models").then().statusCode(200).body(containsString("<a href=\"/batches\">Batches</a>"));
    }
}
