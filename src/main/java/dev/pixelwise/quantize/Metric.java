package dev.pixelwise.quantize;

/** Point-to-centroid distances in working space. Small static helpers so the JIT inlines them. */
final class Metric {
    private Metric() {
    }

    /** Squared L2 (Euclidean) or plain L1 (Manhattan): the quantity compared when searching nearest. */
    static double cost(float[] p, int i, double[] c, int j, boolean manhattan) {
        double dx = p[3 * i] - c[3 * j], dy = p[3 * i + 1] - c[3 * j + 1], dz = p[3 * i + 2] - c[3 * j + 2];
        return manhattan ? Math.abs(dx) + Math.abs(dy) + Math.abs(dz) : dx * dx + dy * dy + dz * dz;
    }

    /** True distance (a metric, so triangle-inequality pruning is valid for both L2 and L1). */
    static double distance(float[] p, int i, double[] c, int j, boolean manhattan) {
        double v = cost(p, i, c, j, manhattan);
        return manhattan ? v : Math.sqrt(v);
    }

    static double distance(double[] c, int i, double[] d, int j, boolean manhattan) {
        double dx = c[3 * i] - d[3 * j], dy = c[3 * i + 1] - d[3 * j + 1], dz = c[3 * i + 2] - d[3 * j + 2];
        return manhattan ? Math.abs(dx) + Math.abs(dy) + Math.abs(dz) : Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Cost from a distance: the k-means objective term (d^2 for L2, d for L1). */
    static double costOf(double distance, boolean manhattan) {
        return manhattan ? distance : distance * distance;
    }
}
