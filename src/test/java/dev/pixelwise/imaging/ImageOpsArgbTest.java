package dev.pixelwise.imaging;

import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The fast whole-image read gives exactly what getRGB gives, for every layout, shared or not. */
class ImageOpsArgbTest {

    private static BufferedImage random(int type, int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, type);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, r.nextInt());
            }
        }
        return image;
    }

    private static void same(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        assertArrayEquals(image.getRGB(0, 0, w, h, null, 0, w), ImageOps.argb(image), "type " + image.getType());
    }

    @Test
    void everyLayoutReadsAsGetRgbDoes() {
        int[] types = {BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB_PRE,
                BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_BYTE_INDEXED,
                BufferedImage.TYPE_4BYTE_ABGR_PRE, BufferedImage.TYPE_USHORT_565_RGB};
        long seed = 1;
        for (int type : types) {
            same(random(type, 37, 23, seed++));
            same(random(type, 1, 1, seed++));
        }
    }

    @Test
    void sharedAndOddRastersFallBackToGetRgb() {
        BufferedImage big = random(BufferedImage.TYPE_INT_ARGB, 40, 30, 7);
        same(big.getSubimage(5, 3, 20, 10)); // shares the parent's buffer with an offset
        BufferedImage bgr = random(BufferedImage.TYPE_3BYTE_BGR, 40, 30, 8);
        same(bgr.getSubimage(1, 1, 38, 28));
        // a linear-RGB image: its colour model converts, so the bytes are not sRGB values
        BufferedImage linear = new ColorConvertOp(ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB), null)
                .filter(random(BufferedImage.TYPE_INT_RGB, 20, 10, 9), null);
        same(linear);
    }

    @Test
    void theIntRgbTopByteIsIgnoredAsTheColourModelDoes() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        int[] data = ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();
        data[0] = 0x12345678;
        data[1] = 0x00ABCDEF;
        data[2] = 0xFF000001;
        same(image);
    }
}
