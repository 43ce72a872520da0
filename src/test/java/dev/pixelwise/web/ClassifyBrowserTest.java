package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classification with a heat-map, in real headless Chromium. */
@QuarkusTest
class ClassifyBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @Test
    void topLabelsAsBarsAndAHeatmapWithOpacity() throws IOException {
        driver.get(home + "?task=classify");
        driver.findElement(By.cssSelector("input[value=classify]")).click();
        new Select(driver.findElement(By.cssSelector("select[name='classify.explain']"))).selectByValue("cam");
        driver.findElement(By.id("image")).sendKeys(TestImages.photo("cat.bmp").toAbsolutePath().normalize().toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement shown = new WebDriverWait(driver, Duration.ofSeconds(120))
                .until(d -> d.findElements(By.cssSelector("[data-predictions], [role=alert]")).stream().findFirst().orElse(null));
        assertEquals("data-predictions", shown.getAttribute("data-predictions") != null ? "data-predictions" : shown.getText());
        WebElement list = shown;
        WebElement first = list.findElements(By.tagName("li")).get(0);
        assertEquals("Egyptian cat", first.getAttribute("data-label"));
        assertEquals(5, list.findElements(By.tagName("meter")).size());

        WebElement layer = driver.findElement(By.cssSelector("[data-heat-layer]"));
        Object loaded = driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", layer);
        assertEquals(Boolean.TRUE, loaded, "heat-map loaded");
        WebElement slider = driver.findElement(By.cssSelector("[data-heat-opacity]"));
        slider.sendKeys(Keys.HOME);
        assertEquals("0", layer.getCssValue("opacity"));
        for (int i = 0; i < 60; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        assertTrue(Double.parseDouble(layer.getCssValue("opacity")) > 0.5);
        screenshot("classify-heatmap.png");

        // One class activation map per label: picking the second label shows its map.
        WebElement second = list.findElements(By.tagName("li")).get(1);
        second.click();
        assertTrue(layer.getAttribute("src").endsWith("/files/heatmap-2.png"), layer.getAttribute("src"));
        assertEquals("true", second.getAttribute("aria-current"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(
                driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", layer)));
    }
}
