package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upload flow in real headless Chromium (Debian's chromium + chromium-driver). */
@QuarkusTest
class BrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @Test
    void uploadForInspectShowsProgressThenTheResult() throws IOException {
        driver.get(home + "?task=inspect");
        driver.findElement(By.cssSelector("input[value=inspect]")).click();
        driver.findElement(By.id("image")).sendKeys(TestImages.photo("cat.bmp").toAbsolutePath().normalize().toString());
        assertTrue(driver.findElement(By.cssSelector("[data-file-name]")).getText().contains("cat.bmp"), "file name shown");
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement result = wait.until(d -> d.findElements(By.cssSelector("[data-result]")).stream().findFirst().orElse(null));
        WebElement bar = driver.findElement(By.cssSelector("[data-job-progress]"));
        assertEquals("100", bar.getAttribute("value"), "progress bar finished");
        assertEquals("succeeded", driver.findElement(By.cssSelector("[data-job-status]")).getText());
        assertEquals("512 × 341 px", result.findElement(By.cssSelector("[data-fact=size]")).getText());
        assertEquals("BMP", result.findElement(By.cssSelector("[data-fact=format]")).getText());
        WebElement thumb = result.findElement(By.cssSelector("img.thumb"));
        Object loaded = driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth", thumb);
        assertEquals(256L, ((Number) loaded).longValue(), "thumbnail image loaded");
        screenshot("inspect-result.png");
    }

    @Test
    void badFileShowsAReadableMessage() throws IOException {
        Path text = Files.createTempFile("notes", ".png");
        Files.writeString(text, "definitely not a picture");
        driver.get(home.toString());
        driver.findElement(By.id("image")).sendKeys(text.toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement alert = new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.findElements(By.cssSelector("[role=alert]")).stream().findFirst().orElse(null));
        assertTrue(alert.getText().contains("Unsupported image format"), alert.getText());
        screenshot("bad-upload.png");
    }
}
