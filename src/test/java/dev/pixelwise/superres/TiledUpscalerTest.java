package dev.pixelwise.superres;

import dev.pixelwise.imaging.ImageOps;
import org.junit.jupiter.api.Test;

import java.awt.image.DataBufferInt;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.concurrent.CancellationException;

class TiledUpscalerTest {

    /** A stand-in network: nearest-neighbour enlargement, which is exact under any tiling. */
    static int[] nearest(int[] rgb, int w, int h, int s) {
        int[] out = new int[w * s * h * s * 3];
        for (int y = 0; y < h * s; y++) {
            for (int x = 0; x < w * s; x++) {
                System.arraycopy(rgb, ((y / s) * w + x / s) * 3, out, (y * w * s + x) * 3, 3);
            }
        }
        return out;
    }

    /** Interleaved R, G, B of a w × h image as packed 0xRRGGBB, what {@link TiledUpscaler.Outcome#rgb()} holds. */
    static int[] packed(int[] rgb, int w, int h) {
        return ((DataBufferInt) ImageOps.fromInterleavedRgb(rgb, w, h).getRaster().getDataBuffer()).getData();
    }

    static int[] noise(int w, int h) {
        Random r = new Random(3);
        int[] rgb = new int[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = r.nextInt(256);
        }
        return rgb;
    }

    @Test
    void countsTilesDoneOfTotal() {
        List<String> told = new ArrayList<>();
        new TiledUpscaler((in, tw, th) -> nearest(in, tw, th, 2), 2, 32)
                .upscaleCounting(noise(70, 45), 70, 45, (done, total) -> told.add(done + "/" + total));
        assertEquals(List.of("1/6", "2/6", "3/6", "4/6", "5/6", "6/6"), told);
    }

    @Test
    void tilesAssembleTheWholeImageWithProgressPerTile() {
        int w = 70;
        int h = 45;
        int[] rgb = noise(w, h);
        List<Double> progress = new ArrayList<>();
        TiledUpscaler.Outcome out = new TiledUpscaler((in, tw, th) -> nearest(in, tw, th, 3), 3, 32)
                .upscale(rgb, w, h, progress::add);
        assertArrayEquals(packed(nearest(rgb, w, h, 3), w * 3, h * 3), out.rgb());
        assertEquals(6, out.tiles(), "3 × 2 tiles of 32");
        assertEquals(0, out.retriedTiles());
        assertEquals(6, progress.size());
        assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);
    }

    /** Tiles of equal size: one input shape for the network where full tiles and a remainder made four. */
    @Test
    void tilesOfEqualSizeGiveTheNetworkOneShape() {
        int w = 250;
        int h = 230;
        int[] rgb = noise(w, h);
        java.util.Set<String> shapes = new java.util.HashSet<>();
        TiledUpscaler.Outcome out = new TiledUpscaler((in, tw, th) -> {
            shapes.add(tw + "x" + th);
            return nearest(in, tw, th, 2);
        }, 2, 128).upscale(rgb, w, h, p -> {
        });
        assertArrayEquals(packed(nearest(rgb, w, h, 2), w * 2, h * 2), out.rgb());
        assertEquals(4, out.tiles());
        assertEquals(java.util.Set.of("141x131"), shapes, "125×115 tiles, each with 16 px of context inside the image");
        for (int[] c : new int[][]{{70, 45, 32}, {4096, 7, 32}, {1000, 750, 128}, {33, 33, 32}, {5, 5, 32}}) {
            TiledUpscaler.Grid g = TiledUpscaler.Grid.of(c[0], c[1], c[2]);
            assertEquals((c[0] + c[2] - 1) / c[2], g.cols(), java.util.Arrays.toString(c));
            assertEquals((c[1] + c[2] - 1) / c[2], g.rows(), java.util.Arrays.toString(c));
            assertTrue(g.tileW() <= c[2] && (g.cols() - 1) * g.tileW() < c[0] && g.cols() * g.tileW() >= c[0]);
            assertTrue(g.tileH() <= c[2] && (g.rows() - 1) * g.tileH() < c[1] && g.rows() * g.tileH() >= c[1]);
        }
    }

    @Test
    void aTileThatRunsOutOfMemoryIsRedoneSmaller() {
        int w = 128;
        int h = 128;
        int[] rgb = noise(w, h);
        // The "network" fails for inputs over 60×60 pixels (a 32 px tile with its context is 64), like a small device.
        TiledUpscaler.Network picky = (in, tw, th) -> {
            if (tw > 60 || th > 60) {
                throw new OutOfMemoryError("Java heap space");
            }
            return nearest(in, tw, th, 2);
        };
        TiledUpscaler.Outcome out = new TiledUpscaler(picky, 2, 32).upscale(rgb, w, h, p -> { });
        assertArrayEquals(packed(nearest(rgb, w, h, 2), w * 2, h * 2), out.rgb(), "same picture from smaller tiles");
        assertTrue(out.retriedTiles() >= 1, "retried " + out.retriedTiles());
        assertTrue(out.tiles() > 16, "more, smaller tiles than the 16 asked for: " + out.tiles());
    }

    @Test
    void nativeAllocationFailuresCountAsOutOfMemoryButOtherErrorsDoNot() {
        assertTrue(TiledUpscaler.outOfMemory(new RuntimeException("Failed to allocate 123456 bytes")));
        assertTrue(TiledUpscaler.outOfMemory(new IllegalStateException("wrapped", new OutOfMemoryError())));
        TiledUpscaler broken = new TiledUpscaler((in, tw, th) -> {
            throw new IllegalArgumentException("bad input");
        }, 2, 32);
        assertThrows(IllegalArgumentException.class, () -> broken.upscale(noise(8, 8), 8, 8, p -> { }));
    }

    @Test
    void progressCanCancel() {
        TiledUpscaler up = new TiledUpscaler((in, tw, th) -> nearest(in, tw, th, 2), 2, 16);
        assertThrows(CancellationException.class, () -> up.upscale(noise(64, 64), 64, 64, p -> {
            if (p > 0.2) {
                throw new CancellationException("stop");
            }
        }));
    }
}
