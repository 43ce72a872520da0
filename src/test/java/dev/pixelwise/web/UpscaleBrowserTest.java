package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upscale in real headless Chromium: progress, then the side-by-side comparison. */
@QuarkusTest
class UpscaleBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @Test
    void upscaleShowsProgressThenComparison() throws Exception {
        TestModels.awaitFetched("esrgan-medium"); // the zoo fetches the ESRGAN packages at start-up
        BufferedImage crop = ImageIO.read(TestImages.photo("bird.bmp").toFile()).getSubimage(120, 60, 96, 96);
        Path file = Files.createTempFile("bird-crop", ".png");
        ImageIO.write(crop, "png", file.toFile());

        driver.get(home + "?task=upscale");
        driver.findElement(By.cssSelector("input[value=upscale]")).click();
        new Select(driver.findElement(By.id("upscale-scale"))).selectByValue("2");
        driver.findElement(By.id("image")).sendKeys(file.toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement shown = new WebDriverWait(driver, Duration.ofSeconds(120))
                .until(d -> d.findElements(By.cssSelector("[data-upscale], [role=alert]")).stream().findFirst().orElse(null));
        assertEquals(null, shown.getAttribute("role"), "no error: " + shown.getText());
        assertEquals("100", driver.findElement(By.cssSelector("[data-job-progress]")).getAttribute("value"));
        WebElement right = driver.findElement(By.cssSelector("[data-u-img=right]"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d ->
                Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", right)));
        assertEquals(192L, ((Number) driver.executeScript("return arguments[0].naturalWidth", right)).longValue(), "ESRGAN x2 on the right");
        new Select(driver.findElement(By.cssSelector("[data-u-side=left]"))).selectByValue("bicubic");
        assertTrue(driver.findElement(By.cssSelector("[data-u-img=left]")).getAttribute("src").endsWith("bicubic.png"));
        driver.findElement(By.cssSelector("[data-u-zoom=in]")).click();
        assertEquals("2", driver.findElement(By.cssSelector("[data-u-stage]")).getAttribute("data-zoom"));
        screenshot("upscale-compare.png");
    }
}
