package dev.pixelwise.collections;

import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.pixelwise.collections.CollectionKeysProfile.KEY_A;
import static dev.pixelwise.collections.CollectionKeysProfile.KEY_B;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** With API keys on, a collection belongs to the key that made it: to another key it does not exist. */
@QuarkusTest
@TestProfile(CollectionKeysProfile.class)
class CollectionKeysTest {

    @Test
    void anotherKeySees404AndAnEmptyList() {
        String id = given().header("X-Api-Key", KEY_A).contentType("application/json").body("{\"name\":\"mine\"}")
                .post("/api/v1/collections").then().statusCode(201).extract().path("id");
        given().header("X-Api-Key", KEY_A).get("/api/v1/collections/" + id).then().statusCode(200).body("name", equalTo("mine"));
        given().header("X-Api-Key", KEY_A).get("/api/v1/collections").then().statusCode(200).body("id", hasItem(id));

        given().header("X-Api-Key", KEY_B).get("/api/v1/collections").then().statusCode(200).body("id", not(hasItem(id)));
        for (var r : List.of(
                given().header("X-Api-Key", KEY_B).get("/api/v1/collections/" + id),
                given().header("X-Api-Key", KEY_B).contentType("application/json").body("{\"threshold\":0.1}")
                        .patch("/api/v1/collections/" + id),
                given().header("X-Api-Key", KEY_B).multiPart("label", "x")
                        .multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/collections/" + id + "/examples"),
                given().header("X-Api-Key", KEY_B).multiPart("image", TestImages.photo("cat.bmp").toFile())
                        .multiPart("collection", id).post("/api/v1/classify"),
                given().header("X-Api-Key", KEY_B).delete("/api/v1/collections/" + id))) {
            r.then().statusCode(404).contentType(startsWith("application/problem+json"));
        }
        given().header("X-Api-Key", KEY_A).get("/api/v1/collections/" + id).then().statusCode(200);
        given().get("/api/v1/collections/" + id).then().statusCode(401);
        given().header("X-Api-Key", KEY_A).delete("/api/v1/collections/" + id).then().statusCode(204);
    }
}
