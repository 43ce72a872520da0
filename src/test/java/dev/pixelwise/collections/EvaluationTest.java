package dev.pixelwise.collections;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leave-one-out, cross-validation and the trained head on small embedding sets whose answers are known. */
class EvaluationTest {

    static float[] unit(double... v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    @Test
    void leaveOneOutCountsTheOneExampleThatSitsWithTheOtherLabel() {
        float[][][] examples = {
                {unit(1, 0, 0), unit(0.9, 0.1, 0), unit(0.95, 0, 0.05)},
                // B's third example points at A: left out, B's other two pull B's mean away from it.
                {unit(0, 1, 0), unit(0, 0.9, 0.1), unit(1, 0.05, 0)}};
        Evaluation e = Evaluation.imprinting(examples);
        assertEquals("leave-one-out", e.scheme());
        assertArrayEquals(new int[]{3, 0}, e.confusion()[0]);
        assertArrayEquals(new int[]{1, 2}, e.confusion()[1]);
        assertEquals(5 / 6.0, e.accuracy(), 1e-12);
    }

    @Test
    void aLabelWithOneExampleCannotBeRightWhenItIsLeftOut() {
        // Left out, the single example leaves its label with no mean: it can only be given the other label.
        float[][][] examples = {{unit(1, 0), unit(0.9, 0.1)}, {unit(0, 1)}};
        Evaluation e = Evaluation.imprinting(examples);
        assertArrayEquals(new int[]{2, 0}, e.confusion()[0]);
        assertArrayEquals(new int[]{1, 0}, e.confusion()[1]);
        assertEquals(2 / 3.0, e.accuracy(), 1e-12);
    }

    @Test
    void nothingToCompareWithOneLabel() {
        assertNull(Evaluation.imprinting(new float[][][]{{unit(1, 0), unit(0, 1)}}));
    }

    /** Three separable clusters of 12 around the axes of 4-D space. */
    static float[][][] clusters() {
        float[][][] examples = new float[3][12][];
        for (int l = 0; l < 3; l++) {
            for (int i = 0; i < 12; i++) {
                double[] v = {0.1, 0.1, 0.1, 0.1};
                v[l] = 1;
                v[3] = 0.05 * (i % 4); // spread within the cluster
                v[(l + 1) % 3] += 0.02 * i;
                examples[l][i] = unit(v);
            }
        }
        return examples;
    }

    @Test
    void theHeadSeparatesSeparableClustersInEveryFold() {
        Evaluation e = Evaluation.head(clusters());
        assertEquals("5-fold", e.scheme());
        assertEquals(1.0, e.accuracy());
        for (int l = 0; l < 3; l++) {
            assertEquals(12, e.confusion()[l][l]);
        }
    }

    @Test
    void theHeadIsDeterministicAndRanksTheRightLabelFirst() {
        float[][][] c = clusters();
        float[][] x = new float[36][];
        int[] y = new int[36];
        for (int i = 0; i < 36; i++) {
            x[i] = c[i / 12][i % 12];
            y[i] = i / 12;
        }
        SoftmaxHead a = SoftmaxHead.train(x, y, 3);
        SoftmaxHead b = SoftmaxHead.train(x, y, 3);
        float[] probe = unit(0.1, 1, 0.1, 0.1); // on label 1's axis
        double[] pa = a.probabilities(probe);
        assertArrayEquals(pa, b.probabilities(probe), "same examples, same head, to the last bit");
        assertEquals(1, Imprinting.argMax(pa));
        assertTrue(pa[1] > 0.5, "confident: " + pa[1]);
        assertEquals(1.0, pa[0] + pa[1] + pa[2], 1e-9);
    }
}
