package dev.pixelwise.web;

import dev.pixelwise.Poll;
import dev.pixelwise.api.Csrf;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
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
        PageForms forms = PageForms.load("/");
        String location = given().redirects().follow(false)
                .cookie(Csrf.COOKIE, forms.cookie())
                .multiPart(Csrf.FIELD, forms.token())
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

    /**
     * Issue #18: /about and readiness say which native build of ND4J runs (the one whose natives are on the
     * class path), what it was compiled for, whether the convolutions run fused, and the CPU's instruction
     * sets exactly as /proc/cpuinfo lists them.
     */
    @Test
    void aboutAndReadinessReportTheNativeBuildAndTheCpusInstructionSets() throws IOException {
        Map<String, Object> data = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath()
                .getMap("checks.find { it.name == 'worker-pool' }.data");
        String build = (String) data.get("nd4j.build");
        assertNotNull(getClass().getClassLoader().getResource("org/nd4j/linalg/cpu/nativecpu/bindings/" + build
                + "/libjnind4jcpu.so"), "the reported build " + build + " is a set of natives on the class path");
        String isa = (String) data.get("nd4j.build.isa");
        assertEquals(build.endsWith("-avx512") ? "AVX-512" : build.endsWith("-avx2") ? "AVX2" : "x86-64", isa);
        assertEquals(!"false".equals(System.getProperty("pixelwise.zoo.onednn-fusion")), data.get("onednn.fusion"));
        assertFalse(((String) data.get("nd4j.build.reason")).isBlank());

        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo), "no /proc/cpuinfo to check the CPU's flags against");
        List<String> flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElseThrow();
        String best = (String) data.get("nd4j.best.isa");
        assertTrue(!best.equals("AVX-512") || flags.contains("avx512f"), "ND4J's best build " + best + " without avx512f");
        var page = given().get("/about").then().statusCode(200)
                .body(containsString("<code data-native-build>" + build + "</code>"))
                .body(containsString("<span data-build-isa>" + isa + "</span>"))
                .body(containsString("<span data-best-isa>" + best + "</span>"))
                .body(containsString("data-onednn-fusion=\"" + data.get("onednn.fusion") + "\""))
                .body(containsString("data-build-reason>Why: "));
        boolean fusion = (Boolean) data.get("onednn.fusion");
        String upscale = fusion && flags.contains("avx512_bf16") ? "bf16" : "fp32"; // never int8: see Precision.AUTO_UPSCALE
        String segment = fusion && flags.contains("avx512_vnni") ? "int8" : upscale;
        assertEquals(upscale, data.get("precision.auto.upscale"));
        assertEquals(segment, data.get("precision.auto.segment"));
        page.body(containsString("data-auto-precision-upscale=\"" + upscale + "\""))
                .body(containsString("data-auto-precision-segment=\"" + segment + "\""))
                .body(containsString("data-openmp=\"" + data.get("openmp") + "\" data-jit=\"" + data.get("jit") + "\""));
        // Off in tests (%test.pixelwise.core-sharing=false; CoreSharingTest runs it in JVMs of its own)
        assertEquals("as OpenMP places them (pixelwise.core-sharing=false)", data.get("openmp"));
        assertEquals("as the JVM runs them (pixelwise.core-sharing=false)", data.get("jit"));
        for (String flag : List.of("avx2", "avx512f", "avx512_bf16", "avx512_vnni")) {
            assertEquals(flags.contains(flag), data.get("cpu." + flag), flag);
            page.body(containsString("data-cpu-feature=\"" + flag + "\" data-present=\"" + flags.contains(flag) + "\""));
        }
    }

    @Test
    void errorsOnPagesAreReadableHtml() {
        given().accept("text/html").get("/jobs/AAAAAAAAAAAAAAAAAAAAAA").then().statusCode(404)
                .contentType(startsWith("text/html"))
                .body(containsString("There is no job"))
                .body(containsString("Back to the upload page"));
        PageForms forms = PageForms.load("/");
        given().accept("text/html")
                .cookie(Csrf.COOKIE, forms.cookie())
                .multiPart(Csrf.FIELD, forms.token())
                .multiPart("task", "inspect")
                .multiPart("image", "notes.png", "just text".getBytes())
                .post("/jobs").then().statusCode(415)
                .contentType(startsWith("text/html"))
                .body(containsString("not PNG, JPEG"));
    }

    /** CSRF protection is on whether or not API keys are: a form without this browser's token is refused, readably. */
    @Test
    void aFormWithoutItsCsrfTokenIsRefusedReadably() {
        PageForms forms = PageForms.load("/");
        given().accept("text/html").redirects().follow(false)
                .cookie(Csrf.COOKIE, forms.cookie())
                .multiPart("task", "inspect")
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(403)
                .contentType(startsWith("text/html"))
                .body(containsString("sent without its security token"));
        // Another browser's token (or one a foreign page made up) does not match this cookie.
        given().accept("text/html").redirects().follow(false)
                .cookie(Csrf.COOKIE, forms.cookie())
                .multiPart(Csrf.FIELD, PageForms.load("/").token())
                .multiPart("task", "inspect")
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(403)
                .body(containsString("does not match"));
        // The token without its cookie, and the cancel form without its token.
        given().accept("text/html").redirects().follow(false)
                .multiPart(Csrf.FIELD, forms.token())
                .multiPart("task", "inspect")
                .multiPart("image", TestImages.photo("cat.bmp").toFile())
                .post("/jobs").then().statusCode(403);
        given().accept("text/html").redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .formParam("x", "y").post("/jobs/AAAAAAAAAAAAAAAAAAAAAA/cancel").then().statusCode(403);
        // With it, the cancel form gets past the check to the job (here an unknown one).
        given().accept("text/html").redirects().follow(false).cookie(Csrf.COOKIE, forms.cookie())
                .formParam(Csrf.FIELD, forms.token()).post("/jobs/AAAAAAAAAAAAAAAAAAAAAA/cancel").then().statusCode(404)
                .body(containsString("There is no job"));
    }

    @Test
    void withoutKeysThereIsNothingToUnlock() {
        given().redirects().follow(false).get("/unlock").then().statusCode(303).header("Location", endsWith("/"));
        given().get("/").then().statusCode(200).body(not(containsString("data-lock")));
    }
}
