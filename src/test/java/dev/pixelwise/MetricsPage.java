package dev.pixelwise;

import static io.restassured.RestAssured.given;

/** The app's Prometheus page (/q/metrics) as API tests read it. */
public final class MetricsPage {

    private MetricsPage() {
    }

    /** A series' value, e.g. {@code pixelwise_job_stage_seconds_count{model="none",stage="encode",task="quantize"}}; 0 before it exists. */
    public static double value(String series) {
        for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}
