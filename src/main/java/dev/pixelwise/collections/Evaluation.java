package dev.pixelwise.collections;

import java.util.ArrayList;
import java.util.List;

/**
 * How well a collection's examples tell its labels apart, measured on the stored embeddings, never on
 * images: every example is classified by a classifier built without it, and the answers are counted in
 * a confusion matrix (row: the example's label, column: the answer, in label order).
 *
 * <ul>
 * <li>Imprinting: exact leave-one-out (the left-out example's own label gets the mean of the others).</li>
 * <li>The trained head: {@value #FOLDS}-fold cross-validation (each label's examples dealt in turn to
 * the folds), since training a head per example would make every change cost seconds.</li>
 * </ul>
 * The threshold plays no part: this measures the choice between the labels.
 *
 * @param method    "imprinting" or "head"
 * @param scheme    "leave-one-out" or "5-fold"
 * @param accuracy  correct ÷ examples
 * @param confusion [true label][answer] counts
 */
record Evaluation(String method, String scheme, double accuracy, int[][] confusion) {

    static final int FOLDS = 5;

    /** Leave-one-out accuracy of imprinting; null with fewer than two labels with examples. */
    static Evaluation imprinting(float[][][] examples) {
        if (!comparable(examples)) {
            return null;
        }
        int labels = examples.length;
        float[][] centroids = new float[labels][];
        for (int l = 0; l < labels; l++) {
            centroids[l] = examples[l].length == 0 ? null : Imprinting.centroid(examples[l], -1);
        }
        int[][] confusion = new int[labels][labels];
        for (int l = 0; l < labels; l++) {
            for (int i = 0; i < examples[l].length; i++) {
                float[] x = examples[l][i];
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int m = 0; m < labels; m++) {
                    float[] c = m == l ? Imprinting.centroid(examples[l], i) : centroids[m];
                    if (c != null) {
                        double s = Imprinting.dot(x, c);
                        if (s > bestScore) {
                            bestScore = s;
                            best = m;
                        }
                    }
                }
                confusion[l][best]++;
            }
        }
        return new Evaluation("imprinting", "leave-one-out", accuracy(confusion), confusion);
    }

    /** {@value #FOLDS}-fold cross-validated accuracy of the trained head. */
    static Evaluation head(float[][][] examples) {
        if (!comparable(examples)) {
            return null;
        }
        int labels = examples.length;
        int[][] confusion = new int[labels][labels];
        for (int fold = 0; fold < FOLDS; fold++) {
            List<float[]> trainX = new ArrayList<>();
            List<Integer> trainY = new ArrayList<>();
            for (int l = 0; l < labels; l++) {
                for (int i = 0; i < examples[l].length; i++) {
                    if (i % FOLDS != fold) {
                        trainX.add(examples[l][i]);
                        trainY.add(l);
                    }
                }
            }
            SoftmaxHead head = SoftmaxHead.train(trainX.toArray(float[][]::new),
                    trainY.stream().mapToInt(Integer::intValue).toArray(), labels);
            for (int l = 0; l < labels; l++) {
                for (int i = fold; i < examples[l].length; i += FOLDS) {
                    confusion[l][Imprinting.argMax(head.probabilities(examples[l][i]))]++;
                }
            }
        }
        return new Evaluation("head", FOLDS + "-fold", accuracy(confusion), confusion);
    }

    private static boolean comparable(float[][][] examples) {
        int withExamples = 0;
        for (float[][] e : examples) {
            withExamples += e.length > 0 ? 1 : 0;
        }
        return withExamples >= 2;
    }

    private static double accuracy(int[][] confusion) {
        int right = 0;
        int all = 0;
        for (int l = 0; l < confusion.length; l++) {
            for (int m = 0; m < confusion.length; m++) {
                all += confusion[l][m];
                right += l == m ? confusion[l][m] : 0;
            }
        }
        return all == 0 ? 0 : (double) right / all;
    }
}
