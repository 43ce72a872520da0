package dev.pixelwise.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ElbowFinderTest {
    private static final int[] KS = {2, 4, 8, 16, 32, 64, 128, 256};

    @Test
    void findsAClearKnee() {
        // Steep fall up to 16, then nearly flat.
        double[] inertia = {1000, 620, 330, 110, 95, 85, 78, 73};
        assertEquals(16, ElbowFinder.suggest(KS, inertia));
    }

    @Test
    void kneeMovesWithTheCurve() {
        double[] inertia = {1000, 400, 120, 100, 90, 82, 76, 70};
        assertEquals(8, ElbowFinder.suggest(KS, inertia));
    }

    @Test
    void realQuantisationCurveGivesAnInteriorK() {
        int[] px = Fixtures.blobs(new int[][] {{20, 20, 20}, {230, 30, 30}, {30, 220, 40}, {40, 50, 230}}, 500, 4, 1);
        PaletteQuantizer q = new PaletteQuantizer(null);
        Prepared prepared = q.prepare(px, 2000, 1, Fixtures.rgb());
        double[] inertia = new double[KS.length];
        for (int i = 0; i < KS.length; i++) {
            inertia[i] = q.quantize(prepared, KS[i], null).inertia();
        }
        assertEquals(4, ElbowFinder.suggest(KS, inertia), java.util.Arrays.toString(inertia));
    }

    @Test
    void degenerateInputs() {
        assertEquals(4, ElbowFinder.suggest(new int[] {4, 8}, new double[] {10, 5}));
        assertEquals(2, ElbowFinder.suggest(new int[] {2, 4, 8}, new double[] {5, 5, 5}));
        assertEquals(2, ElbowFinder.suggest(new int[] {2, 4, 8}, new double[] {9, 7, 1}), "concave: no elbow");
        assertThrows(IllegalArgumentException.class, () -> ElbowFinder.suggest(new int[] {4, 2}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> ElbowFinder.suggest(new int[] {2, 4}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> ElbowFinder.suggest(new int[] {2, 4}, new double[] {1, Double.NaN}));
    }
}
