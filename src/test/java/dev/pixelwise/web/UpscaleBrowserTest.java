package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upscale in real headless Chromium: progress, then the side-by-side comparison. */
@QuarkusTest
class UpscaleBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @Test
    void aLongUpscaleShowsItsFinishedTilesWhileItRuns() throws Exception {
        TestModels.awaitFetched("esrgan-thick");
        BufferedImage crop = ImageIO.read(TestImages.photo("parrot.jpg").toFile()).getSubimage(100, 200, 256, 192);
        Path file = Files.createTempFile("parrot-crop", ".png");
        ImageIO.write(crop, "png", file.toFile());

        driver.get(home + "?task=upscale");
        driver.findElement(By.cssSelector("input[value=upscale]")).click();
        new Select(driver.findElement(By.id("upscale-scale"))).selectByValue("2");
        WebElement tile = driver.findElement(By.id("upscale-tile"));
        tile.clear();
        tile.sendKeys("32"); // 48 tiles of esrgan-thick: several seconds
        driver.findElement(By.id("image")).sendKeys(file.toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        // the preview appears while the job still runs, with some tiles done
        WebElement preview = new WebDriverWait(driver, Duration.ofSeconds(120)).until(d ->
                d.findElements(By.cssSelector("[data-job-preview]:not([hidden]) img")).stream().findFirst().orElse(null));
        assertEquals(512L, naturalWidth(preview), "the output's size, under the preview's 640 px");
        assertTrue(preview.getAttribute("src").contains("/files/preview.png"), preview.getAttribute("src"));
        assertEquals("running", driver.findElement(By.cssSelector("[data-job-status]")).getText());
        screenshot("upscale-tile-preview.png");
        driver.findElement(By.cssSelector("[data-job-cancel]")).click();
    }

    @Test
    void upscaleShowsProgressThenComparison() throws Exception {
        TestModels.awaitFetched("esrgan-thick"); // the zoo fetches the ESRGAN packages at start-up; thick is the default
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
        // The shared compare viewer (compare-viewer.js): the original on the left, ESRGAN on the right, both decoded.
        WebElement viewer = new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("[data-upscale-compare][data-compare-ready=true]")).stream().findFirst().orElse(null));
        WebElement left = viewer.findElement(By.cssSelector("img[data-cv-img=left]"));
        WebElement right = viewer.findElement(By.cssSelector("img[data-cv-img=right]"));
        assertEquals(96L, naturalWidth(left), "the original on the left");
        assertEquals(192L, naturalWidth(right), "ESRGAN x2 on the right");
        assertEquals("Original", viewer.findElement(By.cssSelector("[data-cv-left-label]")).getText());
        assertEquals("ESRGAN", viewer.findElement(By.cssSelector("[data-cv-right-label]")).getText());

        // The split moves with the mouse and the keyboard, and clips the right side where it stands.
        WebElement divider = viewer.findElement(By.cssSelector("[data-cv-divider]"));
        WebElement stage = viewer.findElement(By.cssSelector("[data-cv-stage]"));
        assertEquals("50", divider.getAttribute("aria-valuenow"));
        new Actions(driver).clickAndHold(divider).moveByOffset(-stage.getSize().getWidth() / 4, 0).release().perform();
        int dragged = Integer.parseInt(divider.getAttribute("aria-valuenow"));
        assertTrue(dragged < 40, "divider moved left: " + dragged);
        divider.sendKeys(Keys.ARROW_RIGHT);
        assertEquals(dragged + 1, Integer.parseInt(divider.getAttribute("aria-valuenow")));
        String clip = (String) driver.executeScript(
                "return arguments[0].closest('.cv-layer').style.clipPath", right);
        assertTrue(clip.endsWith(" " + (dragged + 1) + "%)"), "the right side is clipped at the split: " + clip);

        // Bicubic on the left; zoom is shared by both sides.
        new Select(viewer.findElement(By.cssSelector("select[data-cv-side=left]"))).selectByValue("bicubic");
        assertTrue(left.getAttribute("src").endsWith("bicubic.png"), left.getAttribute("src"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> naturalWidth(left) == 192L);
        viewer.findElement(By.cssSelector("[data-cv-zoom=in]")).click();
        assertEquals("2", stage.getAttribute("data-zoom"));
        assertEquals(transform(left), transform(right), "both sides share the zoom");
        screenshot("upscale-compare.png");

        // The wheel zooms about the pointer: the picture point under it stays under it (within 2 px).
        driver.executeScript("window.pwWheel = [];"
                + "document.addEventListener('wheel', (e) => window.pwWheel.push([e.clientX, e.clientY]), { capture: true, passive: true });");
        int dx = -stage.getSize().getWidth() / 6;
        int dy = -stage.getSize().getHeight() / 6;
        new Actions(driver).moveToElement(stage, dx, dy).click().perform(); // focus, no drag: the split stays
        Map<String, Double> before = box(right);
        new Actions(driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(stage, dx, dy), 0, -240).perform();
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> Double.parseDouble(stage.getAttribute("data-zoom")) > 2.2);
        Map<String, Double> after = box(right);
        @SuppressWarnings("unchecked")
        List<List<Number>> wheels = (List<List<Number>>) driver.executeScript("return window.pwWheel");
        assertFalse(wheels.isEmpty(), "the wheel reached the page");
        double x = wheels.get(0).get(0).doubleValue();
        double y = wheels.get(0).get(1).doubleValue();
        double fx = (x - before.get("left")) / before.get("width");
        double fy = (y - before.get("top")) / before.get("height");
        assertTrue(fx > 0 && fx < 1 && fy > 0 && fy < 1, "the pointer was on the picture: " + fx + ", " + fy);
        assertEquals(x, after.get("left") + fx * after.get("width"), 2.0, "x of the point under the pointer");
        assertEquals(y, after.get("top") + fy * after.get("height"), 2.0, "y of the point under the pointer");
    }

    /**
     * A running upscale shows the tile it is on, a percentage and (once the rate is known) the time left;
     * when it ends below bicubic, the page says so and offers the better model. esrgan-medium at x8 turns a
     * smooth ramp into 8-px steps, so it scores below bicubic; 256² in tiles of 32 is 64 tiles, long enough
     * to watch it run.
     */
    @Test
    void runningShowsPercentThenWarnsBelowBicubic() throws Exception {
        TestModels.awaitFetched("esrgan-medium");
        BufferedImage ramp = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                ramp.setRGB(x, y, x << 16 | y << 8 | (x + y) / 2);
            }
        }
        Path file = Files.createTempFile("ramp", ".png");
        ImageIO.write(ramp, "png", file.toFile());

        driver.get(home + "?task=upscale");
        driver.findElement(By.cssSelector("input[value=upscale]")).click();
        Select model = new Select(driver.findElement(By.id("upscale-model")));
        assertEquals("esrgan-thick (best, slowest)", model.getFirstSelectedOption().getText(), "thick is the default");
        model.selectByValue("esrgan-medium");
        new Select(driver.findElement(By.id("upscale-scale"))).selectByValue("8");
        WebElement tile = driver.findElement(By.id("upscale-tile"));
        tile.clear();
        tile.sendKeys("32");
        driver.findElement(By.id("upscale-selfCheck")).click();
        driver.findElement(By.id("image")).sendKeys(file.toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();

        WebDriverWait running = new WebDriverWait(driver, Duration.ofSeconds(120));
        running.until(d -> d.findElements(By.cssSelector("[data-job-stage]")).stream()
                .anyMatch(e -> e.getText().matches("upscale: tile \\d+ of 64")));
        String percent = driver.findElement(By.cssSelector("[data-job-percent]")).getText();
        assertTrue(percent.matches("\\d{1,3}%"), percent);
        running.until(d -> d.findElements(By.cssSelector("[data-job-eta]")).stream()
                .anyMatch(e -> e.getText().matches("· about (\\d+ min )?\\d+ s left")));
        screenshot("upscale-running.png");

        WebElement advice = new WebDriverWait(driver, Duration.ofSeconds(240))
                .until(d -> d.findElements(By.cssSelector("[data-upscale-advice]")).stream().findFirst().orElse(null));
        assertEquals("100%", driver.findElement(By.cssSelector("[data-job-percent]")).getText());
        assertTrue(advice.getText().contains("ESRGAN did worse than bicubic here."), advice.getText());
        assertTrue(advice.getText().contains("Try esrgan-thick at x8"), advice.getText());
        WebElement again = advice.findElement(By.cssSelector("[data-advice-rerun] button"));
        assertEquals("Run again with esrgan-thick x8", again.getText());
        screenshot("upscale-below-bicubic.png");
    }

    /** 0 until the image has loaded and decoded. */
    private static long naturalWidth(WebElement img) {
        return ((Number) driver.executeScript("return arguments[0].complete ? arguments[0].naturalWidth : 0", img)).longValue();
    }

    private static String transform(WebElement img) {
        return (String) driver.executeScript("return arguments[0].parentElement.style.transform", img);
    }
}
