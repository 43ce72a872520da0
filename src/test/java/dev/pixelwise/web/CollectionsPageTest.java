package dev.pixelwise.web;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** The Collections page as the server renders it (collections.js fills it; see CollectionsBrowserTest). */
@QuarkusTest
class CollectionsPageTest {

    @Test
    void theListPageOffersCreatingACollection() {
        given().get("/collections").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(containsString("<title>Collections · Pixelwise</title>"))
                .body(matchesPattern("(?s).*<section class=\"col-index\" data-col-index\\s+aria-labelledby.*"))
                .body(containsString("data-col-create"))
                .body(containsString("data-col-list"))
                // no collection chosen: its part of the page starts hidden, with no id for the script
                .body(matchesPattern("(?s).*<section class=\"col-detail\" data-col-detail hidden\\s.*"))
                .body(not(containsString("data-collection-id")))
                .body(containsString("<script type=\"module\" src=\"/static/collections.js\"></script>"))
                .body(containsString("href=\"/static/collections.css\""))
                .body(containsString("<noscript>"))
                .body(not(containsString("<script>")));
        given().get("/static/collections.js").then().statusCode(200)
                .body(containsString("/api/v1/collections"))
                .body(containsString("/api/v1/classify"))
                .body(containsString("from './job-forms.js'"));
        given().get("/static/collections.css").then().statusCode(200);
    }

    @Test
    void aCollectionsAddressRendersItsPartForTheScript() {
        for (String path : new String[]{"/collections/0123456789abcdef01234567", "/collections?id=0123456789abcdef01234567"}) {
            given().get(path).then().statusCode(200)
                    .body(containsString("data-collection-id=\"0123456789abcdef01234567\""))
                    .body(matchesPattern("(?s).*<section class=\"col-index\" data-col-index hidden.*"))
                    .body(containsString("data-col-cards"))
                    .body(containsString("data-col-confusion"))
                    .body(containsString("id=\"col-threshold\""))
                    .body(containsString("data-col-try"))
                    .body(matchesPattern("(?s).*<input id=\"col-try-file\" name=\"image\" type=\"file\".*"));
        }
        // Whatever the address holds is text in an attribute, never markup.
        given().get("/collections?id=x\"><script>alert(1)</script>").then().statusCode(200)
                .body(containsString("data-collection-id=\"x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
                .body(not(containsString("<script>alert")));
    }

    @Test
    void everyPageLinksToCollections() {
        for (String page : new String[]{"/", "/batches", "/models", "/about", "/collections"}) {
            given().get(page).then().statusCode(200).body(containsString("<li><a href=\"/collections\">Collections</a></li>"));
        }
    }
}
