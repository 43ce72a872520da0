package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment overlay covers exactly the photo (issue #17: it was stretched over the caption, 30 px
 * taller than the picture), in both modes, at desktop and phone width, measured in the page.
 */
@QuarkusTest
class SegmentOverlayBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @ParameterizedTest
    @CsvSource({"semantic, bird_segmentation.bmp", "color, pets.jpg"})
    void theOverlayIsThePhotosBox(String mode, String photo) throws Exception {
        driver.manage().window().setSize(new Dimension(1280, 1000));
        driver.get(home + "?task=segment");
        driver.executeScript("sessionStorage.clear()");
        driver.get(home + "?task=segment");
        driver.findElement(By.cssSelector("input[value=segment]")).click();
        new Select(driver.findElement(By.id("segment-mode"))).selectByValue(mode);
        driver.findElement(By.id("image")).sendKeys(TestImages.photo(photo).toAbsolutePath().normalize().toString());
        driver.findElement(By.cssSelector("[data-upload-form] button[type=submit]")).click();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120));
        WebElement shown = wait.until(d -> d.findElements(By.cssSelector("[data-segment], [role=alert]")).stream().findFirst().orElse(null));
        assertEquals(null, shown.getAttribute("role"), "no error: " + shown.getText());
        WebElement picture = driver.findElement(By.cssSelector("[data-seg-photo]"));
        WebElement layer = driver.findElement(By.cssSelector("[data-seg-layer]"));
        WebElement caption = driver.findElement(By.cssSelector("[data-seg-hover]"));
        wait.until(d -> loaded(picture) && loaded(layer));

        for (Dimension size : List.of(new Dimension(1280, 1000), new Dimension(390, 844))) {
            driver.manage().window().setSize(size);
            Map<String, Number> p = box(picture);
            Map<String, Number> m = box(layer);
            for (String side : List.of("left", "top", "width", "height")) {
                assertEquals(p.get(side).doubleValue(), m.get(side).doubleValue(), 0.5,
                        mode + " at " + size.getWidth() + " px: overlay " + side + " " + m + " against the photo " + p);
            }
            assertTrue(p.get("height").doubleValue() > 50, "the photo is shown: " + p);
            double captionTop = box(caption).get("top").doubleValue();
            assertTrue(captionTop >= m.get("top").doubleValue() + m.get("height").doubleValue() - 0.5,
                    "the caption is below the overlay, not under it");
            screenshot("segment-" + mode + "-" + size.getWidth() + ".png");
        }
        driver.manage().window().setSize(new Dimension(1280, 1000));
    }

    private static boolean loaded(WebElement img) {
        return Boolean.TRUE.equals(driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", img));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Number> box(WebElement e) {
        return (Map<String, Number>) driver.executeScript(
                "const r = arguments[0].getBoundingClientRect(); return {left: r.left, top: r.top, width: r.width, height: r.height};", e);
    }
}
