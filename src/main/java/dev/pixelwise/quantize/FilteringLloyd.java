package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Lloyd's algorithm for the Euclidean distance with the kd-tree "filtering" method of Kanungo et
 * al. (2002): walking the tree, a centroid is dropped from a node's candidates when it is farther
 * than the candidate nearest the node's centre from every point of the node's box (tested at the
 * box corner furthest in the direction between the two). When one candidate is left, the whole
 * node joins that cluster using its precomputed sums, so an iteration costs roughly O(k log n)
 * instead of O(n k) in 3-D colour space. Results equal plain Lloyd (up to float summation order).
 *
 * <p>Assignment changes are tracked per node (each node remembers the single cluster owning all
 * its points, or "mixed"), which is enough for the no-change test. The tree's top levels are cut
 * into a fixed list of subtrees processed as parallel chunks whose partial sums are added in
 * subtree order, so results do not depend on the thread count.
 */
final class FilteringLloyd {
    private static final int UNKNOWN = -3;
    private static final int MIXED = -1;
    private static final int TASK_DEPTH = 4;  // up to 16 subtrees

    private final KdTree tree;
    private final int k;
    private final ParallelChunks parallel;
    private final int[] roots;
    private final int[] owner;       // per node: cluster owning all its points, MIXED, or UNKNOWN
    private final int[] pointOwner;  // per point, kept for points examined one by one in leaves
    private final double[] partial;  // per root: k * 5 (weight, sx, sy, sz, points) + cost + changes

    FilteringLloyd(KdTree tree, int k, ParallelChunks parallel) {
        this.tree = tree;
        this.k = k;
        this.parallel = parallel;
        this.roots = subtrees();
        this.owner = new int[tree.nodes];
        this.pointOwner = new int[tree.points.size];
        this.partial = new double[roots.length * (5 * k + 2)];
    }

    private int[] subtrees() {
        int[] level = {0};
        for (int depth = 0; depth < TASK_DEPTH; depth++) {
            int[] nextLevel = new int[2 * level.length];
            int n = 0;
            for (int node : level) {
                if (tree.isLeaf(node)) {
                    nextLevel[n++] = node;
                } else {
                    nextLevel[n++] = tree.left[node];
                    nextLevel[n++] = tree.right[node];
                }
            }
            level = Arrays.copyOf(nextLevel, n);
        }
        return level;
    }

    LloydIterations.Result run(double[] centroids, int maxIterations, double tolerance, BooleanSupplier cancelled) {
        Arrays.fill(owner, UNKNOWN);
        Arrays.fill(pointOwner, UNKNOWN);
        double[] weight = new double[k];
        double[] sums = new double[3 * k];
        int[] members = new int[k];
        double[] previous = new double[3 * k];
        int iteration = 0;
        StopReason reason;
        double cost;
        while (true) {
            iteration++;
            long changes = assign(centroids, weight, sums, members);
            cost = lastCost;
            if (iteration > 1 && changes == 0) {
                reason = StopReason.NO_CHANGE;
                break;
            }
            System.arraycopy(centroids, 0, previous, 0, 3 * k);
            boolean reseeded = LloydUpdate.anyEmpty(members);
            if (reseeded) {
                reseedEmpty(previous, weight, sums, members);
            }
            LloydUpdate.moveToMeans(centroids, sums, weight);
            double maxShift = 0;
            for (int j = 0; j < k; j++) {
                maxShift = Math.max(maxShift, Metric.distance(centroids, j, previous, j, false));
            }
            if (reseeded) {
                Arrays.fill(owner, UNKNOWN);  // the moved point must not look unchanged next time
                Arrays.fill(pointOwner, UNKNOWN);
            }
            reason = LloydUpdate.stopAfterUpdate(reseeded, maxShift, tolerance, iteration, maxIterations, cancelled);
            if (reason != null) {
                break;
            }
        }
        if (reason != StopReason.NO_CHANGE) {
            assign(centroids, weight, sums, members);  // cost of the final centroids
            cost = lastCost;
        }
        return new LloydIterations.Result(centroids, iteration, reason, cost);
    }

    private double lastCost;

    /** One assignment pass: fills per-cluster sums; returns the number of change events. */
    private long assign(double[] c, double[] weight, double[] sums, int[] members) {
        int stride = 5 * k + 2;
        parallel.run(roots.length, (worker, task) -> {
            int base = task * stride;
            Arrays.fill(partial, base, base + stride, 0);
            int[][] buffers = new int[64][];
            int[] all = new int[k];
            for (int j = 0; j < k; j++) {
                all[j] = j;
            }
            filter(roots[task], all, k, owner[roots[task]], c, base, buffers, 0);
        });
        Arrays.fill(weight, 0);
        Arrays.fill(sums, 0);
        Arrays.fill(members, 0);
        double totalCost = 0;
        long changes = 0;
        for (int task = 0; task < roots.length; task++) {
            int base = task * stride;
            for (int j = 0; j < k; j++) {
                int s = base + 5 * j;
                weight[j] += partial[s];
                sums[3 * j] += partial[s + 1];
                sums[3 * j + 1] += partial[s + 2];
                sums[3 * j + 2] += partial[s + 3];
                members[j] += (int) partial[s + 4];
            }
            totalCost += partial[base + 5 * k];
            changes += (long) partial[base + 5 * k + 1];
        }
        lastCost = totalCost;
        return changes;
    }

    /**
     * @param previous the owner this node had in the last pass (an ancestor's, if that ancestor was
     *                 owned whole), MIXED if the node's own record is to be used
     */
    private void filter(int node, int[] cand, int nc, int previous, double[] c, int base, int[][] buffers, int depth) {
        float[] b = tree.box;
        int o = 6 * node;
        double mx = 0.5 * (b[o] + b[o + 3]), my = 0.5 * (b[o + 1] + b[o + 4]), mz = 0.5 * (b[o + 2] + b[o + 5]);
        int star = cand[0];
        double starCost = Double.POSITIVE_INFINITY;
        for (int t = 0; t < nc; t++) {
            int j = cand[t];
            double dx = c[3 * j] - mx, dy = c[3 * j + 1] - my, dz = c[3 * j + 2] - mz;
            double d = dx * dx + dy * dy + dz * dz;
            if (d < starCost) {
                starCost = d;
                star = j;
            }
        }
        int[] kept = buffers[depth];
        if (kept == null) {
            kept = buffers[depth] = new int[k];
        }
        int nk = 0;
        double sx = c[3 * star], sy = c[3 * star + 1], sz = c[3 * star + 2];
        for (int t = 0; t < nc; t++) {
            int j = cand[t];
            if (j == star) {
                kept[nk++] = j;
                continue;
            }
            double zx = c[3 * j], zy = c[3 * j + 1], zz = c[3 * j + 2];
            // Box corner furthest in the direction from star to z: if z is not closer there, it is nowhere.
            double vx = zx > sx ? b[o + 3] : b[o];
            double vy = zy > sy ? b[o + 4] : b[o + 1];
            double vz = zz > sz ? b[o + 5] : b[o + 2];
            double dz2 = sq(zx - vx) + sq(zy - vy) + sq(zz - vz);
            double ds2 = sq(sx - vx) + sq(sy - vy) + sq(sz - vz);
            if (dz2 < ds2) {
                kept[nk++] = j;
            }
        }
        int prev = previous >= 0 ? previous : owner[node];
        if (nk == 1) {
            takeWhole(node, star, c, base, prev);
            return;
        }
        if (tree.isLeaf(node)) {
            leaf(node, kept, nk, c, base, prev);
            return;
        }
        int inherit = prev >= 0 ? prev : MIXED;
        int l = tree.left[node], r = tree.right[node];
        filter(l, kept, nk, inherit, c, base, buffers, depth + 1);
        filter(r, kept, nk, inherit, c, base, buffers, depth + 1);
        owner[node] = owner[l] == owner[r] && owner[l] >= 0 ? owner[l] : MIXED;
    }

    private void takeWhole(int node, int j, double[] c, int base, int prev) {
        int s = base + 5 * j;
        double w = tree.weight[node];
        double sx = tree.sum[3 * node], sy = tree.sum[3 * node + 1], sz = tree.sum[3 * node + 2];
        partial[s] += w;
        partial[s + 1] += sx;
        partial[s + 2] += sy;
        partial[s + 3] += sz;
        partial[s + 4] += tree.count[node];
        double cx = c[3 * j], cy = c[3 * j + 1], cz = c[3 * j + 2];
        // sum w |x - c|^2 = sum w|x|^2 - 2 c . sum w x + W |c|^2
        double cost = tree.sumSq[node] - 2 * (cx * sx + cy * sy + cz * sz) + w * (cx * cx + cy * cy + cz * cz);
        partial[base + 5 * k] += Math.max(0, cost);
        if (prev != j) {
            partial[base + 5 * k + 1] += 1;
        }
        owner[node] = j;
    }

    private void leaf(int node, int[] cand, int nc, double[] c, int base, int prev) {
        float[] p = tree.points.coords;
        double[] w = tree.points.weights;
        int uniform = -2;
        for (int m = tree.from[node]; m < tree.to[node]; m++) {
            int i = tree.order[m];
            double x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
            double best = Double.POSITIVE_INFINITY;
            int bestJ = cand[0];
            for (int t = 0; t < nc; t++) {
                int j = cand[t];
                double d = sq(x - c[3 * j]) + sq(y - c[3 * j + 1]) + sq(z - c[3 * j + 2]);
                if (d < best || (d == best && j < bestJ)) {
                    best = d;
                    bestJ = j;
                }
            }
            int s = base + 5 * bestJ;
            partial[s] += w[i];
            partial[s + 1] += w[i] * x;
            partial[s + 2] += w[i] * y;
            partial[s + 3] += w[i] * z;
            partial[s + 4] += 1;
            partial[base + 5 * k] += w[i] * best;
            int before = prev >= 0 ? prev : (prev == MIXED ? pointOwner[i] : UNKNOWN);
            if (before != bestJ) {
                partial[base + 5 * k + 1] += 1;
            }
            pointOwner[i] = bestJ;
            uniform = uniform == -2 || uniform == bestJ ? bestJ : MIXED;
        }
        owner[node] = uniform >= 0 ? uniform : MIXED;
    }

    /**
     * {@link LloydUpdate#relocateEmpty} with each point's distance to its nearest centroid (points in
     * whole-node clusters have no per-point owner here, so a brute-force scan; re-seeding is rare).
     */
    private void reseedEmpty(double[] centroids, double[] weight, double[] sums, int[] members) {
        float[] p = tree.points.coords;
        int n = tree.points.size;
        double[] far = new double[n];
        int[] near = new int[n];
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double d = Metric.cost(p, i, centroids, j, false);
                if (d < best) {
                    best = d;
                    near[i] = j;
                }
            }
            far[i] = best;
        }
        LloydUpdate.relocateEmpty(tree.points, far, near, weight, sums, members);
    }

    private static double sq(double v) {
        return v * v;
    }
}
