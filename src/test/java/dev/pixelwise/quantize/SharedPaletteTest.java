package dev.pixelwise.quantize;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedPaletteTest {

    private static int[] flat(int w, int h, int left, int right) {
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = i % w < w / 2 ? left : right;
        }
        return px;
    }

    private static double nearest(int[] palette, int color) {
        double best = Double.MAX_VALUE;
        for (int c : palette) {
            best = Math.min(best, Fixtures.rgbDistance(c, color));
        }
        return best;
    }

    /** Two images with disjoint flat colours: the shared palette has all four. */
    @Test
    void twoImagesWithDisjointColoursShareAPaletteWithColoursFromBoth() {
        int red = Fixtures.argb(220, 30, 30), green = Fixtures.argb(30, 200, 40);
        int blue = Fixtures.argb(20, 40, 230), yellow = Fixtures.argb(240, 230, 20);
        SharedPalette shared = new SharedPalette();
        shared.add(flat(40, 30, red, green), 40, 30);
        shared.add(flat(20, 50, blue, yellow), 20, 50);
        int[] palette = shared.palette(4);
        assertEquals(4, palette.length);
        assertEquals(Set.of(red, green, blue, yellow), new HashSet<>(Arrays.stream(palette).boxed().toList()));
        assertEquals(2, shared.images());
        assertEquals(40 * 30 + 20 * 50, shared.pixels());
    }

    /** k-means really runs: noisy blobs, two per image, four centres; each centre gets an entry near it. */
    @Test
    void kMeansOnTheMergedHistogramFindsTheCentresOfEveryImage() {
        int[][] first = {{200, 40, 40}, {40, 180, 60}};
        int[][] second = {{30, 50, 210}, {230, 220, 40}};
        SharedPalette shared = new SharedPalette();
        shared.add(Fixtures.blobs(first, 5000, 6, 1), 100, 100);
        shared.add(Fixtures.blobs(second, 5000, 6, 2), 100, 100);
        int[] palette = shared.palette(4);
        assertEquals(4, palette.length);
        for (int[] c : new int[][] {first[0], first[1], second[0], second[1]}) {
            double d = nearest(palette, Fixtures.argb(c[0], c[1], c[2]));
            assertTrue(d < 6, "centre " + Arrays.toString(c) + " is " + d + " from the palette " + SharedPalette.format(palette));
        }
        for (int c : palette) {
            assertEquals(0xFF, c >>> 24, "opaque entries");
        }
    }

    /** One image alone: the shared palette is the one a quantize job with default settings finds for it. */
    @Test
    void oneImageGetsThePaletteAQuantizeJobWouldFind() {
        int[] photo = Fixtures.photo(96, 64, 4);
        SharedPalette shared = new SharedPalette();
        shared.add(photo, 96, 64);
        PaletteQuantizer quantizer = new PaletteQuantizer(null, 1);
        for (int k : new int[] {4, 12, 64}) {
            int[] job = quantizer.quantize(quantizer.prepare(photo, 96, 64, QuantizeOptions.defaultParams()), k, null)
                    .paletteArgb();
            assertEquals(new HashSet<>(Arrays.stream(job).boxed().toList()),
                    new HashSet<>(Arrays.stream(shared.palette(k)).boxed().toList()), "k = " + k);
        }
    }

    /** Many images of random colours: the cells stay within the cap (coarser cells), and a palette still comes out. */
    @Test
    void memoryStaysWithinTheCapHoweverManyImagesAreAdded() {
        SharedPalette shared = new SharedPalette(null, 1, 4096);
        for (int i = 0; i < 24; i++) {
            shared.add(Fixtures.noise(128 * 128, i), 128, 128);
            assertTrue(shared.size() <= shared.cap(), "after image " + i + ": " + shared.size() + " cells");
        }
        assertTrue(shared.bits() < 8, "random colours must have been merged into coarser cells, bits " + shared.bits());
        assertTrue(shared.size() > 1000, "cells still describe the colours: " + shared.size());
        int[] palette = shared.palette(16);
        assertEquals(16, palette.length);
        assertEquals(16, new HashSet<>(Arrays.stream(palette).boxed().toList()).size());
    }

    /** Integer sums: the palette does not depend on the order the images come in, coarsening included. */
    @Test
    void theOrderOfImagesDoesNotChangeThePalette() {
        int[][] images = new int[6][];
        for (int i = 0; i < images.length; i++) {
            images[i] = i % 2 == 0 ? Fixtures.noise(64 * 64, 10 + i) : Fixtures.photo(64, 64, i);
        }
        SharedPalette forward = new SharedPalette(null, 1, 4096);
        SharedPalette backward = new SharedPalette(null, 1, 4096);
        for (int i = 0; i < images.length; i++) {
            forward.add(images[i], 64, 64);
            backward.add(images[images.length - 1 - i], 64, 64);
        }
        assertEquals(forward.bits(), backward.bits());
        assertArrayEquals(forward.palette(12), backward.palette(12));
    }

    /** A transparent pixel in any image: the transparent entry comes first and counts towards k. */
    @Test
    void transparentPixelsGiveATransparentEntryFirst() {
        int[] withHole = flat(10, 10, Fixtures.argb(250, 0, 0), Fixtures.argb(0, 0, 250));
        withHole[0] = 0x00000000;
        withHole[1] = 0x20FFFFFF;  // alpha < 128: transparent, as in the opaque engine
        SharedPalette shared = new SharedPalette();
        shared.add(withHole, 10, 10);
        shared.add(flat(10, 10, Fixtures.argb(0, 250, 0), Fixtures.argb(250, 250, 250)), 10, 10);
        int[] palette = shared.palette(5);
        assertEquals(5, palette.length);
        assertEquals(0, palette[0]);
        int[] three = shared.palette(3);
        assertEquals(0, three[0]);
        assertEquals(3, three.length);
    }

    @Test
    void theFormattedPaletteIsAValidPaletteOption() {
        int[] palette = {0, 0xFF112233, 0x80AABBCC, 0xFFFFFFFF};
        String value = SharedPalette.format(palette);
        assertEquals("#00000000,#112233,#aabbcc80,#ffffff", value);
        assertArrayEquals(palette, QuantizeOptions.parsePalette(value));

        SharedPalette shared = new SharedPalette();
        shared.add(Fixtures.photo(50, 40, 3), 50, 40);
        int[] found = shared.palette(32);
        assertArrayEquals(found, QuantizeOptions.parsePalette(SharedPalette.format(found)));
    }

    @Test
    void refusesWhatItCannotDo() {
        SharedPalette shared = new SharedPalette();
        assertThrows(IllegalStateException.class, () -> shared.palette(4));
        assertThrows(IllegalArgumentException.class, () -> shared.add(new int[10], 3, 3));
        shared.add(new int[] {0xFF000000, 0xFFFFFFFF}, 2, 1);
        assertThrows(IllegalArgumentException.class, () -> shared.palette(1));
        assertThrows(IllegalArgumentException.class, () -> shared.palette(257));
        assertThrows(IllegalArgumentException.class, () -> new SharedPalette(null, 1, 100));
    }
}
