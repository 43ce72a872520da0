package dev.pixelwise.collections;

import dev.pixelwise.zoo.ModelThread;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * A new last layer over the frozen base's embeddings: multinomial logistic regression (a dense layer and
 * softmax) trained with ND4J. The objective is the mean cross-entropy plus {@code l2}/2·‖W‖² (the bias is
 * not penalised), which is scikit-learn's {@code LogisticRegression(C)} with l2 = 1 / (C·n), so the two
 * can be compared on the same embeddings.
 *
 * <p>Deterministic: the weights start at zero and every step uses the whole set (no shuffling, no
 * dropout), so the same examples give the same head. The problem is convex and smooth: with unit-length
 * inputs (plus the bias's constant 1) the gradient's Lipschitz constant is at most 1 + l2, so Nesterov's
 * accelerated gradient with step 1 / (1 + l2) converges without a learning-rate search; a fixed number
 * of steps keeps the cost fixed. Public for the bench.
 */
public final class SoftmaxHead {

    /** Regularisation as scikit-learn's C (inverse strength, per example summed loss). */
    static final double C = 1.0;
    /**
     * Enough to converge for accuracy: on Fashion-MNIST embeddings (bench/collections.sh, 10 and 20 shots,
     * three draws) 100 steps gave the test accuracy of 300 steps and of scikit-learn's lbfgs within 0.1
     * point; 50 lost up to 0.7. Every step is a pass over all examples, so this is the head's cost.
     */
    static final int STEPS = 100;

    private final float[][] weights; // [classes][dim + 1], the bias last

    private SoftmaxHead(float[][] weights) {
        this.weights = weights;
    }

    /**
     * Trains on unit-length embeddings {@code x} with labels {@code y} in 0..classes−1. Runs on the
     * {@link ModelThread}, where the app's ND4J work runs.
     */
    public static SoftmaxHead train(float[][] x, int[] y, int classes) {
        return ModelThread.call(() -> trainHere(x, y, classes));
    }

    private static SoftmaxHead trainHere(float[][] x, int[] y, int classes) {
        int n = x.length;
        int dim = x[0].length;
        double l2 = 1.0 / (C * n);
        float[] flat = new float[n * (dim + 1)];
        float[] oneHot = new float[n * classes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, i * (dim + 1), dim);
            flat[i * (dim + 1) + dim] = 1; // the bias's input
            oneHot[i * classes + y[i]] = 1;
        }
        // Only the bias row goes unpenalised: mask[d] = 1 for weights, 0 for the bias.
        float[] maskData = new float[dim + 1];
        Arrays.fill(maskData, 0, dim, 1f);
        double step = 1.0 / (1.0 + l2);
        try (INDArray xs = Nd4j.create(flat, new long[]{n, dim + 1}, 'c');
             INDArray xt = xs.transpose().dup('c');
             INDArray ys = Nd4j.create(oneHot, new long[]{n, classes}, 'c');
             INDArray mask = Nd4j.create(maskData, new long[]{dim + 1, 1}, 'c');
             INDArray w = Nd4j.zeros(DataType.FLOAT, dim + 1, classes);
             INDArray previous = Nd4j.zeros(DataType.FLOAT, dim + 1, classes)) {
            for (int k = 1; k <= STEPS; k++) {
                // Look-ahead point v = w + (k−1)/(k+2)·(w − previous); the gradient is taken there.
                double momentum = (k - 1.0) / (k + 2.0);
                try (INDArray v = w.sub(previous).muli(momentum).addi(w);
                     INDArray error = xs.mmul(v);
                     INDArray penalty = v.mulColumnVector(mask)) {
                    Transforms.softmax(error, false);
                    error.subi(ys).divi(n); // (P − Y) / n: the cross-entropy's gradient at the logits
                    try (INDArray gradient = xt.mmul(error)) {
                        gradient.addi(penalty.muli(l2));
                        previous.assign(w);
                        w.assign(v.subi(gradient.muli(step)));
                    }
                }
            }
            float[][] weights = new float[classes][dim + 1];
            float[] all = w.data().asFloat(); // row-major [dim + 1, classes]
            for (int d = 0; d <= dim; d++) {
                for (int c = 0; c < classes; c++) {
                    weights[c][d] = all[d * classes + c];
                }
            }
            return new SoftmaxHead(weights);
        }
    }

    /** Class {@code c}'s weights over the embedding (a copy, without the bias). */
    public float[] weights(int c) {
        return Arrays.copyOf(weights[c], weights[c].length - 1);
    }

    /** Probability of each class for one embedding (plain Java: one dot product per class). */
    public double[] probabilities(float[] x) {
        double[] logits = new double[weights.length];
        for (int c = 0; c < logits.length; c++) {
            float[] wc = weights[c];
            double s = wc[wc.length - 1];
            for (int d = 0; d < x.length; d++) {
                s += (double) wc[d] * x[d];
            }
            logits[c] = s;
        }
        return Imprinting.softmax(logits, 1);
    }
}
