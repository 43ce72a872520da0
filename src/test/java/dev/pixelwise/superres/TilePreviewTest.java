package dev.pixelwise.superres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TilePreviewTest {

    @TempDir
    Path dir;

    private long now;

    /** 10×6 input, ×2, tiles of 4: three tiles in the first row, three in the second. */
    private TilePreview preview() {
        return new TilePreview(dir.resolve(TilePreview.FILE), 10, 6, 2, 4, () -> now);
    }

    private static int[] output() {
        int[] out = new int[20 * 12];
        for (int i = 0; i < out.length; i++) {
            out[i] = (i * 2654435761L) > 0 ? (int) (i * 7919) & 0xFFFFFF : 0x123456;
        }
        return out;
    }

    @Test
    void finishedTilesAreOpaqueAndTheRestTransparent() {
        int[] out = output();
        BufferedImage p = preview().render(out, 2);
        assertEquals(20, p.getWidth());
        assertEquals(12, p.getHeight());
        assertEquals(0xFF000000 | out[1 * 20 + 1], p.getRGB(1, 1), "first tile");
        assertEquals(0xFF000000 | out[1 * 20 + 9], p.getRGB(9, 1), "second tile");
        assertEquals(0, p.getRGB(17, 1) >>> 24, "third tile not done");
        assertEquals(0, p.getRGB(1, 10) >>> 24, "second row not done");
        BufferedImage all = preview().render(out, 6);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 20; x++) {
                assertEquals(0xFF000000 | out[y * 20 + x], all.getRGB(x, y));
            }
        }
    }

    @Test
    void aLargeOutputIsSampledToThePreviewSide() {
        TilePreview big = new TilePreview(dir.resolve(TilePreview.FILE), 1000, 500, 4, 128, () -> now);
        BufferedImage p = big.render(new int[4000 * 2000], 1);
        assertEquals(TilePreview.SIDE, p.getWidth());
        assertEquals(TilePreview.SIDE / 2, p.getHeight());
    }

    @Test
    void writtenAtMostEveryIntervalAndAlwaysAtTheEnd() throws Exception {
        TilePreview p = preview();
        int[] out = output();
        Path file = dir.resolve(TilePreview.FILE);
        p.tiles(out, 1, 6);
        assertFalse(Files.exists(file), "too soon after the start");
        now += TilePreview.EVERY_NANOS;
        p.tiles(out, 2, 6);
        assertTrue(Files.exists(file));
        assertEquals(0, ImageIO.read(file.toFile()).getRGB(17, 1) >>> 24);
        p.tiles(out, 3, 6);
        assertEquals(0, ImageIO.read(file.toFile()).getRGB(17, 1) >>> 24, "not rewritten within the interval");
        p.tiles(out, 6, 6);
        assertEquals(0xFF, ImageIO.read(file.toFile()).getRGB(17, 10) >>> 24, "the last tile always writes it, whole");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }
}
