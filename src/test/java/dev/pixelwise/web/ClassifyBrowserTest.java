package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classification with class activation maps, in real headless Chromium: the photo and its heat-map layer
 * in the shared compare viewer, the layer exactly on the photo at fit and zoomed in, label switching,
 * opacity, and the page at a desktop and a phone size.
 */
@QuarkusTest
class ClassifyBrowserTest extends ChromiumSession {

    /** Largest difference, in CSS px, between the boxes of the two elements (left, top, width, height). */
    private static final String BOX_GAP = "const a = arguments[0].getBoundingClientRect(), b = arguments[1].getBoundingClientRect();"
            + " return Math.max(Math.abs(a.left - b.left), Math.abs(a.top - b.top),"
            + " Math.abs(a.width - b.width), Math.abs(a.height - b.height));";

    @TestHTTPResource("/")
    URL home;

    @Test
    void predictionsBesideThePhotoAndItsHeatmapInTheViewer() throws IOException {
        driver.manage().window().setSize(new Dimension(1280, 1000));
        driver.get(home + "?task=classify");
        driver.findElement(By.cssSelector("input[value=classify]")).click();
        new Select(driver.findElement(By.cssSelector("select[name='classify.explain']"))).selectByValue("cam");
        driver.findElement(By.id("image")).sendKeys(TestImages.photo("cat.bmp").toAbsolutePath().normalize().toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement shown = new WebDriverWait(driver, Duration.ofSeconds(120))
                .until(d -> d.findElements(By.cssSelector("[data-predictions], [role=alert]")).stream().findFirst().orElse(null));
        assertEquals("data-predictions", shown.getAttribute("data-predictions") != null ? "data-predictions" : shown.getText());
        WebElement list = shown;
        List<WebElement> items = list.findElements(By.tagName("li"));
        assertEquals("Egyptian cat", items.get(0).getAttribute("data-label"));
        assertEquals(5, list.findElements(By.tagName("meter")).size());

        // The page is in the compare viewer: the photo on both sides, the heat-map layer on the right one.
        WebElement view = new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("[data-cls-view][data-compare-ready=true]")).stream().findFirst().orElse(null));
        WebElement stage = view.findElement(By.cssSelector("[data-cv-stage]"));
        WebElement photo = view.findElement(By.cssSelector("img[data-cv-img=right]"));
        WebElement layer = view.findElement(By.cssSelector("[data-heat-layer]"));
        assertTrue(view.findElements(By.cssSelector(".heat-stack")).isEmpty(), "the no-script figure is gone");
        assertEquals(Boolean.TRUE, driver.executeScript(
                "return arguments[0].parentNode === arguments[1].parentNode && !!arguments[0].closest('.cv-layer-right')", layer, photo),
                "the layer sits over the right side's photo");
        assertEquals("Photo", view.findElement(By.cssSelector("[data-cv-left-label]")).getText());
        assertEquals("Photo", view.findElement(By.cssSelector("[data-cv-right-label]")).getText());
        WebElement rightMode = view.findElement(By.cssSelector("[data-cv-right-mode]"));
        assertEquals("· CAM: Egyptian cat", rightMode.getText());
        assertEquals(Boolean.TRUE, driver.executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0 && arguments[1].complete && arguments[1].naturalWidth > 0",
                layer, photo), "photo and heat-map loaded");
        long mapWidth = ((Number) driver.executeScript("return arguments[0].naturalWidth", layer)).longValue();
        long photoWidth = ((Number) driver.executeScript("return arguments[0].naturalWidth", photo)).longValue();
        assertTrue(mapWidth <= 128 && photoWidth > mapWidth, "a small map stretched over the photo: " + mapWidth + " vs " + photoWidth);

        // At fit the layer's box is the photo's box, and the photo fills the stage's width or height.
        assertLayerOnPhoto(layer, photo, "at fit");
        assertEquals("1", stage.getAttribute("data-zoom"));
        double photoOnScreen = ((Number) driver.executeScript("return arguments[0].getBoundingClientRect().width", photo)).doubleValue();
        assertTrue(photoOnScreen > 400, "the photo is shown large: " + photoOnScreen);

        WebElement slider = driver.findElement(By.cssSelector("[data-heat-opacity]"));
        assertEquals("0.7", layer.getCssValue("opacity"));
        slider.sendKeys(Keys.HOME);
        assertEquals("0", layer.getCssValue("opacity"));
        for (int i = 0; i < 60; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        assertTrue(Double.parseDouble(layer.getCssValue("opacity")) > 0.5);
        screenshot("classify-viewer-1280.png");

        // Zoomed in (4×, then panned): still exactly on the photo, larger than the stage, and smooth.
        WebElement zoomIn = view.findElement(By.cssSelector("[data-cv-zoom=in]"));
        zoomIn.click();
        zoomIn.click();
        assertEquals("4", stage.getAttribute("data-zoom"));
        stage.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_DOWN);
        assertLayerOnPhoto(layer, photo, "at 4×");
        double zoomedWidth = ((Number) driver.executeScript("return arguments[0].getBoundingClientRect().width", layer)).doubleValue();
        assertTrue(zoomedWidth > 3.9 * photoOnScreen, "the layer grew with the photo: " + zoomedWidth);
        assertEquals("auto", layer.getCssValue("image-rendering"), "the stretched map stays smooth when zoomed");

        // One class activation map per label: picking the second label (click) shows its map, zoomed in too.
        WebElement second = items.get(1);
        second.click();
        assertTrue(layer.getAttribute("src").endsWith("/files/heatmap-2.png"), layer.getAttribute("src"));
        assertEquals("true", second.getAttribute("aria-current"));
        assertEquals(null, items.get(0).getAttribute("aria-current"));
        assertEquals("· CAM: " + second.getAttribute("data-label"), rightMode.getText());
        assertEquals(second.getAttribute("data-label"), driver.findElement(By.cssSelector("[data-heat-label]")).getText());
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(
                driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", layer)));
        assertLayerOnPhoto(layer, photo, "after switching labels at 4×");
        screenshot("classify-viewer-1280-zoomed.png");

        // ... and the third with the keyboard.
        WebElement third = items.get(2);
        third.sendKeys(Keys.ENTER);
        assertTrue(layer.getAttribute("src").endsWith("/files/heatmap-3.png"), layer.getAttribute("src"));
        assertEquals("true", third.getAttribute("aria-current"));
        assertEquals(null, second.getAttribute("aria-current"));

        // Back to fit, then on a phone: the viewer above the predictions, the layer still on the photo.
        view.findElement(By.cssSelector("[data-cv-zoom=reset]")).click();
        assertEquals("1", stage.getAttribute("data-zoom"));
        assertLayerOnPhoto(layer, photo, "back at fit");
        Dimension desktop = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(390, 844));
            new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> ((Number) driver.executeScript(
                    "return arguments[0].getBoundingClientRect().width", stage)).doubleValue() < 390);
            new WebDriverWait(driver, Duration.ofSeconds(5)).withMessage("the layer to follow the photo on a phone")
                    .until(d -> ((Number) driver.executeScript(BOX_GAP, layer, photo)).doubleValue() <= 1);
            double stageRight = ((Number) driver.executeScript("return arguments[0].getBoundingClientRect().right", stage)).doubleValue();
            double viewport = ((Number) driver.executeScript("return document.documentElement.clientWidth")).doubleValue();
            assertTrue(stageRight <= viewport, "the viewer fits the phone's width: " + stageRight + " > " + viewport);
            driver.executeScript("arguments[0].scrollIntoView({block: 'start'})", view);
            screenshot("classify-viewer-390.png");
        } finally {
            driver.manage().window().setSize(desktop);
        }
    }

    private static void assertLayerOnPhoto(WebElement layer, WebElement photo, String when) {
        double gap = ((Number) driver.executeScript(BOX_GAP, layer, photo)).doubleValue();
        assertTrue(gap <= 1, "the heat-map's box is the photo's box " + when + " (off by " + gap + " px)");
    }
}
