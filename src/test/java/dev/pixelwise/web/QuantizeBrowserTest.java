package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quantize comparison page in real headless Chromium: uploads to the real app, and the page on
 * fixture results (QuantizeFixtureResource) with every field of the result.
 */
@QuarkusTest
class QuantizeBrowserTest extends ChromiumSession {

    @TestHTTPResource("/")
    URL home;

    @TestHTTPResource("/test-fixture/quantize/")
    URL fixture;

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
        assertTrue(app.findElement(By.cssSelector("[data-cv-size-diff]")).getText().contains("smaller"));

        // Drag the divider with the mouse, then nudge it with the keyboard.
        WebElement divider = app.findElement(By.cssSelector("[data-cv-divider]"));
        int before = Integer.parseInt(divider.getAttribute("aria-valuenow"));
        WebElement stage = app.findElement(By.cssSelector("[data-cv-stage]"));
        new Actions(driver).clickAndHold(divider).moveByOffset(-stage.getSize().getWidth() / 4, 0).release().perform();
        int dragged = Integer.parseInt(divider.getAttribute("aria-valuenow"));
        assertTrue(dragged < before - 10, "divider moved left: " + before + " -> " + dragged);
        divider.sendKeys(Keys.ARROW_RIGHT);
        assertEquals(dragged + 1, Integer.parseInt(divider.getAttribute("aria-valuenow")));

        // Zoom in twice: both sides share the zoom.
        app.findElement(By.cssSelector("[data-cv-zoom=in]")).click();
        app.findElement(By.cssSelector("[data-cv-zoom=in]")).click();
        assertEquals("4", stage.getAttribute("data-zoom"));

        // Pick k = 4 from the chart: the right side follows.
        app.findElement(By.cssSelector("[data-q-point='4']")).click();
        assertEquals("k = 4", app.findElement(By.cssSelector("[data-cv-right-label]")).getText());
        assertEquals("4", new Select(app.findElement(By.cssSelector("select[data-cv-side=right]"))).getFirstSelectedOption()
                .getAttribute("value"));
        assertTrue(app.findElements(By.cssSelector("[data-q-palette] > *")).size() <= 4);

        // The difference heat-map for the selected variant.
        app.findElement(By.cssSelector("[data-q-diff-toggle]")).click();
        WebElement caption = wait.until(d -> d.findElements(By.cssSelector("[data-q-diff-caption][data-q-diff-mean]"))
                .stream().findFirst().orElse(null));
        assertNotEquals("0", caption.getAttribute("data-q-diff-mean"));
        screenshot("quantize-compare.png");

        // A palette colour shows only its pixels (the served PNG holds exactly the palette's colours); a second click clears it.
        app.findElement(By.cssSelector("[data-q-diff-toggle]")).click();
        WebElement swatch = app.findElement(By.cssSelector("[data-q-palette] .q-swatch"));
        swatch.click();
        WebElement highlight = wait.until(d -> d.findElements(By.cssSelector("[data-q-highlight-caption][data-q-highlight-count]"))
                .stream().findFirst().orElse(null));
        assertTrue(Integer.parseInt(highlight.getAttribute("data-q-highlight-count")) > 0, highlight.getText());
        assertEquals(1, app.findElements(By.cssSelector("canvas[data-q-highlight]")).size());
        swatch.click();
        assertEquals(0, app.findElements(By.cssSelector("canvas[data-q-highlight]")).size(), "second click clears");
        assertEquals("false", swatch.getAttribute("aria-pressed"));
    }

    /**
     * Needs the backend that encodes WebP and JPEG variants (result.variants[].formats, original.formats)
     * with its default formats option: fails against a backend without them.
     */
    @Test
    void formatCurvesAndAWebpFileOnEitherSide() throws IOException {
        WebElement app = upload("parrot.jpg", "8,32");
        assertFalse(app.findElements(By.cssSelector("[data-q-curve=webp] [data-q-fpoint]")).isEmpty(), "a WebP curve");
        assertFalse(app.findElements(By.cssSelector("[data-q-curve=jpeg] [data-q-fpoint]")).isEmpty(), "a JPEG curve");
        assertEquals(2, app.findElements(By.cssSelector("[data-q-curve=png] [data-q-point]")).size(), "the PNG curve by k");

        Select left = new Select(app.findElement(By.cssSelector("select[data-cv-side=left]")));
        String webp = left.getOptions().stream().map(o -> o.getAttribute("value")).filter(v -> v.endsWith(".webp"))
                .findFirst().orElseThrow(() -> new AssertionError("no WebP file among the side choices"));
        left.selectByValue(webp);
        WebElement img = app.findElement(By.cssSelector("img[data-cv-img=left]"));
        assertTrue(img.getAttribute("src").endsWith(".webp"), img.getAttribute("src"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> decoded(img));

        // Error map of the right side's palette variant, with its 99th percentile.
        app.findElement(By.cssSelector("[data-q-errormap-toggle]")).click();
        WebElement errorMap = app.findElement(By.cssSelector("img[data-q-errormap-img]"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> decoded(errorMap));
        assertTrue(app.findElement(By.cssSelector("[data-q-errormap-caption]")).getText().contains("99th percentile ΔE = "));
        fullPageScreenshot("quantize-formats.png");
    }

    /** A target instead of k: the form leaves k out, so the server does not answer "give k or a target". */
    @Test
    void targetBytesWithoutK() {
        driver.get(home + "?task=quantize");
        driver.findElement(By.cssSelector("input[value=quantize]")).click();
        WebElement k = driver.findElement(By.id("quantize-k"));
        assertTrue(k.isEnabled());
        driver.findElement(By.id("quantize-targetBytes")).sendKeys("20000");
        assertFalse(k.isEnabled(), "k is off while a target is given");
        driver.findElement(By.id("image")).sendKeys(TestImages.photo("parrot.jpg").toAbsolutePath().normalize().toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement app = new WebDriverWait(driver, Duration.ofSeconds(90)).until(d ->
                d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true], [role=alert]")).stream().findFirst().orElse(null));
        assertEquals(null, app.getAttribute("role"), "no error: " + app.getText());
        assertEquals(1, app.findElements(By.cssSelector("[data-q-row]")).size(), "the one k the target search chose");
    }

    /** The whole page against a fixture result with every new field (QuantizeFixtureResource). */
    @Test
    void fixtureWithFormatsRecommendationAndErrorMap() throws IOException {
        driver.get(fixture + "full/page");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement app = wait.until(d -> d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true]"))
                .stream().findFirst().orElse(null));

        WebElement banner = app.findElement(By.cssSelector("[data-q-recommendation]"));
        assertTrue(banner.getText().contains("The smallest file that meets ΔE ≤ 2.3 is WebP q=80 ("), banner.getText());
        banner.findElement(By.cssSelector("[data-q-show-recommended]")).click();
        assertEquals("original-q80.webp", new Select(app.findElement(By.cssSelector("select[data-cv-side=right]")))
                .getFirstSelectedOption().getAttribute("value"));
        assertTrue(app.findElement(By.cssSelector("[data-q-options]")).getText().contains("colorSpace"));

        // Curves: palette PNG by k, WebP and JPEG (the original's qualities plus one per k), lossless WebP per k.
        assertEquals("2", app.findElement(By.cssSelector("[data-q-curve=png]")).getAttribute("data-q-count"));
        assertEquals("4", app.findElement(By.cssSelector("[data-q-curve=webp]")).getAttribute("data-q-count"));
        assertEquals("4", app.findElement(By.cssSelector("[data-q-curve=jpeg]")).getAttribute("data-q-count"));
        assertEquals("2", app.findElement(By.cssSelector("[data-q-curve=webp-lossless]")).getAttribute("data-q-count"));
        assertEquals(5, app.findElements(By.cssSelector("[data-q-legend] li[data-q-legend-item]")).size(), "4 formats + the bar");
        assertEquals("2.3", app.findElement(By.cssSelector("[data-q-bar]")).getAttribute("data-q-bar"), "ΔE bar on the ΔE chart");
        new Select(app.findElement(By.cssSelector("select[data-q-metric]"))).selectByValue("psnr");
        assertEquals("psnr", app.findElement(By.cssSelector("svg[data-q-chart-metric]")).getAttribute("data-q-chart-metric"));
        assertTrue(app.findElements(By.cssSelector("[data-q-bar]")).isEmpty(), "no ΔE bar on the PSNR chart");
        assertEquals(10, app.findElements(By.cssSelector("[data-q-frow]")).size(), "a table row per format file");

        // A format file on the left, chosen from the chart.
        app.findElement(By.cssSelector("[data-q-fpoint='k4.webp']")).click(); // right side
        new Select(app.findElement(By.cssSelector("select[data-cv-side=left]"))).selectByValue("k16.jpg");
        WebElement left = app.findElement(By.cssSelector("img[data-cv-img=left]"));
        WebElement right = app.findElement(By.cssSelector("img[data-cv-img=right]"));
        wait.until(d -> decoded(left) && decoded(right));
        assertTrue(right.getAttribute("src").endsWith("/k4.webp"));
        assertTrue(left.getAttribute("src").endsWith("/k16.jpg"));

        // k = 4 on the right: its palette colour highlights exactly that colour's pixels.
        app.findElement(By.cssSelector("[data-q-point='4']")).click();
        WebElement swatch = app.findElement(By.cssSelector("[data-q-palette] .q-swatch[data-color='#1f4e79']"));
        swatch.click();
        WebElement highlight = wait.until(d -> d.findElements(By.cssSelector("[data-q-highlight-caption][data-q-highlight-count]"))
                .stream().findFirst().orElse(null));
        assertEquals(String.valueOf(QuantizeFixtureResource.K4_BAND_PIXELS), highlight.getAttribute("data-q-highlight-count"));
        assertEquals("true", swatch.getAttribute("aria-pressed"));
        fullPageScreenshot("quantize-fixture-highlight.png");
        swatch.click();
        assertTrue(app.findElements(By.cssSelector("canvas[data-q-highlight]")).isEmpty());

        // Error map with the 99th percentile.
        app.findElement(By.cssSelector("[data-q-errormap-toggle]")).click();
        WebElement errorMap = app.findElement(By.cssSelector("img[data-q-errormap-img]"));
        wait.until(d -> decoded(errorMap));
        assertTrue(errorMap.getAttribute("src").endsWith("/k4-error.png"));
        assertTrue(app.findElement(By.cssSelector("[data-q-errormap-caption]")).getText()
                .contains("99th percentile ΔE = 3.50"));
        fullPageScreenshot("quantize-fixture.png");

        // Try other k: posts the field k and opens the new job's page.
        app.findElement(By.cssSelector("[data-q-rerun-k]")).sendKeys("4,8");
        app.findElement(By.cssSelector("[data-q-rerun-submit]")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/jobs/fixturererun"));
        assertEquals("4,8", QuantizeFixtureResource.lastRerunK);
    }

    /**
     * At phone width (390 × 844) the page does not scroll sideways: each table row is a card whose every
     * value is inside the page with its column's name, the captions wrap, and the side pickers are wide
     * enough for their longest choice. The same page at desktop width is shot for comparison.
     */
    @Test
    void fixtureTablesFitAPhone() throws IOException {
        try {
            driver.manage().window().setSize(new Dimension(390, 844));
            driver.get(fixture + "full/page");
            WebElement app = new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                    d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true]")).stream().findFirst().orElse(null));
            assertTrue(((Number) driver.executeScript("return document.documentElement.clientWidth")).intValue() <= 390);
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) driver.executeScript("""
                    const out = [];
                    const page = document.documentElement;
                    if (page.scrollWidth > page.clientWidth) out.push(`page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}`);
                    document.querySelectorAll('.q-table-wrap').forEach((wrap) => {
                      const name = wrap.getAttribute('aria-label');
                      if (wrap.scrollWidth > wrap.clientWidth) out.push(`${name} scrolls sideways: ${wrap.scrollWidth} > ${wrap.clientWidth}`);
                      const w = wrap.getBoundingClientRect();
                      const inside = (r) => r.width > 0 && r.height > 0 && r.left >= w.left - 0.5 && r.right <= w.right + 0.5;
                      const caption = wrap.querySelector('caption');
                      if (!inside(caption.getBoundingClientRect()) || caption.scrollWidth > caption.clientWidth) out.push(`${name}: caption cut`);
                      const heads = [...wrap.querySelectorAll('thead th')].map((th) => th.getAttribute('data-label'));
                      wrap.querySelectorAll('tbody tr').forEach((tr, i) => {
                        const cells = [...tr.children];
                        if (cells.length !== heads.length) out.push(`${name} row ${i}: ${cells.length} cells for ${heads.length} columns`);
                        cells.forEach((cell, c) => {
                          const where = `${name} row ${i} column ${heads[c]}`;
                          if (getComputedStyle(cell).display === 'none' || getComputedStyle(cell).visibility !== 'visible') out.push(`${where} hidden`);
                          if (!inside(cell.getBoundingClientRect())) out.push(`${where} outside the table: ${JSON.stringify(cell.getBoundingClientRect())}`);
                          if (cell.scrollWidth > cell.clientWidth + 1) out.push(`${where} cut: ${cell.scrollWidth} > ${cell.clientWidth}`);
                          if (cell.textContent.trim() === '') out.push(`${where} empty`);
                          if (cell.tagName === 'TD') {
                            const label = getComputedStyle(cell, '::before').content;
                            if (label !== JSON.stringify(heads[c])) out.push(`${where} labelled ${label}`);
                          }
                        });
                      });
                    });
                    // Every choice of each side picker fits its box (the arrow takes about 20 px).
                    const ruler = document.createElement('canvas').getContext('2d');
                    document.querySelectorAll('select[data-cv-side]').forEach((select) => {
                      const cs = getComputedStyle(select);
                      ruler.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
                      const room = select.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
                      const r = select.getBoundingClientRect();
                      if (r.left < 0 || r.right > page.clientWidth) out.push(`${select.dataset.cvSide} picker outside the page`);
                      [...select.options].forEach((o) => {
                        const wide = ruler.measureText(o.text).width;
                        if (wide > room) out.push(`${select.dataset.cvSide} picker cuts "${o.text}": ${wide} > ${room}`);
                      });
                    });
                    return out;
                    """);
            assertEquals(List.of(), problems);
            assertEquals(2, app.findElements(By.cssSelector("[data-q-row]")).size());
            assertEquals(10, app.findElements(By.cssSelector("[data-q-frow]")).size());

            // A card still puts its variant on the right side.
            app.findElement(By.cssSelector("[data-q-row='4'] .q-rowbtn")).click();
            assertEquals("k = 4", app.findElement(By.cssSelector("[data-cv-right-label]")).getText());
            fullPageScreenshot("quantize-fixture-390.png");
            driver.manage().window().setSize(new Dimension(1280, 1000));
            fullPageScreenshot("quantize-fixture-1280.png");
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 1000));
        }
    }

    /** A result from before formats existed still renders, with only what it has. */
    @Test
    void fixtureOldResultRendersWhatExists() {
        driver.get(fixture + "old/page");
        WebElement app = new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true], [data-q-error]")).stream().findFirst().orElse(null));
        assertEquals("true", app.getAttribute("data-q-ready"), app.getText());
        assertEquals(2, app.findElements(By.cssSelector("[data-q-point]")).size());
        assertEquals(1, app.findElements(By.cssSelector("[data-q-curve]")).size(), "only the PNG curve");
        assertTrue(app.findElements(By.cssSelector("[data-q-recommendation], [data-q-frow], [data-q-bar]")).isEmpty());
        assertEquals("true", app.findElement(By.cssSelector("[data-q-errormap-toggle]")).getAttribute("aria-disabled"));
    }

    private WebElement upload(String photo, String ks) {
        driver.get(home + "?task=quantize");
        driver.findElement(By.cssSelector("input[value=quantize]")).click();
        WebElement k = driver.findElement(By.id("quantize-k"));
        k.clear();
        k.sendKeys(ks);
        driver.findElement(By.id("image")).sendKeys(TestImages.photo(photo).toAbsolutePath().normalize().toString());
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        return new WebDriverWait(driver, Duration.ofSeconds(90)).until(d ->
                d.findElements(By.cssSelector("[data-quantize-app][data-q-ready=true]")).stream().findFirst().orElse(null));
    }

    private static boolean decoded(WebElement img) {
        return Boolean.TRUE.equals(driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", img));
    }
}
