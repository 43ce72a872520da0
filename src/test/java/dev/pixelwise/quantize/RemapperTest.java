package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stage 3 on its own: exact nearest search over the histogram, then the per-pixel remap. */
class RemapperTest {

    @Test
    void everyPixelGetsItsBruteForceNearestEntry() {
        int[] px = Fixtures.photo(300, 200, 21);
        for (int i = 0; i < px.length; i += 17) {
            px[i] = 0x00000000;  // some transparent pixels
        }
        ParallelChunks one = new ParallelChunks(null, 1);
        ColorHistogram h = ColorHistogram.build(px, one);
        Random rnd = new Random(4);
        for (ColorSpace space : ColorSpace.values()) {
            int dims = WorkingSpace.dims(space);
            float[] coords = new float[dims * h.size()];
            for (int u = 0; u < h.size(); u++) {
                WorkingSpace.toCoords(space, h.colors()[u], coords, dims * u);
            }
            for (int bits : new int[] {3, 4, 5}) {
                NearestColorSearch search = new NearestColorSearch(h.colors(), ColorCells.group(h.colors(), bits), coords,
                        h.counts(), dims);
                for (Distance distance : Distance.values()) {
                    boolean manhattan = distance == Distance.MANHATTAN;
                    int m = 2 + rnd.nextInt(120);
                    double[] palette = new double[dims * m];
                    for (int j = 0; j < m; j++) {
                        WorkingSpace.toCoords(space, rnd.nextInt(1 << 24), palette, dims * j);
                    }
                    NearestColorSearch.Assignment a = search.search(palette, m, manhattan, one);
                    int[] identity = new int[m];
                    for (int j = 0; j < m; j++) {
                        identity[j] = j + 1;  // entry j is palette index j + 1; 0 is the transparent entry
                    }
                    byte[] table = new byte[h.size()];
                    search.fillColorTable(a, identity, table);
                    byte[] out = Remapper.remap(px, h, table, search.cubeCache(a, identity), search.bits(), 0, one);
                    double inertia = 0;
                    long[] perEntry = new long[m];
                    float[] c = new float[dims];
                    for (int i = 0; i < px.length; i++) {
                        if (px[i] >= 0) {
                            assertEquals(0, out[i]);
                            continue;
                        }
                        WorkingSpace.toCoords(space, px[i], c, 0);
                        double best = Double.MAX_VALUE;
                        for (int j = 0; j < m; j++) {
                            best = Math.min(best, cost(c, palette, j, manhattan));
                        }
                        int got = (out[i] & 0xFF) - 1;
                        assertEquals(best, cost(c, palette, got, manhattan), 1e-9, space + " " + distance + " bits " + bits);
                        inertia += best;
                        perEntry[got]++;
                    }
                    assertEquals(inertia, a.inertia(), Math.max(1e-6, inertia * 1e-9));
                    assertEquals(java.util.Arrays.toString(perEntry), java.util.Arrays.toString(a.entryPixels()));
                }
            }
        }
    }

    private static double cost(float[] c, double[] p, int j, boolean manhattan) {
        double sum = 0;
        for (int d = 0; d < c.length; d++) {
            double v = c[d] - p[c.length * j + d];
            sum += manhattan ? Math.abs(v) : v * v;
        }
        return sum;
    }
}
