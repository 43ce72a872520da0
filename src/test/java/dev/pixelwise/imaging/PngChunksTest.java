package dev.pixelwise.imaging;

import dev.pixelwise.TestImages;
import dev.pixelwise.quantize.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class PngChunksTest {

    @TempDir
    Path tmp;

    @Test
    void pixelsOnlyKeepsThePixelsAndDropsTheMetadata() throws IOException {
        for (boolean alpha : new boolean[]{false, true}) {
            BufferedImage img = new BufferedImage(37, 21, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            int[] px = Fixtures.photo(37, 21, 3);
            if (alpha) {
                for (int i = 0; i < px.length; i++) {
                    px[i] = (px[i] & 0xFFFFFF) | (i % 256) << 24;
                }
            }
            img.setRGB(0, 0, 37, 21, px, 0, 37);
            byte[] png = TestImages.encode(img, "png");
            png = TestImages.withChunk(png, "tEXt", "Author\0secret-name".getBytes(StandardCharsets.ISO_8859_1));
            png = TestImages.withChunk(png, "eXIf", "MM\0*GPSLatitude".getBytes(StandardCharsets.ISO_8859_1));
            png = TestImages.withChunk(png, "gAMA", ByteBuffer.allocate(4).putInt(45455).array());
            png = TestImages.withChunk(png, "tIME", new byte[]{7, (byte) 0xE8, 5, 1, 12, 0, 0});

            byte[] copy = PngChunks.pixelsOnly(TestImages.write(tmp, "meta" + alpha + ".png", png));

            assertEquals(List.of("IHDR", "IDAT", "IEND"), chunks(copy).stream().distinct().toList());
            String text = new String(copy, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("secret-name") || text.contains("GPSLatitude"), "metadata left in the copy");
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(copy));
            assertArrayEquals(img.getRGB(0, 0, 37, 21, null, 0, 37), back.getRGB(0, 0, 37, 21, null, 0, 37));
        }
    }

    @Test
    void pixelsOnlyKeepsPaletteAndTransparency() throws IOException {
        Path basn = TestImages.SHARED.resolve("conformance/pngsuite/tbbn3p08.png");
        byte[] copy = PngChunks.pixelsOnly(basn);
        List<String> kept = chunks(copy);
        assertEquals(List.of("IHDR", "PLTE", "tRNS", "IDAT", "IEND"), kept.stream().distinct().toList());
        BufferedImage original = ImageIO.read(basn.toFile());
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(copy));
        int w = original.getWidth(), h = original.getHeight();
        assertArrayEquals(original.getRGB(0, 0, w, h, null, 0, w), back.getRGB(0, 0, w, h, null, 0, w));
    }

    private static List<String> chunks(byte[] png) {
        List<String> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(png, 8, png.length - 8);
        while (b.remaining() >= 12) {
            int length = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            out.add(new String(type, StandardCharsets.US_ASCII));
            b.position(b.position() + length + 4);
        }
        return out;
    }
}
