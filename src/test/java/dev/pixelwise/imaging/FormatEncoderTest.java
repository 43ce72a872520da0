package dev.pixelwise.imaging;

import dev.pixelwise.TestImages;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FormatEncoderTest {

    @Test
    void formatIdsRoundTripAndUnknownIdsAreRefused() {
        for (CompressedFormat f : CompressedFormat.values()) {
            assertEquals(f, CompressedFormat.fromId(f.id()));
        }
        assertEquals("webp-lossless", CompressedFormat.WEBP_LOSSLESS.id());
        assertEquals("jpg", CompressedFormat.JPEG.extension());
        assertEquals("image/avif", CompressedFormat.AVIF.mediaType());
        assertTrue(!CompressedFormat.WEBP_LOSSLESS.lossy() && CompressedFormat.WEBP.lossy());
        assertThrows(IllegalArgumentException.class, () -> CompressedFormat.fromId("gif"));
        assertThrows(IllegalArgumentException.class, () -> CompressedFormat.fromId("WEBP"));
    }

    @Test
    void qualityOutsideZeroToHundredIsRefused() {
        BufferedImage img = photoLike(32, 32, 1, false);
        assertThrows(IllegalArgumentException.class, () -> FormatEncoder.encode(CompressedFormat.JPEG, img, 101));
        assertThrows(IllegalArgumentException.class, () -> FormatEncoder.encode(CompressedFormat.WEBP, img, -1));
    }

    @Test
    void losslessWebpRoundTripsExactly() {
        assertTrue(FormatEncoder.available(CompressedFormat.WEBP_LOSSLESS));
        BufferedImage opaque = photoLike(97, 61, 2, false);
        BufferedImage translucent = photoLike(97, 61, 3, true); // includes alpha 0 over non-black colours
        int[] palette = {0xFF102030, 0xFFE0D0C0, 0x80FF0000, 0x00000000, 0xFF00FF00};
        byte[] indices = new byte[50 * 30];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = (byte) ((i * 7 + i / 50) % palette.length);
        }
        BufferedImage paletted = readPng(PngWriter.singleThreaded().indexed(50, 30, palette, indices, PngWriter.Effort.FAST));
        for (BufferedImage img : List.of(opaque, translucent, paletted)) {
            byte[] webp = FormatEncoder.encode(CompressedFormat.WEBP_LOSSLESS, img, 0);
            BufferedImage back = FormatEncoder.decode(CompressedFormat.WEBP_LOSSLESS, webp);
            assertEquals(img.getColorModel().hasAlpha(), back.getColorModel().hasAlpha());
            assertArrayEquals(argb(img), argb(back), "pixels of a " + img.getWidth() + "×" + img.getHeight() + " image");
        }
    }

    @Test
    void lossyWebpKeepsAlphaAndDecodesCloseToTheOriginal() {
        BufferedImage img = photoLike(128, 96, 4, true);
        BufferedImage back = FormatEncoder.decode(CompressedFormat.WEBP, FormatEncoder.encode(CompressedFormat.WEBP, img, 90));
        assertTrue(back.getColorModel().hasAlpha());
        assertEquals(0, back.getRGB(0, 0) >>> 24, "the transparent corner stays transparent");
        BufferedImage opaque = photoLike(128, 96, 4, false);
        BufferedImage decoded = FormatEncoder.decode(CompressedFormat.WEBP, FormatEncoder.encode(CompressedFormat.WEBP, opaque, 90));
        assertTrue(ImageQuality.psnr(argb(opaque), argb(decoded)) > 30, "lossy WebP at quality 90 decodes close to the original");
    }

    @Test
    void jpegOfAnAlphaImageIsCompositedOnWhite() {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                // left: transparent red; right: half-transparent black
                img.setRGB(x, y, x < 32 ? 0x00FF0000 : 0x80000000);
            }
        }
        BufferedImage back = FormatEncoder.decode(CompressedFormat.JPEG, FormatEncoder.encode(CompressedFormat.JPEG, img, 95));
        assertTrue(!back.getColorModel().hasAlpha());
        int left = back.getRGB(8, 16);
        int right = back.getRGB(56, 16);
        for (int shift : new int[]{16, 8, 0}) {
            assertTrue((left >> shift & 0xFF) >= 250, "white where transparent: " + Integer.toHexString(left));
            assertTrue(Math.abs((right >> shift & 0xFF) - 127) <= 4, "grey where half black: " + Integer.toHexString(right));
        }
    }

    @Test
    void fittingNeverExceedsTheBudgetAndFindsTheHighestQuality() {
        BufferedImage img = photoLike(160, 120, 5, false);
        for (CompressedFormat f : List.of(CompressedFormat.WEBP, CompressedFormat.JPEG)) {
            long q90 = FormatEncoder.encode(f, img, 90).length;
            for (long budget : new long[]{q90 / 4, q90 / 2, q90 - 1, q90, q90 * 3}) {
                FormatEncoder.Encoded e = FormatEncoder.fitting(f, img, budget);
                if (e == null) {
                    assertTrue(FormatEncoder.encode(f, img, 0).length > budget, f + " null although quality 0 fits " + budget);
                    continue;
                }
                assertEquals(f, e.format());
                assertTrue(e.bytes().length <= budget, f + " " + e.bytes().length + " > " + budget);
                assertArrayEquals(FormatEncoder.encode(f, img, e.quality()), e.bytes(), "the file is the encode at its quality");
                assertEquals(highestByScan(f, img, budget), e.quality(), f + " within " + budget + " bytes");
            }
            assertEquals(90, FormatEncoder.fitting(f, img, q90).quality());
        }
    }

    @Test
    void fittingReturnsNullWhenEvenTheLowestQualityIsTooBig() {
        BufferedImage img = photoLike(64, 64, 6, false);
        for (CompressedFormat f : List.of(CompressedFormat.WEBP, CompressedFormat.JPEG, CompressedFormat.WEBP_LOSSLESS)) {
            assertNull(FormatEncoder.fitting(f, img, 40), f.id());
            assertNull(FormatEncoder.fitting(f, img, 0), f.id());
        }
    }

    @Test
    void losslessFitsWhole() {
        BufferedImage img = photoLike(64, 64, 7, false);
        int size = FormatEncoder.encode(CompressedFormat.WEBP_LOSSLESS, img, 0).length;
        FormatEncoder.Encoded e = FormatEncoder.fitting(CompressedFormat.WEBP_LOSSLESS, img, size);
        assertNotNull(e);
        assertEquals(size, e.bytes().length);
        assertNull(FormatEncoder.fitting(CompressedFormat.WEBP_LOSSLESS, img, size - 1));
    }

    @Test
    void aLargerBudgetNeverGivesALowerQuality() {
        BufferedImage img = photoLike(120, 90, 8, false);
        for (CompressedFormat f : List.of(CompressedFormat.WEBP, CompressedFormat.JPEG)) {
            int previous = -1;
            for (long budget = 1500; budget <= 40_000; budget = budget * 5 / 4) {
                FormatEncoder.Encoded e = FormatEncoder.fitting(f, img, budget);
                int q = e == null ? -1 : e.quality();
                assertTrue(q >= previous, f + " at " + budget + " bytes: quality " + q + " after " + previous);
                previous = q;
            }
            assertEquals(100, previous, f + ": the largest budget fits quality 100");
        }
    }

    /** kite_and_cold is 1.2 MP: large enough for the sampled search, on a real photo. */
    @Test
    void sampledSearchOnAPhotoStaysWithinTheBudgetAndNearTheHighestQuality() throws IOException {
        BufferedImage photo = ImageIO.read(TestImages.photo("kite_and_cold.jpg").toFile());
        for (CompressedFormat f : List.of(CompressedFormat.WEBP, CompressedFormat.JPEG)) {
            for (long budget : new long[]{60_000, 200_000}) {
                FormatEncoder.Trace trace = new FormatEncoder.Trace();
                FormatEncoder.Encoded e = FormatEncoder.fitting(f, photo, budget, FormatEncoder.Search.DEFAULT, trace);
                assertNotNull(e);
                assertTrue(e.bytes().length <= budget);
                assertTrue(trace.sample > 0, "took the sampled path");
                int exact = highestByBisection(f, photo, budget);
                assertTrue(e.quality() <= exact && e.quality() >= exact - 2,
                        f + " at " + budget + ": found " + e.quality() + ", highest " + exact + "; steps" + trace.steps);
            }
        }
    }

    /** One job asks for one photo at many budgets: sharing the encodes must not change any answer. */
    @Test
    void sharedEncodingsAnswerEveryBudgetAsAFreshSearchWouldWithFewerEncodes() throws IOException {
        BufferedImage photo = ImageIO.read(TestImages.photo("kite_and_cold.jpg").toFile());
        for (CompressedFormat f : List.of(CompressedFormat.WEBP, CompressedFormat.JPEG)) {
            try (FormatEncoder.Encodings shared = new FormatEncoder.Encodings(f, photo)) {
                shared.at(50);  // as the job's curve does first
                shared.at(90);
                int fresh = 0;
                for (long budget : new long[]{60_000, 200_000, 120_000, 61_000}) {
                    FormatEncoder.Trace trace = new FormatEncoder.Trace();
                    FormatEncoder.Encoded alone = FormatEncoder.fitting(f, photo, budget, FormatEncoder.Search.DEFAULT, trace);
                    fresh += trace.full;
                    FormatEncoder.Encoded reused = shared.fitting(budget);
                    assertTrue(reused.bytes().length <= budget, f + " over " + budget);
                    int exact = highestByBisection(f, photo, budget);
                    assertTrue(reused.quality() <= exact && reused.quality() >= exact - 2,
                            f + " at " + budget + ": found " + reused.quality() + ", highest " + exact);
                    assertTrue(Math.abs(reused.quality() - alone.quality()) <= 2, f + " at " + budget + ": shared "
                            + reused.quality() + ", alone " + alone.quality());
                    assertArrayEquals(FormatEncoder.encode(f, photo, reused.quality()), reused.bytes());
                }
                assertTrue(shared.fullEncodes() - 2 < fresh,
                        f + ": " + (shared.fullEncodes() - 2) + " full encodes shared against " + fresh + " alone");
            }
        }
    }

    @Test
    void sharedEncodingsEncodeEachQualityOnceUnderConcurrentCallers() throws Exception {
        BufferedImage img = photoLike(150, 100, 12, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FormatEncoder.Encodings shared = new FormatEncoder.Encodings(CompressedFormat.WEBP, img)) {
            List<Future<byte[]>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(pool.submit(() -> shared.at(75)));
            }
            byte[] first = calls.get(0).get();
            for (Future<byte[]> c : calls) {
                assertArrayEquals(first, c.get());
            }
            assertEquals(1, shared.fullEncodes());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void concurrentCallsGiveTheSameFilesAsSequentialOnes() throws Exception {
        BufferedImage img = photoLike(150, 100, 9, true);
        List<CompressedFormat> formats = List.of(CompressedFormat.WEBP, CompressedFormat.JPEG, CompressedFormat.WEBP,
                CompressedFormat.JPEG, CompressedFormat.WEBP_LOSSLESS, CompressedFormat.WEBP_LOSSLESS);
        List<byte[]> sequential = new ArrayList<>();
        for (CompressedFormat f : formats) {
            sequential.add(FormatEncoder.fitting(f, img, 60_000).bytes());
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<byte[]>> parallel = new ArrayList<>();
            for (CompressedFormat f : formats) {
                parallel.add(pool.submit(() -> FormatEncoder.fitting(f, img, 60_000).bytes()));
            }
            for (int i = 0; i < formats.size(); i++) {
                assertArrayEquals(sequential.get(i), parallel.get(i).get(), formats.get(i).id());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void avifRoundTripsWhenAvifencIsInstalled() throws IOException {
        assumeTrue(FormatEncoder.available(CompressedFormat.AVIF), "avifenc not on PATH");
        long tempDirsBefore = avifTempDirs();
        BufferedImage img = photoLike(96, 64, 10, false);
        byte[] avif = FormatEncoder.encode(CompressedFormat.AVIF, img, 80);
        assertEquals("ftyp", new String(avif, 4, 4, StandardCharsets.US_ASCII));
        BufferedImage back = FormatEncoder.decode(CompressedFormat.AVIF, avif);
        assertEquals(96, back.getWidth());
        assertEquals(64, back.getHeight());
        assertTrue(ImageQuality.psnr(argb(img), argb(back)) > 28);
        FormatEncoder.Encoded e = FormatEncoder.fitting(CompressedFormat.AVIF, img, avif.length);
        assertTrue(e.quality() >= 80 && e.bytes().length <= avif.length, "quality " + e.quality());
        assertEquals(tempDirsBefore, avifTempDirs(), "temporary folders are deleted");
    }

    private static long avifTempDirs() throws IOException {
        try (var list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.filter(p -> p.getFileName().toString().startsWith("pixelwise-avif")).count();
        }
    }

    /** Highest quality whose encode fits, by trying them all from the top (small images only). */
    private static int highestByScan(CompressedFormat f, BufferedImage img, long budget) {
        for (int q = 100; q >= 0; q--) {
            if (FormatEncoder.encode(f, img, q).length <= budget) {
                return q;
            }
        }
        return -1;
    }

    /** Highest quality whose encode fits, by bisection on full encodes (size grows with quality). */
    private static int highestByBisection(CompressedFormat f, BufferedImage img, long budget) {
        int lo = -1;
        int hi = 101;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (FormatEncoder.encode(f, img, mid).length <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Smooth gradients, a few hard-edged discs and noise; with alpha, a transparent corner and a ramp. */
    static BufferedImage photoLike(int w, int h, long seed, boolean alpha) {
        Random random = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        double[][] discs = new double[4][];
        for (int i = 0; i < discs.length; i++) {
            discs[i] = new double[]{random.nextInt(w), random.nextInt(h), 4 + random.nextInt(Math.max(5, w / 4)), random.nextInt(0x1000000)};
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (int) (128 + 100 * Math.sin(x / 9.0));
                int g = 255 * y / h;
                int b = 255 * (x + y) / (w + h);
                for (double[] d : discs) {
                    if (Math.hypot(x - d[0], y - d[1]) < d[2]) {
                        int c = (int) d[3];
                        r = c >> 16 & 0xFF;
                        g = c >> 8 & 0xFF;
                        b = c & 0xFF;
                    }
                }
                r = clamp(r + random.nextInt(17) - 8);
                g = clamp(g + random.nextInt(17) - 8);
                b = clamp(b + random.nextInt(17) - 8);
                int a = 255;
                if (alpha) {
                    a = x < w / 4 && y < h / 4 ? 0 : Math.min(255, 64 + 255 * x / w);
                }
                img.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static int[] argb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static BufferedImage readPng(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
