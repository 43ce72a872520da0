package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Semantic segmentation page in real headless Chromium: the compare viewer with the class layer over the
 * photo, legend, one class alone, hover, opacity, the overlay file on a side.
 */
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

        WebElement view = new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("[data-seg-view][data-compare-ready=true]")).stream().findFirst().orElse(null));
        WebElement layer = view.findElement(By.cssSelector("[data-seg-layer]"));
        WebElement rightLabel = view.findElement(By.cssSelector("[data-cv-right-label]"));
        WebElement rightMode = view.findElement(By.cssSelector("[data-cv-right-mode]"));
        assertEquals("Photo", view.findElement(By.cssSelector("[data-cv-left-label]")).getText());
        assertEquals("Photo", rightLabel.getText());
        assertEquals("· all classes", rightMode.getText(), "the whole mask over the photo on the right");
        assertTrue(layer.getAttribute("src").endsWith("mask.png"), layer.getAttribute("src"));
        assertEquals("0.6", layer.getCssValue("opacity"));

        WebElement bird = driver.findElement(By.cssSelector("[data-seg-class='3']"));
        assertEquals("bird", bird.getAttribute("data-label"));
        bird.click();
        assertEquals("true", bird.getAttribute("aria-pressed"));
        assertTrue(layer.getAttribute("src").endsWith("class-3.png"));
        assertEquals("· bird", rightMode.getText());

        // The slider sets the layer's opacity.
        driver.executeScript("const s = document.querySelector('[data-seg-opacity]'); s.value = '25';"
                + " s.dispatchEvent(new Event('input', { bubbles: true }));");
        assertEquals("0.25", layer.getCssValue("opacity"));

        // Hover over the middle of the image, where the bird is.
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
        assertEquals("true", bird.getAttribute("data-seg-hovered"), "the class under the pointer is marked in the legend");
        screenshot("segment-bird.png");

        // The overlay file on the right: no layer over it; choosing a class brings the photo and its layer back.
        new Select(view.findElement(By.cssSelector("select[data-cv-side=right]"))).selectByValue("overlay");
        assertTrue(view.findElement(By.cssSelector("img[data-cv-img=right]")).getAttribute("src").contains("overlay"));
        assertTrue(view.findElements(By.cssSelector("[data-seg-layer]")).isEmpty(), "no class layer over the overlay file");
        assertEquals("Overlay", rightLabel.getText());
        driver.findElement(By.cssSelector("[data-seg-all]")).click();
        assertEquals("Photo", rightLabel.getText());
        assertEquals("· all classes", rightMode.getText());
        assertEquals("false", bird.getAttribute("aria-pressed"));
        assertEquals(1, view.findElements(By.cssSelector("[data-seg-layer]")).size());
    }
}
