package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Batches page in real headless Chromium (Debian's chromium + chromium-driver) against the real batch API. */
@QuarkusTest
class BatchBrowserTest extends ChromiumSession {

    @TestHTTPResource("/batches")
    URL batches;

    /** Three small PNGs and one cut short: the table fills in, the cut one fails readably, the zip holds the rest. */
    @Test
    void quantizeSeveralFilesOneCorruptFillsTheTableAndZipsTheResults() throws IOException {
        Path dir = Files.createTempDirectory("batch-pngs");
        byte[] good = TestImages.encode(TestImages.quadrants(40, 30), "png");
        List<Path> files = List.of(
                TestImages.write(dir, "red-green.png", good),
                TestImages.write(dir, "wide.png", TestImages.encode(TestImages.quadrants(64, 16), "png")),
                TestImages.write(dir, "broken.png", TestImages.truncated(good, good.length / 2)),
                TestImages.write(dir, "tall.png", TestImages.encode(TestImages.quadrants(16, 48), "png")));
        driver.get(batches + "?task=quantize");
        driver.findElement(By.id("batch-files")).sendKeys(files.stream().map(p -> p.toAbsolutePath().toString())
                .collect(Collectors.joining("\n")));
        assertTrue(driver.findElement(By.cssSelector("[data-batch-chosen]")).getText().startsWith("4 files"),
                driver.findElement(By.cssSelector("[data-batch-chosen]")).getText());
        WebElement k = driver.findElement(By.id("quantize-k"));
        k.clear();
        k.sendKeys("4,8");
        WebElement formats = driver.findElement(By.id("quantize-formats"));
        formats.clear();
        formats.sendKeys("png");
        driver.findElement(By.cssSelector("[data-batch-submit]")).click();

        WebElement section = new WebDriverWait(driver, Duration.ofSeconds(90)).until(d ->
                d.findElements(By.cssSelector("[data-batch][data-batch-status=finished]")).stream().findFirst().orElse(null));
        String id = section.getAttribute("data-batch-id");
        assertEquals("events", section.getAttribute("data-batch-live"), "followed the event stream to its end, no polling");
        assertTrue(driver.getCurrentUrl().endsWith("/batches?id=" + id), "a shareable address: " + driver.getCurrentUrl());
        assertTrue(driver.findElement(By.cssSelector("[data-batch-form]")).getAttribute("hidden") != null, "the form steps aside");
        Map<String, WebElement> rows = rowsByName(section);
        assertEquals(List.of("red-green.png", "wide.png", "broken.png", "tall.png"), new ArrayList<>(rows.keySet()), "a row per file, in order");
        for (String name : List.of("red-green.png", "wide.png", "tall.png")) {
            WebElement row = rows.get(name);
            assertEquals("succeeded", row.getAttribute("data-status"), name);
            assertTrue(row.findElement(By.cssSelector("[data-child-summary]")).getText().contains("k="), name + " summary: "
                    + row.findElement(By.cssSelector("[data-child-summary]")).getText());
            String jobId = row.findElement(By.cssSelector("[data-child-job]")).getAttribute("data-child-job");
            assertTrue(row.findElement(By.cssSelector("[data-child-job]")).getAttribute("href").endsWith("/jobs/" + jobId));
            WebElement thumb = row.findElement(By.cssSelector("img.batch-thumb"));
            assertTrue(thumb.getAttribute("src").startsWith("blob:"), "the local file as the thumbnail");
            new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> decoded(thumb));
        }
        WebElement broken = rows.get("broken.png");
        assertEquals("failed", broken.getAttribute("data-status"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> broken.findElements(By.cssSelector("img")).isEmpty());
        String error = broken.findElement(By.cssSelector("[data-child-error]")).getText();
        assertTrue(error.length() > 10 && !error.contains("undefined") && !error.contains("{"), "a readable message: " + error);
        String totals = section.findElement(By.cssSelector("[data-batch-totals]")).getText();
        assertTrue(totals.contains("3 succeeded, 1 failed"), totals);
        WebElement bytes = new WebDriverWait(driver, Duration.ofSeconds(10)).until(d ->
                section.findElements(By.cssSelector("[data-batch-bytes]")).stream().findFirst().orElse(null));
        assertTrue(Long.parseLong(bytes.getAttribute("data-bytes-in")) > 0, bytes.getText());
        assertTrue(Long.parseLong(bytes.getAttribute("data-bytes-out")) > 0, bytes.getText());
        assertTrue(section.findElement(By.cssSelector("[data-batch-cancel]")).getAttribute("hidden") != null, "nothing left to cancel");
        fullPageScreenshot("batch-finished.png");

        // "Download all": the page's own link, fetched in the page (its session, its cookies).
        String archive = section.findElement(By.cssSelector("[data-batch-archive]")).getAttribute("href");
        assertTrue(archive.endsWith("/api/v1/batches/" + id + "/archive"), archive);
        List<String> entries = zipEntries(archive);
        assertTrue(entries.contains("results.json"), entries.toString());
        assertTrue(entries.contains("results.csv"), entries.toString());
        for (String name : List.of("red-green", "wide", "tall")) {
            assertTrue(entries.stream().anyMatch(e -> e.matches("\\d{3}-" + name + "[^/]*/[^/]+\\.png")), name + " files in " + entries);
        }
        assertFalse(entries.stream().anyMatch(e -> e.contains("broken")), "no files for the failed one: " + entries);

        // The address alone (another browser tab, a reload): the same table from GET, without local thumbnails.
        driver.get(batches + "?id=" + id);
        WebElement again = new WebDriverWait(driver, Duration.ofSeconds(10)).until(d ->
                d.findElements(By.cssSelector("[data-batch][data-batch-status=finished]")).stream().findFirst().orElse(null));
        Map<String, WebElement> reloaded = rowsByName(again);
        assertEquals(new ArrayList<>(rows.keySet()), new ArrayList<>(reloaded.keySet()));
        assertEquals("failed", reloaded.get("broken.png").getAttribute("data-status"));
        assertEquals(error, reloaded.get("broken.png").findElement(By.cssSelector("[data-child-error]")).getText());
        assertTrue(again.findElements(By.cssSelector("img.batch-thumb")).isEmpty());
        assertTrue(again.findElement(By.cssSelector("[data-batch-totals]")).getText().contains("3 succeeded, 1 failed"));

        // A phone: no sideways scrolling.
        Dimension window = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            Object overflow = driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertEquals(0L, ((Number) overflow).longValue(), "page wider than a phone");
            screenshot("batch-phone.png");
        } finally {
            driver.manage().window().setSize(window);
        }
    }

    @Test
    void inspectWithAZipOfImagesAndAFileBesideIt() throws IOException {
        Path dir = Files.createTempDirectory("batch-zip");
        byte[] png = TestImages.encode(TestImages.quadrants(32, 32), "png");
        Path zip = dir.resolve("two.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of("in-zip-a.png", "in-zip-b.png")) {
                out.putNextEntry(new ZipEntry(name));
                out.write(png);
                out.closeEntry();
            }
        }
        Path single = TestImages.write(dir, "single.png", png);
        driver.get(batches + "?task=inspect");
        driver.findElement(By.id("batch-files")).sendKeys(single.toAbsolutePath() + "\n" + zip.toAbsolutePath());
        driver.findElement(By.cssSelector("[data-batch-submit]")).click();
        WebElement section = new WebDriverWait(driver, Duration.ofSeconds(60)).until(d ->
                d.findElements(By.cssSelector("[data-batch][data-batch-status=finished]")).stream().findFirst().orElse(null));
        List<WebElement> rows = section.findElements(By.cssSelector("[data-batch-row]"));
        assertEquals(3, rows.size(), "the file and the zip's two images");
        rows.forEach(r -> assertEquals("succeeded", r.getAttribute("data-status"), r.getText()));
        assertEquals(1, section.findElements(By.cssSelector("img.batch-thumb")).size(), "a thumbnail for the file, none for zip entries");
        assertTrue(section.findElement(By.cssSelector("[data-batch-totals]")).getText().contains("3 succeeded, 0 failed"));
    }

    /** A folder as the folder button gives it: its images are taken, what is not an image or a zip is left out. */
    @Test
    void aChosenFolderAddsItsImagesOnly() throws IOException {
        Path dir = Files.createTempDirectory("batch-folder");
        byte[] png = TestImages.encode(TestImages.quadrants(24, 24), "png");
        TestImages.write(dir, "one.png", png);
        TestImages.write(dir.resolve("sub"), "two.png", png);
        TestImages.write(dir, ".DS_Store", new byte[]{1, 2, 3});
        TestImages.write(dir, "notes.txt", "not an image".getBytes());
        driver.get(batches + "?task=inspect");
        driver.findElement(By.id("batch-folder")).sendKeys(dir.toAbsolutePath().toString());
        WebElement chosen = driver.findElement(By.cssSelector("[data-batch-chosen]"));
        assertTrue(chosen.getText().startsWith("2 files"), chosen.getText());
        List<String> names = driver.findElements(By.cssSelector("[data-batch-chosen-list] li")).stream().map(WebElement::getText).sorted().toList();
        assertEquals(List.of("one.png", "two.png"), names);
        driver.findElement(By.cssSelector("[data-batch-submit]")).click();
        WebElement section = new WebDriverWait(driver, Duration.ofSeconds(30)).until(d ->
                d.findElements(By.cssSelector("[data-batch][data-batch-status=finished]")).stream().findFirst().orElse(null));
        assertEquals(2, section.findElements(By.cssSelector("[data-batch-row][data-status=succeeded]")).size());
        assertTrue(section.findElement(By.cssSelector("[data-child-summary]")).getText().contains("24×24"),
                section.findElement(By.cssSelector("[data-child-summary]")).getText());
    }

    @Test
    void cancelStopsWhatIsLeft() {
        String cat = TestImages.photo("cat.bmp").toAbsolutePath().normalize().toString();
        driver.get(batches + "?task=test-hold");
        driver.findElement(By.id("batch-files")).sendKeys(String.join("\n", cat, cat, cat));
        WebElement hold = driver.findElement(By.id("test-hold-holdMs"));
        hold.clear();
        hold.sendKeys("60000");
        driver.findElement(By.cssSelector("[data-batch-submit]")).click();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement cancel = wait.until(d -> d.findElements(By.cssSelector("[data-batch-cancel]:not([hidden])")).stream().findFirst().orElse(null));
        assertEquals(3, driver.findElements(By.cssSelector("[data-batch-row]")).size());
        // No image has ended, so no event came: the periodic GET shows which are running, and how far.
        wait.until(d -> !d.findElements(By.cssSelector("[data-batch-row][data-status=running]")).isEmpty());
        cancel.click();
        WebElement section = wait.until(d -> d.findElements(By.cssSelector("[data-batch]:not([data-batch-status=running]):not([data-batch-status=queued])"))
                .stream().findFirst().orElse(null));
        wait.until(d -> section.findElements(By.cssSelector("[data-batch-row][data-status=cancelled]")).size() == 3);
        assertTrue(section.findElement(By.cssSelector("[data-batch-cancel]")).getAttribute("hidden") != null);
        assertTrue(section.findElement(By.cssSelector("[data-batch-totals]")).getText().contains("3 cancelled"),
                section.findElement(By.cssSelector("[data-batch-totals]")).getText());
    }

    @Test
    void problemsShowBesideTheirFields() throws IOException {
        driver.get(batches + "?task=quantize");
        driver.findElement(By.cssSelector("[data-batch-submit]")).click();
        WebElement noFiles = driver.findElement(By.cssSelector("[data-field-error=image]"));
        assertTrue(noFiles.getText().contains("Choose some images"), noFiles.getText());

        // The server's 400 names the option: its message goes under that field, and nothing was queued.
        driver.findElement(By.id("batch-files")).sendKeys(TestImages.photo("cat.bmp").toAbsolutePath().normalize().toString());
        WebElement bar = driver.findElement(By.id("quantize-qualityBar"));
        bar.clear();
        bar.sendKeys("not a bar");
        driver.findElement(By.cssSelector("[data-batch-submit]")).click();
        WebElement error = new WebDriverWait(driver, Duration.ofSeconds(10)).until(d ->
                d.findElements(By.cssSelector("[data-field-error='quantize.qualityBar']")).stream().findFirst().orElse(null));
        assertFalse(error.getText().isBlank());
        assertEquals("true", bar.getAttribute("aria-invalid"));
        assertTrue(driver.findElement(By.cssSelector("[data-batch]")).getAttribute("hidden") != null, "no batch shown");
        assertEquals("Start batch", driver.findElement(By.cssSelector("[data-batch-submit]")).getText());
        screenshot("batch-bad-option.png");
    }

    @Test
    void anUnknownBatchAddressSaysSo() {
        driver.get(batches + "?id=AAAAAAAAAAAAAAAAAAAAAA");
        WebElement error = new WebDriverWait(driver, Duration.ofSeconds(10)).until(d ->
                d.findElements(By.cssSelector("[data-batch-error]:not([hidden])")).stream().findFirst().orElse(null));
        assertTrue(error.getText().contains("There is no batch"), error.getText());
        assertEquals("unknown", driver.findElement(By.cssSelector("[data-batch-status]")).getText());
        assertFalse(driver.findElement(By.cssSelector("[data-batch-archive]")).isDisplayed(), "nothing to download");
    }

    @Test
    void presetsAreSavedAppliedAndDeleted() throws IOException {
        driver.get(batches.toString());
        driver.executeScript("localStorage.removeItem('pixelwise.batchPresets')");
        driver.navigate().refresh();
        driver.findElement(By.cssSelector("input[value=quantize]")).click();
        WebElement k = driver.findElement(By.id("quantize-k"));
        k.clear();
        k.sendKeys("4,16");
        driver.findElement(By.id("quantize-sharedPalette")).click();
        new Select(driver.findElement(By.id("quantize-dither"))).selectByValue("floyd-steinberg");
        driver.findElement(By.id("preset-name")).sendKeys("icons");
        driver.findElement(By.cssSelector("[data-preset-save]")).click();
        assertTrue(driver.findElement(By.cssSelector("[data-preset-note]")).getText().contains("Saved"));

        // A fresh page starts from the defaults and another task; the preset brings it all back.
        driver.navigate().refresh();
        driver.findElement(By.cssSelector("input[value=inspect]")).click();
        assertFalse(driver.findElement(By.id("quantize-k")).isDisplayed());
        new Select(driver.findElement(By.id("preset-pick"))).selectByValue("icons");
        assertTrue(driver.findElement(By.cssSelector("input[value=quantize]")).isSelected());
        assertTrue(driver.findElement(By.id("quantize-k")).isDisplayed());
        assertEquals("4,16", driver.findElement(By.id("quantize-k")).getAttribute("value"));
        assertTrue(driver.findElement(By.id("quantize-sharedPalette")).isSelected());
        assertEquals("floyd-steinberg", new Select(driver.findElement(By.id("quantize-dither"))).getFirstSelectedOption().getAttribute("value"));
        assertFalse(driver.findElement(By.id("inspect-thumbnail")).isDisplayed());
        screenshot("batch-preset.png");

        driver.findElement(By.cssSelector("[data-preset-delete]")).click();
        assertTrue(new Select(driver.findElement(By.id("preset-pick"))).getOptions().stream()
                .noneMatch(o -> "icons".equals(o.getAttribute("value"))));
        assertEquals("{}", driver.executeScript("return localStorage.getItem('pixelwise.batchPresets')"));
    }

    private static Map<String, WebElement> rowsByName(WebElement section) {
        Map<String, WebElement> rows = new java.util.LinkedHashMap<>();
        section.findElements(By.cssSelector("[data-batch-row]")).forEach(r ->
                rows.put(r.findElement(By.cssSelector(".batch-name")).getText().replaceAll("\\s.*", ""), r));
        return rows;
    }

    private static boolean decoded(WebElement img) {
        Object w = driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth", img);
        return w instanceof Number n && n.intValue() > 0;
    }

    /** Fetches a URL in the page and lists the zip's entries (it must answer 200 application/zip). */
    private static List<String> zipEntries(String url) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], { credentials: 'same-origin' }).then(async (r) => {
                  const bytes = new Uint8Array(await r.arrayBuffer());
                  let s = '';
                  bytes.forEach((b) => { s += String.fromCharCode(b); });
                  done({ status: r.status, type: r.headers.get('content-type'), body: btoa(s) });
                }).catch((e) => done({ status: -1, type: String(e), body: '' }));
                """, url);
        assertEquals(200L, ((Number) got.get("status")).longValue(), String.valueOf(got.get("type")));
        assertTrue(String.valueOf(got.get("type")).startsWith("application/zip"), String.valueOf(got.get("type")));
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Base64.getDecoder().decode((String) got.get("body"))))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
