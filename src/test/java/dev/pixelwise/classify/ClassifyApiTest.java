package dev.pixelwise.classify;

import dev.pixelwise.MetricsPage;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ClassifyApiTest {

    static Response classify(String photo, String... fields) {
        var spec = given().multiPart("image", TestImages.photo(photo).toFile());
        for (int i = 0; i < fields.length; i += 2) {
            spec.multiPart(fields[i], fields[i + 1]);
        }
        return spec.multiPart("timeout", "300").when().post("/api/v1/classify");
    }

    static JsonPath ok(Response r) {
        r.then().statusCode(200).body("status", equalTo("succeeded"));
        return r.jsonPath();
    }

    /** The answers a float forward pass of this exact model gives (../shared/models/README.md). */
    @ParameterizedTest
    @CsvSource({"cat.bmp,Egyptian cat", "bird.bmp,chickadee", "sunflower.bmp,daisy",
            "grace_hopper.bmp,military uniform", "parrot.jpg,macaw", "hot_dog.jpg,hotdog"})
    void knownTop1(String photo, String label) {
        JsonPath job = ok(classify(photo));
        assertEquals("mobilenet-v2", job.getString("result.model"));
        // Labels are ImageNet synonym lists ("hotdog, hot dog, red hot"); the first name is the answer.
        assertEquals(label, job.getString("result.predictions[0].label").split(",")[0], photo);
        List<Float> p = job.getList("result.predictions.probability", Float.class);
        assertEquals(5, p.size());
        for (int i = 1; i < p.size(); i++) {
            assertTrue(p.get(i) <= p.get(i - 1), "sorted by probability");
        }
        assertTrue(job.getMap("result.timingsMs").containsKey("inference"));
    }

    /** The job's stage times are also on /q/metrics, exact where timingsMs keeps whole milliseconds. */
    @Test
    void stageTimesReachTheMetricsBelowAMillisecond() {
        String series = "{model=\"mobilenet-v2\",stage=\"inference\",task=\"classify\"}";
        double count0 = MetricsPage.value("pixelwise_job_stage_seconds_count" + series);
        double sum0 = MetricsPage.value("pixelwise_job_stage_seconds_sum" + series);
        JsonPath job = ok(classify("cat.bmp"));
        long ms = job.getLong("result.timingsMs.inference");
        assertEquals(1, MetricsPage.value("pixelwise_job_stage_seconds_count" + series) - count0, "one more forward pass counted");
        double exact = (MetricsPage.value("pixelwise_job_stage_seconds_sum" + series) - sum0) * 1000;
        assertTrue(exact > 0 && exact >= ms - 1e-6 && exact < ms + 1, exact + " ms on the metric, " + ms + " in timingsMs");
    }

    @Test
    void probabilitiesOverEveryClassSumToOne() {
        JsonPath job = ok(classify("cat.bmp", "topK", "1001"));
        List<Float> p = job.getList("result.predictions.probability", Float.class);
        assertEquals(1001, p.size());
        assertEquals(1.0, p.stream().mapToDouble(Float::doubleValue).sum(), 1e-3);
    }

    @Test
    void theSmallerModelAlsoAnswers() {
        JsonPath job = ok(classify("cat.bmp", "model", "mobilenet-v1-0.75", "topK", "3"));
        assertEquals("mobilenet-v1-0.75", job.getString("result.model"));
        assertTrue(job.getString("result.predictions[0].label").matches(".*(cat|tabby).*"), job.getString("result.predictions[0].label"));
    }

    @Test
    void heatmapOfACentredObjectIsHotterInTheCentre() {
        JsonPath job = ok(classify("cat.bmp", "explain", "occlusion"));
        String id = job.getString("id");
        assertEquals("heatmap.png", job.getString("result.heatmap"));
        assertEquals("occlusion", job.getString("result.explanation.method"));
        int n = job.getInt("result.explanation.rows");
        List<Float> drop = job.getList("result.explanation.drop", Float.class);
        assertEquals(n * n, drop.size());
        double centre = 0;
        double border = 0;
        int centreCount = 0;
        int borderCount = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                boolean edge = r == 0 || c == 0 || r == n - 1 || c == n - 1;
                boolean middle = Math.abs(r - n / 2) <= 1 && Math.abs(c - n / 2) <= 1;
                if (edge) {
                    border += drop.get(r * n + c);
                    borderCount++;
                } else if (middle) {
                    centre += drop.get(r * n + c);
                    centreCount++;
                }
            }
        }
        assertTrue(centre / centreCount > border / borderCount,
                "centre drop " + centre / centreCount + " vs border " + border / borderCount);
        given().get("/api/v1/jobs/" + id + "/files/heatmap.png").then().statusCode(200).contentType("image/png");
        given().get("/api/v1/jobs/" + id + "/files/image.jpg").then().statusCode(200).contentType("image/jpeg");
    }

    @Test
    void badOptionsAre400() {
        for (String[] c : new String[][]{{"model", "resnet-9000"}, {"topK", "0"}, {"topK", "1002"}, {"explain", "maybe"}}) {
            classify("cat.bmp", c[0], c[1]).then().statusCode(400)
                    .contentType(startsWith("application/problem+json")).body("field", equalTo(c[0]));
        }
    }

    @Test
    void modelCardsShowTheLoadedModel() {
        ok(classify("cat.bmp"));
        given().get("/api/v1/models").then().statusCode(200)
                .body("find { it.id == 'mobilenet-v2' }.state", equalTo("loaded"))
                .body("find { it.id == 'mobilenet-v2' }.accuracy.top1", equalTo(0.708f));
    }
}
