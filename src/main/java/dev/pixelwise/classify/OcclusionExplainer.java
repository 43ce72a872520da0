package dev.pixelwise.classify;

import java.util.function.Function;
import java.util.Arrays;

/**
 * Occlusion sensitivity (Zeiler & Fergus, 2014): cover one cell of a grid over the input with
 * neutral grey at a time and record how far the explained class's probability falls. Works
 * with any forward pass, so it needs no gradients from the graph.
 */
final class OcclusionExplainer {

    /** Cells per side; windows are twice the stride so neighbouring cells overlap by half. */
    static final int GRID = 7;
    static final int BATCH = 16;

    private OcclusionExplainer() {
    }

    /**
     * @param input   planar [3, h, w] tensor of the image
     * @param forward a batch of planar tensors → their probability vectors
     * @return the probability drop per cell, row-major GRID × GRID
     */
    static float[] explain(float[] input, int w, int h, int classIndex, float neutral,
                           Function<float[][], float[][]> forward, Runnable checkCancelled) {
        float baseline = forward.apply(new float[][]{input})[0][classIndex];
        int strideX = w / (GRID + 1);
        int strideY = h / (GRID + 1);
        float[] drop = new float[GRID * GRID];
        for (int start = 0; start < drop.length; start += BATCH) {
            checkCancelled.run();
            int n = Math.min(BATCH, drop.length - start);
            float[][] batch = new float[n][];
            for (int j = 0; j < n; j++) {
                int cell = start + j;
                batch[j] = occlude(input, w, h, (cell % GRID) * strideX, (cell / GRID) * strideY,
                        2 * strideX, 2 * strideY, neutral);
            }
            float[][] probs = forward.apply(batch);
            for (int j = 0; j < n; j++) {
                drop[start + j] = baseline - probs[j][classIndex];
            }
        }
        return drop;
    }

    private static float[] occlude(float[] input, int w, int h, int x0, int y0, int pw, int ph, float neutral) {
        float[] copy = input.clone();
        int plane = w * h;
        for (int c = 0; c < 3; c++) {
            for (int y = y0; y < Math.min(h, y0 + ph); y++) {
                int row = c * plane + y * w;
                Arrays.fill(copy, row + x0, row + Math.min(w, x0 + pw), neutral);
            }
        }
        return copy;
    }
}
