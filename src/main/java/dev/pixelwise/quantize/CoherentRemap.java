package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;

/**
 * After the nearest-entry remap: a pixel takes its left (or upper) neighbour's entry instead of its
 * own when that costs at most {@code slack} times more. Near-ties between two entries are common in
 * noisy flat areas, where the nearest choice flickers between them; following a neighbour turns the
 * flicker into runs and repeated rows, which deflate stores in fewer bytes, for an error increase
 * bounded by the slack. Pixels are visited in row order within fixed chunks of rows (parallel); the
 * first row of a chunk does not look up, so the result does not depend on the thread count.
 */
final class CoherentRemap {
    private static final int ROWS_PER_CHUNK = 16;

    private CoherentRemap() {
    }

    /**
     * @param entryCoords per palette index, dims working-space values (the transparent index unused)
     * @param axisWeight  per axis weight of the squared difference
     * @param slack       largest accepted relative cost increase of one pixel
     */
    static void smooth(int[] argb, int width, int height, byte[] indices, double[] entryCoords, ColorHistogram histogram,
                       float[] uniqueCoords, double[] axisWeight, double slack, ParallelChunks parallel) {
        int dims = axisWeight.length;
        parallel.run(ParallelChunks.count(height, ROWS_PER_CHUNK), (worker, chunk) -> {
            int firstRow = chunk * ROWS_PER_CHUNK;  // rows above a chunk may still be in work: not looked at
            for (int y = firstRow, yEnd = Math.min(height, y + ROWS_PER_CHUNK); y < yEnd; y++) {
                for (int i = y * width, rowEnd = i + width; i < rowEnd; i++) {
                    int p = argb[i];
                    if (p >= 0) {
                        continue;
                    }
                    int own = indices[i] & 0xFF;
                    int left = i > y * width && argb[i - 1] < 0 ? indices[i - 1] & 0xFF : -1;
                    int up = y > firstRow && argb[i - width] < 0 ? indices[i - width] & 0xFF : -1;
                    if (own == left || own == up || (left < 0 && up < 0)) {
                        continue;  // already continues a neighbour, or has none to follow
                    }
                    int at = dims * histogram.indexOf(p);
                    double ownCost = cost(uniqueCoords, at, entryCoords, own, axisWeight);
                    double leftCost = left < 0 ? Double.POSITIVE_INFINITY
                            : cost(uniqueCoords, at, entryCoords, left, axisWeight);
                    double upCost = up < 0 ? Double.POSITIVE_INFINITY : cost(uniqueCoords, at, entryCoords, up, axisWeight);
                    int pick = leftCost <= upCost ? left : up;
                    if (Math.min(leftCost, upCost) <= ownCost * (1 + slack)) {
                        indices[i] = (byte) pick;
                    }
                }
            }
        });
    }

    private static double cost(float[] coords, int at, double[] entryCoords, int entry, double[] axisWeight) {
        int dims = axisWeight.length;
        if (dims == 6) {
            int o = 6 * entry;
            double v0 = coords[at] - entryCoords[o], v1 = coords[at + 1] - entryCoords[o + 1];
            double v2 = coords[at + 2] - entryCoords[o + 2], v3 = coords[at + 3] - entryCoords[o + 3];
            double v4 = coords[at + 4] - entryCoords[o + 4], v5 = coords[at + 5] - entryCoords[o + 5];
            return axisWeight[0] * v0 * v0 + axisWeight[1] * v1 * v1 + axisWeight[2] * v2 * v2
                    + axisWeight[3] * v3 * v3 + axisWeight[4] * v4 * v4 + axisWeight[5] * v5 * v5;
        }
        double sum = 0;
        for (int d = 0; d < dims; d++) {
            double v = coords[at + d] - entryCoords[dims * entry + d];
            sum += axisWeight[d] * v * v;
        }
        return sum;
    }
}
