package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment page in the shared compare viewer (issue #17): the class layer covers exactly the photo
 * (it was once stretched over the caption, 30 px taller than the picture) at fit and zoomed in, in both
 * modes, at desktop and phone width, measured in the page; and the wheel zooms about the pointer.
 */
@QuarkusTest
class SegmentOverlayBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @ParameterizedTest
    @CsvSource({"semantic, bird_segmentation.bmp", "color, pets.jpg"})
    void theOverlayIsThePhotosBoxAtEveryZoom(String mode, String photo) throws Exception {
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
        WebElement view = wait.until(d -> d.findElements(By.cssSelector("[data-seg-view][data-compare-ready=true]"))
                .stream().findFirst().orElse(null));
        WebElement stage = view.findElement(By.cssSelector("[data-cv-stage]"));
        WebElement left = view.findElement(By.cssSelector("img[data-cv-img=left]"));
        WebElement right = view.findElement(By.cssSelector("img[data-cv-img=right]"));
        WebElement layer = view.findElement(By.cssSelector("[data-seg-layer]"));
        WebElement caption = driver.findElement(By.cssSelector("[data-seg-hover]"));
        wait.until(d -> loaded(left) && loaded(right) && loaded(layer));
        assertTrue(right.isDisplayed(), "the photo stays visible under the class layer");

        for (Dimension size : List.of(new Dimension(1280, 1000), new Dimension(390, 844))) {
            driver.manage().window().setSize(size);
            String at = mode + " at " + size.getWidth() + " px";
            driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", stage);
            new WebDriverWait(driver, Duration.ofSeconds(5)).withMessage(at + ": the picture fits the stage after the resize")
                    .until(d -> fits(box(right), box(stage)));

            Map<String, Double> fit = box(right);
            assertTrue(fit.get("height") > 50, at + ": the photo is shown: " + fit);
            sameBox(right, layer, at + ", fit");
            sameBox(left, layer, at + ", fit (left side)");
            Map<String, Double> s = box(stage);
            assertTrue(box(caption).get("top") >= s.get("top") + s.get("height") - 0.5, at + ": the caption is below the picture, not under it");
            screenshot("segment-" + mode + "-" + size.getWidth() + ".png");

            // Zoomed in 4×: the layer is still the photo's box, 4 times the size.
            WebElement zoomIn = view.findElement(By.cssSelector("[data-cv-zoom=in]"));
            zoomIn.click();
            zoomIn.click();
            assertEquals("4", stage.getAttribute("data-zoom"));
            assertEquals(4 * fit.get("width"), box(right).get("width"), 1.0, at + ": 4× the fitted width");
            sameBox(right, layer, at + ", 4×");
            sameBox(left, layer, at + ", 4× (left side)");
            screenshot("segment-" + mode + "-" + size.getWidth() + "-zoomed.png");

            view.findElement(By.cssSelector("[data-cv-zoom=reset]")).click();
            assertEquals("1", stage.getAttribute("data-zoom"));
            wheelKeepsThePointUnderThePointer(stage, right, at);
            sameBox(right, layer, at + ", after the wheel");
            view.findElement(By.cssSelector("[data-cv-zoom=reset]")).click();
        }
        driver.manage().window().setSize(new Dimension(1280, 1000));
    }

    /**
     * Click the picture (a click without a drag leaves the split alone and gives it focus, so the wheel
     * zooms), then scroll up over a point away from the middle: the photo point under the pointer stays
     * under it, within 2 px, while the picture grows.
     */
    private static void wheelKeepsThePointUnderThePointer(WebElement stage, WebElement photo, String at) {
        driver.executeScript("window.pwWheel = [];"
                + "if (!window.pwWheelHooked) { window.pwWheelHooked = true;"
                + "  document.addEventListener('wheel', (e) => window.pwWheel.push([e.clientX, e.clientY]), { capture: true, passive: true }); }");
        Dimension size = stage.getSize();
        new Actions(driver).moveToElement(stage, size.getWidth() / 4, -size.getHeight() / 4).click().perform();
        Map<String, Double> before = box(photo);
        int dx = -size.getWidth() / 4;
        int dy = -size.getHeight() / 5;
        new Actions(driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(stage, dx, dy), 0, -240).perform();
        Map<String, Double> after = box(photo);
        @SuppressWarnings("unchecked")
        List<List<Number>> wheels = (List<List<Number>>) driver.executeScript("return window.pwWheel");
        assertFalse(wheels.isEmpty(), at + ": the wheel reached the page");
        double zoom = Double.parseDouble(stage.getAttribute("data-zoom"));
        assertTrue(zoom > 1.2, at + ": the wheel zoomed in: " + zoom);
        double x = wheels.get(0).get(0).doubleValue();
        double y = wheels.get(0).get(1).doubleValue();
        // Where the photo point that was under the pointer is now.
        double fx = (x - before.get("left")) / before.get("width");
        double fy = (y - before.get("top")) / before.get("height");
        assertTrue(fx > 0.05 && fx < 0.45 && fy > 0.05 && fy < 0.45, at + ": the pointer was on the photo, off its middle: " + fx + ", " + fy);
        assertEquals(x, after.get("left") + fx * after.get("width"), 2.0, at + ": x of the point under the pointer at " + zoom + "×");
        assertEquals(y, after.get("top") + fy * after.get("height"), 2.0, at + ": y of the point under the pointer at " + zoom + "×");
    }

    private static boolean fits(Map<String, Double> picture, Map<String, Double> stage) {
        boolean inside = picture.get("left") >= stage.get("left") - 0.5 && picture.get("top") >= stage.get("top") - 0.5
                && picture.get("left") + picture.get("width") <= stage.get("left") + stage.get("width") + 0.5
                && picture.get("top") + picture.get("height") <= stage.get("top") + stage.get("height") + 0.5;
        boolean touches = Math.abs(picture.get("width") - stage.get("width")) < 0.5 || Math.abs(picture.get("height") - stage.get("height")) < 0.5;
        return inside && touches;
    }

    private static void sameBox(WebElement photo, WebElement layer, String what) {
        Map<String, Double> p = box(photo);
        Map<String, Double> m = box(layer);
        for (String side : List.of("left", "top", "width", "height")) {
            assertEquals(p.get(side), m.get(side), 0.5, what + ": layer " + side + " " + m + " against the photo " + p);
        }
    }

    private static boolean loaded(WebElement img) {
        return Boolean.TRUE.equals(driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", img));
    }
}
