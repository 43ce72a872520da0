package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upload form's errors (issue #17) in real headless Chromium, at desktop and phone width: checks
 * before upload, server errors beside their field with the file kept, a button that Back leaves
 * usable, "My jobs" and "run again with other options".
 */
@QuarkusTest
class FormBrowserTest extends ChromiumSession {

    private static final Dimension DESKTOP = new Dimension(1280, 1000);
    private static final Dimension PHONE = new Dimension(390, 844);

    @TestHTTPResource("/")
    URL home;

    @AfterEach
    void desktopAgain() {
        driver.manage().window().setSize(DESKTOP);
    }

    @Test
    void aBadKListIsShownBesideTheFieldWithoutUploading() throws IOException {
        for (Dimension size : new Dimension[] {DESKTOP, PHONE}) {
            driver.manage().window().setSize(size);
            openQuantizeForm();
            type("quantize-k", "1,999");
            chooseFile("cat.bmp");
            start();
            WebElement error = errorBeside("quantize.k");
            assertTrue(error.getText().contains("between 2 and 256"), error.getText());
            assertEquals("true", driver.findElement(By.id("quantize-k")).getAttribute("aria-invalid"));
            assertTrue(driver.getCurrentUrl().startsWith(home.toString()), driver.getCurrentUrl());
            assertEquals(0L, uploadsSent(), "nothing was sent");
            assertStartButtonUsable();
            // A number out of the option's range (restarts: 1..32) is caught the same way.
            type("quantize-k", "4,8");
            type("quantize-restarts", "99");
            start();
            assertTrue(errorBeside("quantize.restarts").getText().contains("between 1 and 32"));
            assertEquals(0, driver.findElements(By.cssSelector("[data-field-error='quantize.k']")).size(),
                    "the fixed k has no error any more");
            assertEquals(0L, uploadsSent(), "still nothing sent");
            driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", driver.findElement(By.id("quantize-restarts")));
            screenshot("form-k-error-" + size.getWidth() + ".png");
        }
    }

    @Test
    void aServerErrorShowsBesideItsFieldKeepingFileAndOptionsThenBackLeavesAWorkingButton() throws IOException {
        for (Dimension size : new Dimension[] {DESKTOP, PHONE}) {
            driver.manage().window().setSize(size);
            openQuantizeForm();
            type("quantize-k", "2,4");
            // The quality bar is checked by the server only: an SSIM above 1 is refused with the field named.
            type("quantize-qualityBar", "ssim>=2");
            chooseFile("cat.bmp");
            start();
            WebElement error = errorBeside("quantize.qualityBar");
            assertTrue(error.getText().contains("at most 1"), error.getText());
            assertEquals(1L, uploadsSent(), "sent once, refused");
            assertTrue(driver.getCurrentUrl().startsWith(home.toString()), "still on the form: " + driver.getCurrentUrl());
            assertEquals("cat.bmp", driver.executeScript("return document.getElementById('image').files[0].name"),
                    "the chosen file is kept");
            assertEquals("2,4", driver.findElement(By.id("quantize-k")).getAttribute("value"), "options kept");
            assertStartButtonUsable();
            driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", error);
            screenshot("form-server-error-" + size.getWidth() + ".png");
            if (size != DESKTOP) {
                continue; // the way on and back does not depend on the width
            }

            // Fixed, the same form (file not chosen again) starts the job.
            type("quantize-qualityBar", "ssim>=0.9");
            assertEquals(0, driver.findElements(By.cssSelector("[data-field-error]")).size(), "editing clears the error");
            start();
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            wait.until(d -> d.getCurrentUrl().contains("/jobs/"));
            wait.until(d -> !d.findElements(By.cssSelector("[data-result]")).isEmpty());

            driver.navigate().back();
            wait.until(d -> !d.findElements(By.cssSelector("[data-upload-form]")).isEmpty());
            assertStartButtonUsable();
            assertEquals("2,4", driver.findElement(By.id("quantize-k")).getAttribute("value"), "options still there after Back");
        }
    }

    @Test
    void myJobsListsAFinishedJobAndMarksAGoneOneAndAResultRunsAgain() throws IOException {
        driver.get(home + "?task=inspect");
        driver.executeScript("localStorage.clear(); sessionStorage.clear();");
        driver.get(home + "?task=inspect");
        driver.findElement(By.cssSelector("input[value=inspect]")).click();
        chooseFile("cat.bmp");
        start();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(d -> !d.findElements(By.cssSelector("[data-result]")).isEmpty());
        String jobUrl = driver.getCurrentUrl();
        String id = jobUrl.substring(jobUrl.lastIndexOf('/') + 1);

        // Run again with another thumbnail size: the same upload, a new job.
        driver.findElement(By.cssSelector("[data-rerun] summary")).click();
        WebElement thumbnail = driver.findElement(By.cssSelector("[data-rerun-form] [name='inspect.thumbnail']"));
        thumbnail.clear();
        thumbnail.sendKeys("5");
        driver.findElement(By.cssSelector("[data-rerun-submit]")).click();
        assertTrue(errorBeside("inspect.thumbnail").getText().contains("between 16 and 1,024"));
        thumbnail.clear();
        thumbnail.sendKeys("64");
        driver.findElement(By.cssSelector("[data-rerun-submit]")).click();
        wait.until(d -> !d.getCurrentUrl().equals(jobUrl) && !d.findElements(By.cssSelector("[data-result] img.thumb")).isEmpty());
        String rerunUrl = driver.getCurrentUrl();
        WebElement thumb = driver.findElement(By.cssSelector("[data-result] img.thumb"));
        Object width = wait.until(d -> driver.executeScript("return (arguments[0].complete && arguments[0].naturalWidth) || null", thumb));
        assertEquals(64L, ((Number) width).longValue(), "the rerun used the new option");
        screenshot("rerun-result.png");

        // A job this browser knows that the server no longer has (expired or deleted).
        driver.executeScript("const list = JSON.parse(localStorage.getItem('pixelwise.jobs'));"
                + "list.push({id: 'AAAAAAAAAAAAAAAAAAAAAA', task: 'inspect', file: 'old.png', at: '2026-01-01T00:00:00Z'});"
                + "localStorage.setItem('pixelwise.jobs', JSON.stringify(list));");
        for (Dimension size : new Dimension[] {DESKTOP, PHONE}) {
            driver.manage().window().setSize(size);
            driver.get(home.toString());
            WebElement list = wait.until(d -> d.findElements(By.cssSelector("[data-my-jobs]:not([hidden])")).stream().findFirst().orElse(null));
            WebElement first = wait.until(d -> list.findElement(By.cssSelector("[data-my-job='" + id + "'][data-status]")));
            assertEquals("succeeded", first.getAttribute("data-status"));
            assertTrue(first.findElement(By.cssSelector("a")).getAttribute("href").endsWith("/jobs/" + id));
            String rerunId = rerunUrl.substring(rerunUrl.lastIndexOf('/') + 1);
            assertFalse(list.findElements(By.cssSelector("[data-my-job='" + rerunId + "']")).isEmpty(), "the rerun is listed");
            WebElement gone = wait.until(d -> list.findElement(By.cssSelector("[data-my-job='AAAAAAAAAAAAAAAAAAAAAA'][data-gone]")));
            assertTrue(gone.getText().contains("expired"), gone.getText());
            assertEquals(0, gone.findElements(By.cssSelector("a")).size(), "no link to a gone job");
            driver.executeScript("arguments[0].scrollIntoView()", list);
            screenshot("my-jobs-" + size.getWidth() + ".png");
        }
        assertNotEquals(jobUrl, rerunUrl);
    }

    @Test
    void theErrorPagesLinkBackKeepsTaskAndOptions() throws IOException {
        openQuantizeForm();
        type("quantize-k", "3,5");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("quantize-dither"))).selectByValue("floyd-steinberg");
        driver.get(home + "jobs/AAAAAAAAAAAAAAAAAAAAAA"); // an error page: no such job
        assertEquals(1, driver.findElements(By.cssSelector("[role=alert]")).size());
        driver.findElement(By.cssSelector("[data-back-to-form]")).click();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        wait.until(d -> !d.findElements(By.cssSelector("[data-upload-form]")).isEmpty());
        wait.until(d -> "3,5".equals(d.findElement(By.id("quantize-k")).getAttribute("value")));
        assertTrue(driver.findElement(By.cssSelector("input[value=quantize]")).isSelected(), "the task is kept");
        assertEquals("floyd-steinberg", driver.findElement(By.id("quantize-dither")).getAttribute("value"));
        assertTrue(driver.findElement(By.id("quantize-k")).isDisplayed(), "its options are shown");
        assertEquals(home.toString(), driver.getCurrentUrl(), "the address is the form's own");
        assertStartButtonUsable();
        // A plain visit starts from the defaults.
        driver.get(home + "?task=quantize");
        assertEquals("8,16,32,64", driver.findElement(By.id("quantize-k")).getAttribute("value"));
        // And the address a form was posted to opens the form instead of answering 405.
        driver.get(home + "jobs");
        assertEquals(home.toString(), driver.getCurrentUrl());
        assertEquals(1, driver.findElements(By.cssSelector("[data-upload-form]")).size());
    }

    private void openQuantizeForm() {
        driver.get(home + "?task=quantize");
        driver.executeScript("sessionStorage.clear(); performance.clearResourceTimings();");
        driver.get(home + "?task=quantize");
        driver.findElement(By.cssSelector("input[value=quantize]")).click();
    }

    private static void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    private static void chooseFile(String name) {
        driver.findElement(By.id("image")).sendKeys(TestImages.photo(name).toAbsolutePath().normalize().toString());
    }

    private static void start() {
        driver.findElement(By.cssSelector("[data-upload-form] button[type=submit]")).click();
    }

    private static WebElement errorBeside(String field) {
        WebElement error = new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("[data-field-error='" + field + "']")).stream().findFirst().orElse(null));
        // Beside the field: in the same option box, right under it.
        WebElement box = error.findElement(By.xpath("ancestor::div[contains(@class,'option')]"));
        assertEquals(1, box.findElements(By.cssSelector("[name='" + field + "']")).size(), "in the field's own box");
        assertTrue(error.isDisplayed());
        return error;
    }

    /** Uploads this page sent to the API (the Resource Timing entries of POST /api/v1/jobs). */
    private static long uploadsSent() {
        return ((Number) driver.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(e => new URL(e.name).pathname === '/api/v1/jobs').length")).longValue();
    }

    private static void assertStartButtonUsable() {
        WebElement button = driver.findElement(By.cssSelector("[data-upload-form] button[type=submit]"));
        assertTrue(button.isEnabled(), "the button is enabled");
        assertEquals("Start", button.getText());
    }
}
