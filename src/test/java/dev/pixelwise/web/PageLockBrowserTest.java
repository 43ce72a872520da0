package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With API keys on, in real headless Chromium: locked, unlocked with the key, a small job run, locked again. */
@QuarkusTest
@TestProfile(PageKeysProfile.class)
class PageLockBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @Test
    void unlockRunAQuantizeJobAndLock() throws IOException {
        driver.get(home + "?task=quantize");
        WebElement form = driver.findElement(By.cssSelector("[data-unlock-form]"));
        assertTrue(driver.getCurrentUrl().contains("/unlock?next="), driver.getCurrentUrl());
        screenshot("locked.png");

        form.findElement(By.id("key")).sendKeys("not-the-key-but-long-enough-0000");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement error = find("[data-unlock-error]");
        assertTrue(error.getText().contains("not one of this server"), error.getText());

        driver.findElement(By.id("key")).sendKeys(PageKeysProfile.KEY);
        driver.findElement(By.cssSelector("[data-unlock-form] button[type=submit]")).click();
        // Back where it started: the upload form, with the lock button.
        find("[data-upload-form]");
        assertTrue(driver.getCurrentUrl().endsWith("/?task=quantize"), driver.getCurrentUrl());
        assertEquals(1, driver.findElements(By.cssSelector("[data-lock]")).size());

        driver.findElement(By.cssSelector("input[value=quantize]")).click();
        WebElement k = driver.findElement(By.id("quantize-k"));
        k.clear();
        k.sendKeys("2,4");
        driver.findElement(By.id("image")).sendKeys(tinyImage().toString());
        driver.findElement(By.cssSelector("[data-upload-form] button[type=submit]")).click();

        // Progress (server-sent events), the result JSON and the variant files all come through the session.
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        WebElement app = wait.until(d -> d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true]"))
                .stream().findFirst().orElse(null));
        assertEquals(2, app.findElements(By.cssSelector("[data-q-row]")).size(), "a row per k");
        String firstJob = driver.getCurrentUrl();
        screenshot("unlocked-quantize.png");

        // "Try other k" posts to the API with the session and the page's CSRF header.
        app.findElement(By.cssSelector("[data-q-rerun-k]")).sendKeys("3");
        app.findElement(By.cssSelector("[data-q-rerun-submit]")).click();
        WebElement rerun = wait.until(d -> d.getCurrentUrl().equals(firstJob) ? null
                : d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true]")).stream().findFirst().orElse(null));
        assertEquals(1, rerun.findElements(By.cssSelector("[data-q-row]")).size(), "the rerun's one k");
        assertNotEquals(firstJob, driver.getCurrentUrl());

        driver.findElement(By.cssSelector("[data-lock]")).click();
        find("[data-unlock-form]");
        driver.get(firstJob);
        find("[data-unlock-form]");
        assertTrue(driver.getCurrentUrl().contains("/unlock?next="), "locked again: " + driver.getCurrentUrl());
    }

    private static WebElement find(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    /** 32 × 24 px of smooth gradient: quick to quantize, and more colours than any k asked for. */
    private static Path tinyImage() throws IOException {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, (x * 8) << 16 | (y * 10) << 8 | (255 - x * 4));
            }
        }
        Path file = Files.createTempFile("tiny", ".png");
        Files.write(file, TestImages.encode(image, "png"));
        return file.toAbsolutePath();
    }
}
