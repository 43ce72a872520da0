package dev.pixelwise.collections;

/**
 * Weight imprinting (Qi, Brown and Lowe, "Low-Shot Learning with Imprinted Weights", CVPR 2018): each
 * label's weight is the mean of its examples' unit-length embeddings, scaled to unit length again, and an
 * image scores each label by cosine similarity. Needs no training, so it answers from the first example.
 * Public for the bench.
 */
public final class Imprinting {

    /**
     * Softmax temperature that turns similarities into the probabilities a result shows: cosines of
     * different labels differ by hundredths to tenths, which a plain softmax would flatten to near-equal.
     */
    static final double SCALE = 16;

    private final float[][] centroids;

    /** @param examples per label, its unit-length embeddings (a label may have none: it never wins) */
    public Imprinting(float[][][] examples) {
        centroids = new float[examples.length][];
        for (int l = 0; l < examples.length; l++) {
            centroids[l] = examples[l].length == 0 ? null : centroid(examples[l], -1);
        }
    }

    /** Label {@code l}'s imprinted weights (a copy), or null when it has no examples. */
    public float[] centroid(int l) {
        return centroids[l] == null ? null : centroids[l].clone();
    }

    /** Cosine similarity of a unit-length embedding to each label's centroid (−∞ for an empty label). */
    public double[] similarities(float[] x) {
        double[] s = new double[centroids.length];
        for (int l = 0; l < s.length; l++) {
            s[l] = centroids[l] == null ? Double.NEGATIVE_INFINITY : dot(x, centroids[l]);
        }
        return s;
    }

    /** The unit-length mean of {@code rows}, leaving out row {@code skip} (−1: none); null if none is left. */
    static float[] centroid(float[][] rows, int skip) {
        double[] sum = new double[rows[0].length];
        int n = 0;
        for (int i = 0; i < rows.length; i++) {
            if (i == skip) {
                continue;
            }
            n++;
            for (int d = 0; d < sum.length; d++) {
                sum[d] += rows[i][d];
            }
        }
        if (n == 0) {
            return null;
        }
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] c = new float[sum.length];
        for (int d = 0; d < c.length; d++) {
            c[d] = norm == 0 ? 0 : (float) (sum[d] / norm);
        }
        return c;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** exp(scale·s) normalised; −∞ scores get 0. */
    static double[] softmax(double[] scores, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double[] p = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = scores[i] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(scale * (scores[i] - max));
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    public static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
