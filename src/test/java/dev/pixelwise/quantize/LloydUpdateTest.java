package dev.pixelwise.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** The update step both Lloyd variants share: relocation of empty clusters and the stopping rule. */
class LloydUpdateTest {
    // Points on the x axis at 0, 1, 10 and 20 with weights 1, 1, 2, 3.
    private static WeightedPoints line() {
        return new WeightedPoints(new float[] {0, 0, 0, 1, 0, 0, 10, 0, 0, 20, 0, 0}, new double[] {1, 1, 2, 3});
    }

    @Test
    void emptyClustersTakeTheFarthestPointsAndTheirTotals() {
        WeightedPoints pts = line();
        double[] far = {3, 2, 7, 5};
        int[] cluster = {0, 0, 0, 1};
        int[] members = {3, 1, 0, 0};
        double[] weight = {4, 3, 0, 0};
        double[] sums = {21, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, 0};

        int[] moved = LloydUpdate.relocateEmpty(pts, far, cluster, weight, sums, members);

        // Cluster 2 takes point 2, the farthest; cluster 3 takes point 0, not the farther point 3, which is
        // cluster 1's only member.
        assertArrayEquals(new int[] {2, 0}, moved);
        assertArrayEquals(new int[] {3, 0, 2, 1}, cluster, "moved points now belong to the clusters they seed");
        assertArrayEquals(new int[] {1, 1, 1, 1}, members);
        assertArrayEquals(new double[] {1, 3, 2, 1}, weight);
        assertArrayEquals(new double[] {1, 0, 0, 60, 0, 0, 20, 0, 0, 0, 0, 0}, sums);
        assertArrayEquals(new double[] {-1, 2, -1, 5}, far);
    }

    @Test
    void withoutSumsOnlyCountsAndWeightsMove() {
        int[] members = {2, 0};
        double[] weight = {2, 0};
        int[] moved = LloydUpdate.relocateEmpty(
                new WeightedPoints(new float[] {0, 0, 0, 5, 5, 5}, new double[] {1, 1}),
                new double[] {0.5, 4}, new int[] {0, 0}, weight, null, members);
        assertArrayEquals(new int[] {1}, moved);
        assertArrayEquals(new int[] {1, 1}, members);
        assertArrayEquals(new double[] {1, 1}, weight);
    }

    @Test
    void nothingMovesWhenNoClusterCanSpareAPoint() {
        int[] members = {1, 0};
        int[] moved = LloydUpdate.relocateEmpty(new WeightedPoints(new float[3], new double[] {1}),
                new double[] {1}, new int[] {0}, new double[] {1, 0}, new double[6], members);
        assertEquals(0, moved.length);
        assertArrayEquals(new int[] {1, 0}, members);
    }

    @Test
    void stoppingRuleIgnoresTheShiftOfAReseed() {
        assertEquals(StopReason.TOLERANCE, LloydUpdate.stopAfterUpdate(false, 0.1, 0.5, 3, 10, () -> false));
        assertNull(LloydUpdate.stopAfterUpdate(true, 0.1, 0.5, 3, 10, () -> false));
        assertEquals(StopReason.MAX_ITERATIONS, LloydUpdate.stopAfterUpdate(true, 0.1, 0.5, 10, 10, () -> true));
        assertThrows(CancellationException.class, () -> LloydUpdate.stopAfterUpdate(false, 1, 0.5, 3, 10, () -> true));
    }
}
