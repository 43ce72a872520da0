package dev.pixelwise.imaging;

import dev.pixelwise.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageEncoderTest {

    @TempDir
    Path tmp;

    @Test
    void choosesTheSmallestBitDepth() {
        assertEquals(1, ImageEncoder.bitDepthFor(1));
        assertEquals(1, ImageEncoder.bitDepthFor(2));
        assertEquals(2, ImageEncoder.bitDepthFor(3));
        assertEquals(2, ImageEncoder.bitDepthFor(4));
        assertEquals(4, ImageEncoder.bitDepthFor(5));
        assertEquals(4, ImageEncoder.bitDepthFor(16));
        assertEquals(8, ImageEncoder.bitDepthFor(17));
        assertEquals(8, ImageEncoder.bitDepthFor(256));
        assertThrows(IllegalArgumentException.class, () -> ImageEncoder.bitDepthFor(257));
    }

    @Test
    void indexedPngRoundTripsAtEveryDepth() throws IOException {
        for (int colors : new int[]{2, 3, 7, 16, 40, 256}) {
            int w = 37; // odd width exercises the packed-row padding
            int h = 11;
            int[] palette = new int[colors];
            for (int i = 0; i < colors; i++) {
                palette[i] = 0xFF000000 | (i * 97 % 256) << 16 | (i * 31 % 256) << 8 | (255 - i);
            }
            byte[] indices = new byte[w * h];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = (byte) ((i * 7 + i / w) % colors);
            }
            Path file = tmp.resolve("p" + colors + ".png");
            long bytes = ImageEncoder.writeIndexedPng(w, h, palette, indices, file);
            assertTrue(bytes > 0);
            BufferedImage back = ImageIO.read(file.toFile());
            assertTrue(back.getColorModel() instanceof IndexColorModel, "stays a palette PNG");
            assertEquals(ImageEncoder.bitDepthFor(colors), back.getColorModel().getPixelSize(), colors + " colours");
            for (int i = 0; i < indices.length; i++) {
                assertEquals(palette[indices[i] & 0xFF], back.getRGB(i % w, i / w), "pixel " + i + " of " + colors);
            }
        }
    }

    @Test
    void indexedPngKeepsTransparency() throws IOException {
        int[] palette = {0x00000000, 0xFFFF0000};
        byte[] indices = {0, 1, 1, 0};
        Path file = tmp.resolve("alpha.png");
        ImageEncoder.writeIndexedPng(2, 2, palette, indices, file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(0, back.getRGB(0, 0) >>> 24);
        assertEquals(0xFFFF0000, back.getRGB(1, 0));
    }

    @Test
    void pngAndJpegWriteDecodableFiles() throws IOException {
        BufferedImage card = TestImages.quadrants(64, 48);
        Path png = tmp.resolve("card.png");
        ImageEncoder.writePng(card, png);
        assertEquals(card.getRGB(50, 40), ImageIO.read(png.toFile()).getRGB(50, 40));
        Path jpg = tmp.resolve("card.jpg");
        ImageEncoder.writeJpeg(card, 0.9f, jpg);
        assertEquals(64, ImageIO.read(jpg.toFile()).getWidth());
    }

    @Test
    void fitScalesDownKeepingAspect() {
        BufferedImage small = ImageOps.fit(TestImages.quadrants(1000, 500), 256);
        assertEquals(256, small.getWidth());
        assertEquals(128, small.getHeight());
        BufferedImage same = ImageOps.fit(TestImages.quadrants(100, 50), 256);
        assertEquals(100, same.getWidth(), "never enlarges");
    }
}
