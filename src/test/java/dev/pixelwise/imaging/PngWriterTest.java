package dev.pixelwise.imaging;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PngWriterTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(3);

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    /** PngSuite-style: every bit depth, with and without alpha, odd widths, each effort, one and several threads. */
    @Test
    void palettePngsDecodeToExactlyThePixelsMeant() throws IOException {
        Random random = new Random(7);
        for (int colors : new int[] {2, 3, 4, 5, 16, 17, 200, 256}) {
            for (boolean alpha : new boolean[] {false, true}) {
                int[] palette = new int[colors];
                for (int i = 0; i < colors; i++) {
                    int a = alpha && i % 3 == 0 ? (i * 53) % 255 : 0xFF;
                    palette[i] = a << 24 | random.nextInt(1 << 24);
                }
                for (int[] size : new int[][] {{1, 1}, {7, 3}, {33, 17}, {301, 211}}) {
                    int w = size[0];
                    int h = size[1];
                    byte[] indices = new byte[w * h];
                    for (int i = 0; i < indices.length; i++) {
                        // smooth runs with noise: every filter gets something to do
                        indices[i] = (byte) ((i % w / 5 + i / w / 3 + (random.nextInt(8) == 0 ? random.nextInt(colors) : 0)) % colors);
                    }
                    for (PngWriter.Effort effort : PngWriter.Effort.values()) {
                        for (PngWriter writer : List.of(PngWriter.singleThreaded(), new PngWriter(POOL, 3))) {
                            byte[] png = writer.indexed(w, h, palette, indices, effort);
                            String what = colors + " colours, alpha " + alpha + ", " + w + "×" + h + ", " + effort;
                            BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
                            assertTrue(back.getColorModel() instanceof IndexColorModel, what);
                            assertEquals(ImageEncoder.bitDepthFor(colors), back.getColorModel().getPixelSize(), what);
                            int[] got = back.getRGB(0, 0, w, h, null, 0, w);
                            for (int i = 0; i < got.length; i++) {
                                int want = palette[indices[i] & 0xFF];
                                if (want >>> 24 == 0) {
                                    assertEquals(0, got[i] >>> 24, what + " pixel " + i);
                                } else {
                                    assertEquals(want, got[i], what + " pixel " + i);
                                }
                            }
                            List<String> chunks = chunks(png);
                            boolean translucent = false;
                            for (int c : palette) {
                                translucent |= c >>> 24 != 0xFF;
                            }
                            List<String> expected = translucent
                                    ? List.of("IHDR", "PLTE", "tRNS", "IDAT", "IEND") : List.of("IHDR", "PLTE", "IDAT", "IEND");
                            assertEquals(expected, chunks, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void manyThreadsWriteTheSamePixelsAsOne() throws IOException {
        int w = 1500;
        int h = 1400;
        int[] palette = new int[64];
        for (int i = 0; i < 64; i++) {
            palette[i] = 0xFF000000 | i * 0x030405;
        }
        byte[] indices = new byte[w * h];
        Random random = new Random(3);
        for (int i = 0; i < indices.length; i++) {
            indices[i] = (byte) ((i / 97 + random.nextInt(3)) % 64);
        }
        byte[] one = PngWriter.singleThreaded().indexed(w, h, palette, indices, PngWriter.Effort.DEFAULT);
        byte[] many = new PngWriter(POOL, 3).indexed(w, h, palette, indices, PngWriter.Effort.DEFAULT);
        int[] a = ImageIO.read(new ByteArrayInputStream(one)).getRGB(0, 0, w, h, null, 0, w);
        int[] b = ImageIO.read(new ByteArrayInputStream(many)).getRGB(0, 0, w, h, null, 0, w);
        assertArrayEquals(a, b);
        // blocks restart their Huffman tables but keep the previous 32 KiB as dictionary: little is lost
        assertTrue(many.length < one.length * 1.02, many.length + " vs " + one.length);
    }

    @Test
    void maxEffortIsNeverLargerThanDefault() {
        int w = 200;
        int h = 120;
        int[] palette = {0xFFFFFFFF, 0xFF000000, 0xFF808080, 0xFFFF0000, 0xFF00FF00};
        byte[] indices = new byte[w * h];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = (byte) ((i % w) * 5 / w);
        }
        PngWriter writer = PngWriter.singleThreaded();
        int fast = writer.indexed(w, h, palette, indices, PngWriter.Effort.FAST).length;
        int def = writer.indexed(w, h, palette, indices, PngWriter.Effort.DEFAULT).length;
        int max = writer.indexed(w, h, palette, indices, PngWriter.Effort.MAX).length;
        assertTrue(max <= def && def <= fast, fast + " / " + def + " / " + max);
    }

    @Test
    void truecolourRoundTripsWithAndWithoutAlpha() throws IOException {
        int w = 97;
        int h = 61;
        int[] argb = new int[w * h];
        Random random = new Random(11);
        for (int i = 0; i < argb.length; i++) {
            int x = i % w;
            int y = i / w;
            argb[i] = (x * 255 / w) << 24 | (x * 2 & 0xFF) << 16 | (y * 4 & 0xFF) << 8 | random.nextInt(256);
        }
        for (PngWriter.Effort effort : PngWriter.Effort.values()) {
            byte[] rgba = new PngWriter(POOL, 2).truecolor(w, h, argb, true, effort);
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(rgba));
            assertArrayEquals(argb, back.getRGB(0, 0, w, h, null, 0, w), effort + " RGBA");
            byte[] rgb = new PngWriter(POOL, 2).truecolor(w, h, argb, false, effort);
            int[] opaque = ImageIO.read(new ByteArrayInputStream(rgb)).getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                assertEquals(0xFF000000 | argb[i], opaque[i], effort + " RGB pixel " + i);
            }
        }
    }

    /** Chunk types in order, each CRC checked. */
    private static List<String> chunks(byte[] png) {
        List<String> types = new ArrayList<>();
        int p = 8;
        while (p < png.length) {
            int len = (png[p] & 0xFF) << 24 | (png[p + 1] & 0xFF) << 16 | (png[p + 2] & 0xFF) << 8 | png[p + 3] & 0xFF;
            String type = new String(png, p + 4, 4, StandardCharsets.US_ASCII);
            CRC32 crc = new CRC32();
            crc.update(png, p + 4, 4 + len);
            int stored = (png[p + 8 + len] & 0xFF) << 24 | (png[p + 9 + len] & 0xFF) << 16
                    | (png[p + 10 + len] & 0xFF) << 8 | png[p + 11 + len] & 0xFF;
            assertEquals((int) crc.getValue(), stored, type + " CRC");
            types.add(type);
            p += 12 + len;
        }
        return types;
    }
}
