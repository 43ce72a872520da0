package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Semantic segmentation page in real headless Chromium: legend, one class alone, hover, opacity. */
@QuarkusTest
class SegmentBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @Test
    void birdOverlayWithLegendAndHover() throws Exception {
        driver.get(home + "?task=segment");
        driver.findElement(By.cssSelector("input[value=segment]")).click();
        driver.findElement(By.id("image")).sendKeys(TestImages.photo("bird_segmentation.bmp").toAbsolutePath().normalize().toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement shown = new WebDriverWait(driver, Duration.ofSeconds(120))
                .until(d -> d.findElements(By.cssSelector("[data-segment], [role=alert]")).stream().findFirst().orElse(null));
        assertEquals(null, shown.getAttribute("role"), "no error: " + shown.getText());

        WebElement bird = driver.findElement(By.cssSelector("[data-seg-class='3']"));
        assertEquals("bird", bird.getAttribute("data-label"));
        bird.click();
        assertEquals("true", bird.getAttribute("aria-pressed"));
        assertTrue(driver.findElement(By.cssSelector("[data-seg-layer]")).getAttribute("src").endsWith("class-3.png"));

        // Hover over the middle of the image, where the bird is.
        WebElement layer = driver.findElement(By.cssSelector("[data-seg-layer]"));
        // segment.js reads the mask into a canvas once it loads, and says so; the pointer moves on
        // every poll as well, so a move made just before that is not lost.
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d ->
                !d.findElements(By.cssSelector("[data-segment][data-seg-hover-ready=true]")).isEmpty());
        WebDriverWait caption = new WebDriverWait(driver, Duration.ofSeconds(10));
        caption.withMessage("the hover caption to name the class under the pointer");
        String hover = caption.until(d -> {
            new Actions(d).moveToElement(layer, 0, 0).moveByOffset(2, 2).moveToElement(layer).perform();
            String t = d.findElement(By.cssSelector("[data-seg-hover]")).getText();
            return t.startsWith("Point at") ? null : t;
        });
        assertEquals("bird", hover);
        screenshot("segment-bird.png");
    }
}
