package dev.pixelwise.quantize;

/**
 * A kd-tree over the weighted points k-means runs on, built once per image and shared by every k
 * and restart. Each node stores its bounding box and the weighted sums of its points (weight,
 * weighted coordinates, weighted squared norm), so a whole node can join a cluster in O(1); see
 * {@link FilteringLloyd}. Splits are at the median of the widest box side; leaves hold at most
 * {@link #LEAF_SIZE} points.
 */
final class KdTree {
    static final int LEAF_SIZE = 16;

    final WeightedPoints points;
    /** Point indices; node n covers order[from[n] .. to[n]). */
    final int[] order;
    final int[] from;
    final int[] to;
    /** Child node indices, -1 for leaves. */
    final int[] left;
    final int[] right;
    /** Box per node: lo x,y,z then hi x,y,z. */
    final float[] box;
    final double[] weight;
    final double[] sum;      // 3 per node: sum of w * x
    final double[] sumSq;    // sum of w * |x|^2
    final int[] count;
    final int nodes;

    private int next;

    KdTree(WeightedPoints points) {
        this.points = points;
        int n = points.size;
        order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int capacity = 2 * n + 1;  // a binary tree with >= 1 point per leaf has < 2n nodes
        from = new int[capacity];
        to = new int[capacity];
        left = new int[capacity];
        right = new int[capacity];
        box = new float[6 * capacity];
        weight = new double[capacity];
        sum = new double[3 * capacity];
        sumSq = new double[capacity];
        count = new int[capacity];
        build(0, n);
        nodes = next;
    }

    private int build(int lo, int hi) {
        int node = next++;
        from[node] = lo;
        to[node] = hi;
        float[] p = points.coords;
        double[] w = points.weights;
        float[] b = box;
        for (int d = 0; d < 3; d++) {
            b[6 * node + d] = Float.POSITIVE_INFINITY;
            b[6 * node + 3 + d] = Float.NEGATIVE_INFINITY;
        }
        double sw = 0, sx = 0, sy = 0, sz = 0, sq = 0;
        for (int m = lo; m < hi; m++) {
            int i = order[m];
            float x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
            b[6 * node] = Math.min(b[6 * node], x);
            b[6 * node + 1] = Math.min(b[6 * node + 1], y);
            b[6 * node + 2] = Math.min(b[6 * node + 2], z);
            b[6 * node + 3] = Math.max(b[6 * node + 3], x);
            b[6 * node + 4] = Math.max(b[6 * node + 4], y);
            b[6 * node + 5] = Math.max(b[6 * node + 5], z);
            double wi = w[i];
            sw += wi;
            sx += wi * x;
            sy += wi * y;
            sz += wi * z;
            sq += wi * ((double) x * x + (double) y * y + (double) z * z);
        }
        weight[node] = sw;
        sum[3 * node] = sx;
        sum[3 * node + 1] = sy;
        sum[3 * node + 2] = sz;
        sumSq[node] = sq;
        count[node] = hi - lo;
        int axis = 0;
        float widest = -1;
        for (int d = 0; d < 3; d++) {
            float span = b[6 * node + 3 + d] - b[6 * node + d];
            if (span > widest) {
                widest = span;
                axis = d;
            }
        }
        if (hi - lo <= LEAF_SIZE || widest <= 0) {
            left[node] = -1;
            right[node] = -1;
            return node;
        }
        int mid = (lo + hi) >>> 1;
        select(lo, hi - 1, mid, axis);
        left[node] = build(lo, mid);
        right[node] = build(mid, hi);
        return node;
    }

    /** Quickselect: order[lo..hi] rearranged so order[k] holds the k-th smallest along axis. */
    private void select(int lo, int hi, int k, int axis) {
        float[] p = points.coords;
        while (hi > lo) {
            float pivot = p[3 * order[(lo + hi) >>> 1] + axis];
            int i = lo, j = hi;
            while (i <= j) {
                while (p[3 * order[i] + axis] < pivot) {
                    i++;
                }
                while (p[3 * order[j] + axis] > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    boolean isLeaf(int node) {
        return left[node] < 0;
    }
}
