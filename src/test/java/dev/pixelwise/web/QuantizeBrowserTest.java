package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quantize comparison page in real headless Chromium: upload, three k, divider, zoom, chart. */
@QuarkusTest
class QuantizeBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @Test
    void compareThreePaletteSizes() throws IOException {
        driver.get(home + "?task=quantize");
        driver.findElement(By.cssSelector("input[value=quantize]")).click();
        WebElement k = driver.findElement(By.id("quantize-k"));
        k.clear();
        k.sendKeys("4,16,64");
        driver.findElement(By.id("image")).sendKeys(TestImages.photo("parrot.jpg").toAbsolutePath().normalize().toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        WebElement app = wait.until(d -> d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true]"))
                .stream().findFirst().orElse(null));
        assertEquals(3, app.findElements(By.cssSelector("[data-q-row]")).size(), "a row per k");
        assertEquals(3, app.findElements(By.cssSelector("[data-q-point]")).size(), "a chart point per k");
        assertTrue(app.findElement(By.cssSelector("[data-q-size-diff]")).getText().contains("smaller"));

        // Drag the divider with the mouse, then nudge it with the keyboard.
        WebElement divider = app.findElement(By.cssSelector("[data-q-divider]"));
        int before = Integer.parseInt(divider.getAttribute("aria-valuenow"));
        WebElement stage = app.findElement(By.cssSelector("[data-q-stage]"));
        new Actions(driver).clickAndHold(divider).moveByOffset(-stage.getSize().getWidth() / 4, 0).release().perform();
        int dragged = Integer.parseInt(divider.getAttribute("aria-valuenow"));
        assertTrue(dragged < before - 10, "divider moved left: " + before + " -> " + dragged);
        divider.sendKeys(Keys.ARROW_RIGHT);
        assertEquals(dragged + 1, Integer.parseInt(divider.getAttribute("aria-valuenow")));

        // Zoom in twice: both sides share the zoom.
        app.findElement(By.cssSelector("[data-q-zoom=in]")).click();
        app.findElement(By.cssSelector("[data-q-zoom=in]")).click();
        assertEquals("4", stage.getAttribute("data-zoom"));

        // Pick k = 4 from the chart: the right side follows.
        app.findElement(By.cssSelector("[data-q-point='4']")).click();
        assertEquals("k = 4", app.findElement(By.cssSelector("[data-q-right-label]")).getText());
        assertEquals("4", new Select(app.findElement(By.cssSelector("select[data-q-side=right]"))).getFirstSelectedOption()
                .getAttribute("value"));
        assertTrue(app.findElements(By.cssSelector("[data-q-palette] > *")).size() <= 4);

        // The difference heat-map for the selected variant.
        app.findElement(By.cssSelector("[data-q-diff-toggle]")).click();
        WebElement caption = wait.until(d -> d.findElements(By.cssSelector("[data-q-diff-caption][data-q-diff-mean]"))
                .stream().findFirst().orElse(null));
        assertNotEquals("0", caption.getAttribute("data-q-diff-mean"));
        screenshot("quantize-compare.png");
    }
}
