package dev.pixelwise.web;

import dev.pixelwise.TestImages;
import dev.pixelwise.TestModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Collections page in real headless Chromium against the real collections API and MobileNetV2: a
 * collection made on the page, two labels taught from crops of the shared photos (one by choosing files,
 * one by a drop), the accuracy and confusion matrix shown, then a held-out photo classified on the page.
 */
@QuarkusTest
class CollectionsBrowserTest extends ChromiumSession {

    @TestHTTPResource("/collections")
    URL collections;

    @BeforeEach
    void modelFetched() throws InterruptedException {
        TestModels.awaitFetched("mobilenet-v2");
    }

    @Test
    void teachTwoLabelsSeeTheirAccuracyThenClassifyAHeldOutPhoto() throws IOException {
        String name = "pets " + System.nanoTime();
        driver.get(collections.toString());
        WebDriverWait wait = waiting(60);
        wait.until(d -> !d.findElement(By.cssSelector("[data-col-list-status]")).getText().startsWith("Loading"));
        driver.findElement(By.id("col-name")).sendKeys(name);
        driver.findElement(By.cssSelector("[data-col-create] button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().matches(".*/collections/[0-9a-f]{24}$"));
        String id = driver.getCurrentUrl().replaceAll(".*/", "");
        WebElement detail = driver.findElement(By.cssSelector("[data-col-detail]"));
        wait.until(d -> name.equals(d.findElement(By.cssSelector("[data-col-title]")).getText()));
        assertEquals("—", driver.findElement(By.cssSelector("[data-col-accuracy]")).getText(), "no accuracy without labels");
        assertFalse(driver.findElement(By.cssSelector("[data-col-confusion]")).isDisplayed());
        assertEquals("0.4", driver.findElement(By.id("col-threshold")).getAttribute("value"));

        // Birds: a new label's card, then six views of bird.bmp and owl.jpg chosen at once (the parrot is held out).
        addLabel("birds");
        Path dir = Files.createTempDirectory("collection-views");
        List<Path> birds = write(dir, "bird", views(6, "bird.bmp", "owl.jpg"));
        card("birds").findElement(By.cssSelector("[data-label-files]"))
                .sendKeys(birds.stream().map(Path::toString).collect(Collectors.joining("\n")));
        wait.until(d -> "6".equals(card("birds").findElement(By.cssSelector("[data-label-count]")).getAttribute("data-label-count")));
        assertEquals("—", driver.findElement(By.cssSelector("[data-col-accuracy]")).getText(), "one label: nothing to tell apart");

        // Cats: six views of cat.bmp dropped on the card (a drop as the browser delivers it: files in a DataTransfer).
        addLabel("cats");
        drop(card("cats").findElement(By.cssSelector("[data-label-drop]")), views(6, "cat.bmp"));
        wait.until(d -> "6".equals(card("cats").findElement(By.cssSelector("[data-label-count]")).getAttribute("data-label-count")));

        // Accuracy, method and the confusion matrix (rows: true label; columns: answer) from the answer.
        WebElement accuracy = wait.until(d -> {
            WebElement a = d.findElement(By.cssSelector("[data-col-accuracy]"));
            return a.getText().endsWith("%") ? a : null;
        });
        assertEquals("imprinting", detail.getAttribute("data-method"));
        assertEquals("imprinting", driver.findElement(By.cssSelector("[data-col-method]")).getText());
        assertTrue(driver.findElement(By.cssSelector("[data-col-evaluation]")).getText().contains("leave-one-out"));
        assertEquals("12", driver.findElement(By.cssSelector("[data-col-examples]")).getText());
        WebElement table = driver.findElement(By.cssSelector("[data-col-confusion]"));
        assertTrue(table.isDisplayed());
        List<String> columns = table.findElements(By.cssSelector("thead th[scope=col]")).stream().skip(1).map(WebElement::getText).toList();
        assertEquals(List.of("birds", "cats"), columns);
        int right = 0;
        for (String label : List.of("birds", "cats")) {
            WebElement row = table.findElement(By.cssSelector("tr[data-true-label='" + label + "']"));
            List<WebElement> cells = row.findElements(By.cssSelector("td"));
            assertEquals(2, cells.size());
            int sum = 0;
            for (int j = 0; j < cells.size(); j++) {
                int count = Integer.parseInt(cells.get(j).getAttribute("data-count"));
                assertEquals(String.valueOf(count), cells.get(j).getText());
                sum += count;
                if (columns.get(j).equals(label)) {
                    right += count;
                    assertTrue(cells.get(j).getAttribute("class").contains("hit"));
                    if (count > 0) {
                        assertFalse(cells.get(j).getCssValue("background-color").matches("rgba\\(\\d+, \\d+, \\d+, 0\\)"),
                                "a right answer is coloured: " + cells.get(j).getCssValue("background-color"));
                    }
                }
            }
            assertEquals(6, sum, "each example of " + label + " counted once");
        }
        assertEquals(Math.round(right * 1000.0 / 12) / 10.0 + "%", accuracy.getText());
        assertTrue(right >= 11, "cats and birds told apart: " + right + " of 12");
        fullPageScreenshot("collections-taught.png");

        // Try it: the held-out parrot is a bird, by imprinting.
        WebElement answer = classify(TestImages.photo("parrot.jpg"));
        assertEquals("birds", answer.getAttribute("data-top-label"));
        assertEquals("false", answer.getAttribute("data-unknown"));
        assertEquals("imprinting", answer.getAttribute("data-method"));
        assertEquals("birds", answer.findElement(By.cssSelector("[data-col-verdict-label]")).getText());
        assertTrue(answer.findElement(By.cssSelector("[data-col-answer-facts]")).getText().contains("answered by imprinting"));
        assertEquals(List.of("birds", "cats"), answer.findElements(By.cssSelector("[data-col-ranked] li")).stream()
                .map(li -> li.getAttribute("data-label")).toList());
        WebElement photo = answer.findElement(By.cssSelector("[data-col-answer-photo]"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> decoded(photo));
        screenshot("collections-try.png");

        // A threshold above any similarity: the same parrot is now unknown (the ranking stays).
        WebElement threshold = driver.findElement(By.id("col-threshold"));
        threshold.clear();
        threshold.sendKeys("0.99");
        driver.findElement(By.cssSelector("[data-col-threshold] button[type=submit]")).click();
        wait.until(d -> d.findElement(By.cssSelector("[data-col-changed]")).getText().contains("Threshold set to 0.99"));
        WebElement unknown = classify(null); // the same photo again, with the button
        assertEquals("true", unknown.getAttribute("data-unknown"));
        assertTrue(unknown.findElement(By.cssSelector("[data-col-verdict]")).getText().startsWith("Unknown"),
                unknown.findElement(By.cssSelector("[data-col-verdict]")).getText());

        // Deleting an example (listed by the file name it came with) redraws the counts and the matrix.
        WebElement cats = card("cats");
        cats.findElement(By.cssSelector("details.col-examples summary")).click();
        WebElement first = cats.findElement(By.cssSelector("[data-example]"));
        String exampleId = first.getAttribute("data-example");
        assertTrue(first.getText().matches("(?s).+\\.(jpg|jpeg|png|bmp|webp).*"), "listed by its file name: " + first.getText());
        first.findElement(By.cssSelector("[data-example-delete]")).click();
        wait.until(d -> "5".equals(card("cats").findElement(By.cssSelector("[data-label-count]")).getAttribute("data-label-count")));
        assertTrue(card("cats").findElements(By.cssSelector("[data-example='" + exampleId + "']")).isEmpty(), "that example is gone");
        wait.until(d -> "11".equals(d.findElement(By.cssSelector("[data-col-examples]")).getText()));
        int catsRow = driver.findElements(By.cssSelector("[data-col-confusion] tr[data-true-label='cats'] td")).stream()
                .mapToInt(td -> Integer.parseInt(td.getAttribute("data-count"))).sum();
        assertEquals(5, catsRow);

        // A phone: no sideways scrolling.
        Dimension window = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            Object overflow = driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertEquals(0L, ((Number) overflow).longValue(), "page wider than a phone");
            fullPageScreenshot("collections-phone.png");
        } finally {
            driver.manage().window().setSize(window);
        }

        // The list shows it, with its labels and accuracy; Delete (confirmed) removes it.
        driver.get(collections.toString());
        WebElement item = wait.until(d -> d.findElements(By.cssSelector("[data-collection='" + id + "']")).stream().findFirst().orElse(null));
        assertTrue(item.findElement(By.cssSelector("[data-col-item-labels]")).getText().contains("birds, cats"),
                item.findElement(By.cssSelector("[data-col-item-labels]")).getText());
        assertTrue(item.findElement(By.cssSelector("[data-col-item-accuracy]")).getText().endsWith("%"));
        assertEquals("imprinting", item.findElement(By.cssSelector("[data-col-item-method]")).getText());
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            Object overflow = driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertEquals(0L, ((Number) overflow).longValue(), "list wider than a phone");
            screenshot("collections-list-phone.png");
        } finally {
            driver.manage().window().setSize(window);
        }
        item.findElement(By.cssSelector("[data-col-delete]")).click();
        driver.switchTo().alert().accept();
        wait.until(d -> d.findElements(By.cssSelector("[data-collection='" + id + "']")).isEmpty());
    }

    @Test
    void problemsShowBesideTheirControls() throws IOException {
        WebDriverWait wait = waiting(30);
        driver.get(collections.toString());
        driver.findElement(By.cssSelector("[data-col-create] button[type=submit]")).click();
        WebElement noName = driver.findElement(By.cssSelector("[data-field-error=name]"));
        assertTrue(noName.getText().contains("Give the collection a name"), noName.getText());

        // Too long for the server (the field's maxlength is bypassed, as a script could): its 400 beside the field.
        WebElement name = driver.findElement(By.id("col-name"));
        driver.executeScript("arguments[0].removeAttribute('maxlength'); arguments[0].value = 'n'.repeat(65)", name);
        driver.findElement(By.cssSelector("[data-col-create] button[type=submit]")).click();
        WebElement tooLong = wait.until(d -> d.findElements(By.cssSelector("[data-field-error=name]")).stream()
                .filter(e -> e.getText().contains("64")).findFirst().orElse(null));
        assertTrue(tooLong.getText().contains("longer than 64"), tooLong.getText());
        assertEquals("true", name.getAttribute("aria-invalid"));

        name.clear();
        name.sendKeys("errors " + System.nanoTime());
        driver.findElement(By.cssSelector("[data-col-create] button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().matches(".*/collections/[0-9a-f]{24}$"));
        wait.until(d -> d.findElement(By.cssSelector("[data-col-body]")).isDisplayed());

        // Nothing taught yet: "Try it" says so beside the form, not a blank page.
        WebElement empty = classifyExpectingError(TestImages.photo("cat.bmp"));
        assertTrue(empty.getText().contains("has no labels yet"), empty.getText());

        // A file that is not an image: the 415 beside that card's file field; the card stays unsaved.
        addLabel("notes");
        Path text = Files.createTempFile("notes", ".png");
        Files.writeString(text, "definitely not a picture");
        card("notes").findElement(By.cssSelector("[data-label-files]")).sendKeys(text.toString());
        WebElement bad = wait.until(d -> card("notes").findElements(By.cssSelector("[data-field-error=image]")).stream().findFirst().orElse(null));
        assertTrue(bad.getText().contains("Unsupported image format"), bad.getText());
        assertEquals("0", card("notes").findElement(By.cssSelector("[data-label-count]")).getAttribute("data-label-count"));

        // A name beyond ASCII survives the multipart form and the label's address: taught, then deleted.
        addLabel("héron");
        Path heron = TestImages.write(Files.createTempDirectory("heron"), "heron.png", views(1, "bird.bmp").get(0));
        card("héron").findElement(By.cssSelector("[data-label-files]")).sendKeys(heron.toAbsolutePath().toString());
        wait.until(d -> "1".equals(card("héron").findElement(By.cssSelector("[data-label-count]")).getAttribute("data-label-count")));
        assertEquals("1", driver.findElement(By.cssSelector("[data-col-examples]")).getText());
        card("héron").findElement(By.cssSelector("[data-label-delete]")).click();
        driver.switchTo().alert().accept();
        wait.until(d -> d.findElements(By.cssSelector("[data-label-card='héron']")).isEmpty());
        assertEquals("0", driver.findElement(By.cssSelector("[data-col-examples]")).getText());

        // The same label twice is refused before anything is sent, and so is "..": DELETE …/labels/.. would
        // be resolved to the collection's own address. A threshold out of range too.
        addLabelExpectingError("notes", "already a label");
        addLabelExpectingError("..", "cannot be deleted through the API");
        WebElement threshold = driver.findElement(By.id("col-threshold"));
        threshold.clear();
        threshold.sendKeys("2");
        driver.findElement(By.cssSelector("[data-col-threshold] button[type=submit]")).click();
        assertTrue(driver.findElement(By.cssSelector("[data-field-error=threshold]")).getText().contains("between"));
        screenshot("collections-errors.png");

        // An address with no such collection says so.
        driver.get(collections + "/0123456789abcdef01234567");
        WebElement gone = wait.until(d -> d.findElements(By.cssSelector("[data-col-error]:not([hidden])")).stream().findFirst().orElse(null));
        assertTrue(gone.getText().contains("No collection"), gone.getText());
        assertEquals("Collection not found", driver.findElement(By.cssSelector("[data-col-title]")).getText());
        assertFalse(driver.findElement(By.cssSelector("[data-col-body]")).isDisplayed());
    }

    // ---------------------------------------------------------------- helpers

    /** A wait that looks again when the page redrew what it looked at (a change's answer redraws the cards). */
    private static WebDriverWait waiting(int seconds) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static WebElement card(String label) {
        return driver.findElement(By.cssSelector("[data-label-card='" + label + "']"));
    }

    private static void addLabel(String label) {
        WebElement input = driver.findElement(By.id("col-label-name"));
        input.clear();
        input.sendKeys(label);
        driver.findElement(By.cssSelector("[data-col-add-label] button[type=submit]")).click();
        assertTrue(card(label).isDisplayed());
    }

    private static void addLabelExpectingError(String label, String message) {
        WebElement input = driver.findElement(By.id("col-label-name"));
        input.clear();
        input.sendKeys(label);
        driver.findElement(By.cssSelector("[data-col-add-label] button[type=submit]")).click();
        WebElement error = driver.findElement(By.cssSelector("[data-col-add-label] [data-field-error=label]"));
        assertTrue(error.getText().contains(message), error.getText());
    }

    /**
     * Chooses a photo for "Try it" (it is classified at once), or with null presses Classify for the photo
     * chosen before, and waits for a new answer.
     */
    private static WebElement classify(Path photo) {
        String before = String.valueOf(driver.executeScript(
                "const a = document.querySelector('[data-col-answer]'); return a.dataset.job || ''"));
        if (photo == null) {
            driver.findElement(By.cssSelector("[data-col-try] button[type=submit]")).click();
        } else {
            driver.findElement(By.id("col-try-file")).sendKeys(photo.toAbsolutePath().normalize().toString());
        }
        return waiting(120).until(d -> {
            WebElement a = d.findElement(By.cssSelector("[data-col-answer]"));
            String job = a.getAttribute("data-job");
            return a.isDisplayed() && job != null && !job.isEmpty() && !job.equals(before) ? a : null;
        });
    }

    private static WebElement classifyExpectingError(Path photo) {
        driver.findElement(By.id("col-try-file")).sendKeys(photo.toAbsolutePath().normalize().toString());
        return new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> d.findElements(
                By.cssSelector("[data-col-try] [data-form-error]:not([hidden])")).stream().findFirst().orElse(null));
    }

    /** Drops PNGs on an element the way a browser does: a drop event whose DataTransfer holds the files. */
    private static void drop(WebElement target, List<byte[]> pngs) {
        List<String> encoded = pngs.stream().map(b -> Base64.getEncoder().encodeToString(b)).toList();
        driver.executeScript("""
                const [zone, images] = arguments;
                const dt = new DataTransfer();
                images.forEach((b64, i) => {
                  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                  dt.items.add(new File([bytes], `dropped-${i}.png`, { type: 'image/png' }));
                });
                zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
                zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
                """, target, encoded);
    }

    private static boolean decoded(WebElement img) {
        Object w = driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth", img);
        return w instanceof Number n && n.intValue() > 0;
    }

    private static List<Path> write(Path dir, String prefix, List<byte[]> pngs) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < pngs.size(); i++) {
            files.add(TestImages.write(dir, prefix + "-" + i + ".png", pngs.get(i)).toAbsolutePath());
        }
        return files;
    }

    /** {@code n} different views of the photos: each whole, then crops, each also mirrored (as CollectionApiTest makes them). */
    private static List<byte[]> views(int n, String... photos) throws IOException {
        double[][] crops = {{1, 0.5, 0.5}, {0.85, 0.5, 0.5}, {0.85, 0, 0}, {0.85, 1, 1}, {0.85, 0, 1}, {0.85, 1, 0}};
        List<byte[]> out = new ArrayList<>();
        for (double[] c : crops) {
            for (String p : photos) {
                BufferedImage view = crop(ImageIO.read(TestImages.photo(p).toFile()), c[0], c[1], c[2]);
                out.add(TestImages.encode(view, "png"));
                out.add(TestImages.encode(flip(view), "png"));
                if (out.size() >= n) {
                    return out.subList(0, n);
                }
            }
        }
        throw new IllegalArgumentException("not that many views");
    }

    private static BufferedImage crop(BufferedImage image, double f, double x, double y) {
        int w = (int) (image.getWidth() * f);
        int h = (int) (image.getHeight() * f);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.createGraphics().drawImage(image.getSubimage((int) ((image.getWidth() - w) * x), (int) ((image.getHeight() - h) * y),
                w, h), 0, 0, null);
        return out;
    }

    private static BufferedImage flip(BufferedImage image) {
        AffineTransform t = AffineTransform.getScaleInstance(-1, 1);
        t.translate(-image.getWidth(), 0);
        return new AffineTransformOp(t, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, null);
    }
}
