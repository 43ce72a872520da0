package dev.pixelwise.web;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every page at desktop and phone width in Debian's Chromium: nothing wider than the window (no
 * sideways scrolling), and a full-page screenshot of each in target/screenshots for a person to look at.
 */
@QuarkusTest
class EveryPageBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    private static Path crop(String photo, int side) throws IOException {
        BufferedImage image = ImageIO.read(TestImages.photo(photo).toFile());
        BufferedImage small = new BufferedImage(side, side * image.getHeight() / image.getWidth(), BufferedImage.TYPE_INT_RGB);
        small.createGraphics().drawImage(image, 0, 0, small.getWidth(), small.getHeight(), null);
        Path file = Files.createTempFile("page-", ".png");
        ImageIO.write(small, "png", file.toFile());
        return file;
    }

    private static String finishedJob(String task, Path image, String... fields) {
        var request = given().multiPart("task", task).multiPart("image", image.toFile());
        for (int i = 0; i < fields.length; i += 2) {
            request.multiPart(fields[i], fields[i + 1]);
        }
        String id = request.post("/api/v1/jobs").then().statusCode(202).extract().path("id");
        Poll.until(task + " job " + id + " to succeed", Duration.ofSeconds(120),
                () -> "succeeded".equals(given().get("/api/v1/jobs/" + id).path("status")));
        return id;
    }

    @Test
    void everyPageFitsTheWindowAtDesktopAndPhoneWidth() throws Exception {
        TestModels.awaitFetched("mobilenet-v2", "esrgan-slim", "deeplabv3-mnv2");
        Path bird = crop("bird.bmp", 320);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("home", "");
        pages.put("models", "models");
        pages.put("about", "about");
        pages.put("batches", "batches");
        pages.put("collections", "collections");
        pages.put("inspect-job", "jobs/" + finishedJob("inspect", bird));
        pages.put("quantize-job", "jobs/" + finishedJob("quantize", bird, "k", "4,16"));
        pages.put("classify-job", "jobs/" + finishedJob("classify", bird, "explain", "cam"));
        pages.put("segment-job", "jobs/" + finishedJob("segment", bird));
        pages.put("upscale-job", "jobs/" + finishedJob("upscale", crop("bird.bmp", 64), "model", "esrgan-slim", "scale", "2"));
        pages.put("not-found", "jobs/AAAAAAAAAAAAAAAAAAAAAA");
        List<String> wide = new ArrayList<>();
        for (Dimension size : List.of(new Dimension(1280, 1000), new Dimension(390, 844))) {
            for (Map.Entry<String, String> page : pages.entrySet()) {
                driver.manage().window().setSize(size);
                driver.get(home + page.getValue());
                // scripts draw the viewers and tables after load: give them a moment to settle
                Poll.until(page.getKey() + " to finish loading", Duration.ofSeconds(20),
                        () -> "complete".equals(driver.executeScript("return document.readyState")));
                Thread.sleep(500);
                overflow().ifPresent(by -> wide.add(page.getKey() + " at " + size.getWidth() + " px: " + by));
                fullPageScreenshot("page-" + page.getKey() + "-" + size.getWidth() + ".png");
            }
        }
        // Without scripts the quantize page shows its plain table, which scrolls in its own box on a phone.
        driver.manage().window().setSize(new Dimension(390, 844));
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        try {
            driver.get(home + pages.get("quantize-job"));
            Poll.until("the page without scripts", Duration.ofSeconds(20),
                    () -> "complete".equals(driver.executeScript("return document.readyState")));
            String text = driver.findElement(org.openqa.selenium.By.tagName("body")).getText();
            assertTrue(text.contains("Variants"), "the plain table shows: " + text);
            overflow().ifPresent(by -> wide.add("quantize-job without scripts at 390 px: " + by));
            fullPageScreenshot("page-quantize-job-noscript-390.png");
        } finally {
            driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        }
        assertTrue(wide.isEmpty(), "pages wider than the window: " + wide);
    }

    /** "scroll width > client width" when the page is wider than the window. */
    private static Optional<String> overflow() {
        long scroll = ((Number) driver.executeScript("return document.documentElement.scrollWidth")).longValue();
        long client = ((Number) driver.executeScript("return document.documentElement.clientWidth")).longValue();
        return scroll > client ? Optional.of(scroll + " > " + client) : Optional.empty();
    }
}
