package dev.pixelwise.quantize;

import java.util.HashSet;
import java.util.Set;
import java.util.Arrays;

/**
 * Turns centroids into the final palette: each is converted back to 8-bit sRGB (rounded, clamped).
 * Two centroids can round to the same colour; such a duplicate is replaced by the unique image
 * colour farthest from its nearest palette colour (the same rule as empty-cluster re-seeding), so
 * the palette never repeats a colour and still has as many entries as clusters.
 */
final class PaletteFinisher {
    private PaletteFinisher() {
    }

    /** @param centroids m * {@link WorkingSpace#dims} values; uniqueCoords likewise per colour */
    static int[] finish(double[] centroids, int m, ColorSpace space, int[] uniqueColors, float[] uniqueCoords,
                        boolean manhattan) {
        int dims = WorkingSpace.dims(space);
        int[] palette = new int[m];
        Set<Integer> seen = new HashSet<>();
        int distinct = 0;
        for (int j = 0; j < m; j++) {
            int argb = WorkingSpace.toArgb(space, centroids, dims * j);
            if (seen.add(argb)) {
                palette[distinct++] = argb;
            }
        }
        if (distinct == m) {
            return palette;
        }
        int u = uniqueColors.length;
        double[] cost = new double[u];
        Arrays.fill(cost, Double.POSITIVE_INFINITY);
        double[] probe = new double[dims];
        for (int j = 0; j < distinct; j++) {
            lowerCosts(palette[j], space, uniqueCoords, cost, manhattan, probe);
        }
        while (distinct < m) {
            int far = -1;
            double farCost = 0;
            for (int i = 0; i < u; i++) {
                if (cost[i] > farCost) {
                    farCost = cost[i];
                    far = i;
                }
            }
            if (far < 0) {
                break;  // every image colour is already in the palette
            }
            int argb = 0xFF000000 | uniqueColors[far];
            if (!seen.add(argb)) {
                cost[far] = 0;  // already a palette colour (float rounding left a tiny cost)
                continue;
            }
            palette[distinct++] = argb;
            lowerCosts(argb, space, uniqueCoords, cost, manhattan, probe);
        }
        return Arrays.copyOf(palette, distinct);
    }

    private static void lowerCosts(int argb, ColorSpace space, float[] coords, double[] cost, boolean manhattan,
                                   double[] probe) {
        WorkingSpace.toCoords(space, argb, probe, 0);
        int dims = probe.length;
        for (int i = 0; i < cost.length; i++) {
            double d = 0;
            for (int t = 0; t < dims; t++) {
                double v = coords[dims * i + t] - probe[t];
                d += manhattan ? Math.abs(v) : v * v;
            }
            if (d < cost[i]) {
                cost[i] = d;
            }
        }
    }
}
