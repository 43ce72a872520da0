package dev.pixelwise.imaging;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageOpsTest {

    @Test
    void shrinkBicubicSamplesAtPixelCentres() {
        // value 2x + 40: each ×4 output pixel must land on its block's centre, 4i + 1.5 (ResampleOp lands on 4i)
        BufferedImage ramp = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int v = 2 * x + 40;
                ramp.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        BufferedImage small = ImageOps.shrinkBicubic(ramp, 16, 16);
        assertEquals(16, small.getWidth());
        assertEquals(16, small.getHeight());
        for (int i = 2; i < 14; i++) { // away from the borders, where the kernel is cut off
            assertEquals(2 * (4 * i + 1.5) + 40, small.getRGB(i, 8) & 0xFF, 0.5, "column " + i);
        }
    }

    @Test
    void shrinkBicubicKeepsFlatColourAndAlpha() {
        BufferedImage flat = new BufferedImage(30, 20, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                flat.setRGB(x, y, 0x80336699);
            }
        }
        BufferedImage small = ImageOps.shrinkBicubic(flat, 10, 7);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(0x80336699, small.getRGB(x, y));
            }
        }
    }
}
