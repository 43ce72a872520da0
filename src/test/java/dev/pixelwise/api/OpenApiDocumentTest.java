package dev.pixelwise.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API document: one operation per task with its options, and no Java internals. */
@QuarkusTest
class OpenApiDocumentTest {

    /** Where the document is kept for the linter in .ci/run (the app need not run there). */
    static final Path STORED = Path.of("target", "openapi", "openapi.json");

    @Test
    void oneOperationPerTaskWithItsOptions() throws Exception {
        String json = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString();
        JsonNode doc = new ObjectMapper().readTree(json);
        JsonNode paths = doc.get("paths");
        assertFalse(paths.has("/api/v1/{task}"), "the generic task path is replaced by one per task");
        Map<String, Object> tasks = given().get("/api/v1/tasks").then().statusCode(200).extract().jsonPath().getMap("");
        List<String> operationIds = new ArrayList<>();
        for (String task : tasks.keySet()) {
            JsonNode post = paths.path("/api/v1/" + task).path("post");
            assertFalse(post.isMissingNode(), "no operation for " + task);
            operationIds.add(post.get("operationId").asText());
            JsonNode content = post.path("requestBody").path("content");
            assertTrue(content.has("multipart/form-data") && content.has("image/*")
                    && content.has("application/octet-stream"), task + ": " + content);
            JsonNode form = content.path("multipart/form-data").path("schema").path("properties");
            assertTrue(form.has("image"), task);
            JsonNode ok = post.path("responses").path("200").path("content");
            assertTrue(ok.has("application/json") && ok.has("image/png"), task);
            assertTrue(post.path("responses").has("400") && post.path("responses").has("413"), task);
        }
        assertEquals(tasks.size(), operationIds.stream().distinct().count(), "operation ids are unique: " + operationIds);
        // ... and across the API (every resource's methods, collections' included; the test app's fixtures aside)
        List<String> allIds = new ArrayList<>();
        paths.fields().forEachRemaining(item -> {
            if (item.getKey().startsWith("/api/") && !item.getKey().contains("test-")) {
                item.getValue().forEach(op -> {
                    if (op.has("operationId")) {
                        allIds.add(op.get("operationId").asText());
                    }
                });
            }
        });
        assertEquals(allIds.size(), allIds.stream().distinct().count(), "operation ids are unique: " + allIds);
        // no operation takes RESTEasy's multipart type as its body
        assertFalse(json.contains("MultipartFormDataInput"), "a multipart body is described by its fields");

        // Options carry their bounds, choices, defaults and examples from the task's OptionSpec.
        JsonNode quantize = paths.path("/api/v1/quantize").path("post");
        JsonNode restarts = quantize.path("requestBody").path("content").path("multipart/form-data").path("schema")
                .path("properties").path("restarts");
        assertEquals(1, restarts.path("minimum").asInt());
        assertEquals(32, restarts.path("maximum").asInt());
        assertTrue(restarts.has("default") && restarts.has("examples"), restarts.toString());
        JsonNode dither = paths.path("/api/v1/quantize").path("post").path("parameters");
        assertTrue(dither.toString().contains("\"floyd-steinberg\""), "query parameters carry the choices");
        JsonNode result = quantize.path("responses").path("200").path("content").path("application/json").path("schema")
                .path("allOf").get(1).path("properties").path("result");
        assertEquals("#/components/schemas/QuantizeResult", result.path("$ref").asText());

        // Every reference resolves, and no Java internal is a component.
        JsonNode schemas = doc.path("components").path("schemas");
        for (String leak : List.of("FileSystem", "UserPrincipalLookupService", "Path", "MultipartFormDataInput",
                "FormValue", "FileItem", "FileStore")) {
            assertFalse(schemas.has(leak), leak + " leaks into the document");
        }
        Matcher refs = Pattern.compile("\"\\$ref\":\"#/components/schemas/([^\"]+)\"").matcher(json);
        while (refs.find()) {
            assertTrue(schemas.has(refs.group(1)), "dangling $ref " + refs.group(1));
        }
        for (Iterator<String> names = schemas.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            assertTrue(json.contains("#/components/schemas/" + name), "unreferenced schema " + name);
        }
        assertNotNull(schemas.get("Problem"));

        // Kept without the endpoints and the task that only tests have (they are not the app's API).
        ObjectNode stored = (ObjectNode) doc.deepCopy();
        ObjectNode storedPaths = (ObjectNode) stored.get("paths");
        List<String> testOnly = new ArrayList<>();
        storedPaths.fieldNames().forEachRemaining(p -> {
            if (p.startsWith("/test-fixture/") || p.startsWith("/api/v1/test-")) {
                testOnly.add(p);
            }
        });
        storedPaths.remove(testOnly);
        Files.createDirectories(STORED.getParent());
        Files.writeString(STORED, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(stored));
    }
}
