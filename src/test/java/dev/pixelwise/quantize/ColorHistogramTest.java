package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Stage 1: exact unique colours with counts, transparency, bucketing. */
class ColorHistogramTest {

    @Test
    void countsEveryOpaqueColourExactly() throws Exception {
        int[] px = Fixtures.noise(200_000, 1);
        for (int i = 0; i < px.length; i += 3) {
            px[i] = px[(i * 31) % 1000];  // plenty of repeats
        }
        px[5] = 0x00ABCDEF;  // transparent
        TreeMap<Integer, Integer> expected = new TreeMap<>();
        for (int p : px) {
            if ((p >>> 24) >= 128) {
                expected.merge(p & 0xFFFFFF, 1, Integer::sum);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (ParallelChunks parallel : new ParallelChunks[] {new ParallelChunks(null, 1), new ParallelChunks(pool, 3)}) {
                ColorHistogram h = ColorHistogram.build(px, parallel);
                assertEquals(expected.size(), h.size());
                assertEquals(1, h.transparentPixels());
                assertEquals(px.length - 1, h.opaquePixels());
                int i = 0;
                for (var e : expected.entrySet()) {
                    assertEquals(e.getKey(), h.colors()[i]);
                    assertEquals(e.getValue(), h.counts()[i]);
                    i++;
                }
                for (int p : px) {
                    if (p < 0) {
                        assertEquals(p & 0xFFFFFF, h.colors()[h.indexOf(p)]);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void alphaIsIgnoredForOpaquePixels() {
        ColorHistogram h = ColorHistogram.build(new int[] {0xFF112233, 0x80112233, 0x7F112233}, new ParallelChunks(null, 1));
        assertArrayEquals(new int[] {0x112233}, h.colors());
        assertArrayEquals(new int[] {2}, h.counts());
        assertEquals(1, h.transparentPixels());
    }

    @Test
    void bucketsKeepTheWeightedMeanColour() {
        // Two colours in one 5-bit cube: (8,8,8) x3 and (12,8,8) x1 -> mean red 9.
        int[] colors = {0x080808, 0x0C0808};
        int[] counts = {3, 1};
        float[] coords = new float[6];
        for (int i = 0; i < 2; i++) {
            WorkingSpace.toCoords(ColorSpace.RGB, colors[i], coords, 3 * i);
        }
        ColorCells cells = ColorCells.group(colors, 5);
        assertEquals(1, cells.cellCount());
        WeightedPoints pts = WeightedPoints.bucketed(cells, coords, counts);
        assertEquals(1, pts.size);
        assertEquals(9.0, pts.coords[0], 1e-6);
        assertEquals(8.0, pts.coords[1], 1e-6);
        assertEquals(4.0, pts.weights[0], 0);
    }

    @Test
    void preparedBucketsOnlyAboveTheCap() {
        int[] px = Fixtures.noise(20_000, 2);
        PaletteQuantizer small = new PaletteQuantizer(null, 1, 4096);
        Prepared bucketed = small.prepare(px, 200, 100, KMeansParams.defaults());
        assertEquals(px.length, bucketed.uniqueColors(), 100);
        assertEquals(4, bucketed.histogramBits(), "noise fills every cube, so 4 bits (4096 cubes) is the finest that fits");
        Prepared exact = new PaletteQuantizer(null).prepare(px, 200, 100, KMeansParams.defaults());
        assertEquals(8, exact.histogramBits());
        assertEquals(exact.uniqueColors(), exact.histogramSize());
    }
}
