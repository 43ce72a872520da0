package dev.pixelwise.quantize;

import dev.pixelwise.imaging.CieLab;

/**
 * Maps 8-bit sRGB colours to the coordinates distances are measured in, and centroids back to
 * colours: 3 values (Lab, or R,G,B), or 6 for {@link ColorSpace#RGB_LAB} (R,G,B, then the
 * CIEDE2000-shaped Lab of {@link #toProxy}; the search weighs the two halves, see
 * {@link ExactRefinement#refineHybrid}).
 */
final class WorkingSpace {
    /** Gauss-Newton steps of {@link #nearestHybridColor}; each costs 4 Lab conversions. */
    private static final int PROJECTION_STEPS = 3;

    private WorkingSpace() {
    }

    /** Coordinates per colour in this space. */
    static int dims(ColorSpace space) {
        return space == ColorSpace.RGB_LAB ? 6 : 3;
    }

    /** Coordinates of 0xRRGGBB (alpha ignored): Lab, R,G,B as 0..255 floats, or both ({@link #dims}). */
    static void toCoords(ColorSpace space, int rgb, float[] out, int off) {
        if (space == ColorSpace.LAB) {
            double[] lab = new double[3];
            CieLab.fromRgb(rgb, lab, 0);
            for (int d = 0; d < 3; d++) {
                out[off + d] = (float) lab[d];
            }
        } else if (space == ColorSpace.RGB_LAB) {
            out[off] = (rgb >>> 16) & 0xFF;
            out[off + 1] = (rgb >>> 8) & 0xFF;
            out[off + 2] = rgb & 0xFF;
            double[] lab = new double[3];
            CieLab.fromRgb(rgb, lab, 0);
            toProxy(lab);
            for (int d = 0; d < 3; d++) {
                out[off + 3 + d] = (float) lab[d];
            }
        } else {
            out[off] = (rgb >>> 16) & 0xFF;
            out[off + 1] = (rgb >>> 8) & 0xFF;
            out[off + 2] = rgb & 0xFF;
        }
    }

    static void toCoords(ColorSpace space, int rgb, double[] out, int off) {
        if (space == ColorSpace.LAB) {
            CieLab.fromRgb(rgb, out, off);
        } else if (space == ColorSpace.RGB_LAB) {
            hybridCoords((rgb >>> 16) & 0xFF, (rgb >>> 8) & 0xFF, rgb & 0xFF, out, off);
        } else {
            out[off] = (rgb >>> 16) & 0xFF;
            out[off + 1] = (rgb >>> 8) & 0xFF;
            out[off + 2] = rgb & 0xFF;
        }
    }

    /** {@link ColorSpace#RGB_LAB} coordinates of a colour with fractional RGB levels. */
    static void hybridCoords(double r, double g, double b, double[] out, int off) {
        out[off] = r;
        out[off + 1] = g;
        out[off + 2] = b;
        double[] lab = new double[3];
        CieLab.fromRgb(r, g, b, lab, 0);
        toProxy(lab);
        System.arraycopy(lab, 0, out, off + 3, 3);
    }

    /**
     * Lab -> coordinates whose Euclidean distance is closer to CIEDE2000: the a axis stretched by
     * 1 + G for near-neutral colours, chroma compressed as in S_C = 1 + 0.045 C (C' = ln(1 + 0.045 C)
     * / 0.045, the integral of 1 / S_C), lightness by the integral of 1 / S_L.
     */
    static void toProxy(double[] lab) {
        double a = lab[1], b = lab[2];
        double c = Math.sqrt(a * a + b * b);
        double c7 = Math.pow(c, 7);
        double g = 0.5 * (1 - Math.sqrt(c7 / (c7 + 6103515625.0)));
        double a1 = a * (1 + g);
        double c1 = Math.sqrt(a1 * a1 + b * b);
        if (c1 > 0) {
            double cc = Math.log1p(0.045 * c1) / 0.045;
            lab[1] = cc * a1 / c1;
            lab[2] = cc * b / c1;
        }
        lab[0] = lightness(lab[0]);
    }

    private static final double[] L_TABLE = lightnessTable();

    private static double[] lightnessTable() {
        double[] t = new double[1002];  // integral of 1 / S_L at L = i / 10
        for (int i = 1; i < t.length; i++) {
            double l = (i - 0.5) / 10 - 50;
            double sl = 1 + 0.015 * l * l / Math.sqrt(20 + l * l);
            t[i] = t[i - 1] + 0.1 / sl;
        }
        return t;
    }

    private static double lightness(double l) {
        double x = Math.max(0, Math.min(100, l)) * 10;
        int i = (int) x;
        return L_TABLE[i] + (L_TABLE[i + 1] - L_TABLE[i]) * (x - i);
    }

    /**
     * The {@link ColorSpace#RGB_LAB} point of a real colour (fractional RGB in 0..255) nearest to a
     * 6-D point {@code p} (typically a cluster mean, which is no colour's coordinates): minimises
     * |c - p_rgb|^2 + labWeight |Lab(c) - p_lab|^2 by Gauss-Newton from c = p_rgb. For a cluster this
     * is the colour with the least total cost, since sum w|x - c|^2 = W|mean - c|^2 + const per axis.
     */
    static void nearestHybridColor(double[] p, int off, double labWeight, double[] out, int outOff) {
        double scale = Math.sqrt(labWeight);
        double[] c = {clamp(p[off]), clamp(p[off + 1]), clamp(p[off + 2])};
        double[] at = new double[6], probe = new double[6];
        double[] jac = new double[9];  // jac[3 * row + col] = d (s Lab_row) / d rgb_col
        for (int step = 0; step < PROJECTION_STEPS; step++) {
            hybridCoords(c[0], c[1], c[2], at, 0);
            for (int col = 0; col < 3; col++) {
                double h = c[col] > 254 ? -0.01 : 0.01;
                double[] q = c.clone();
                q[col] += h;
                hybridCoords(q[0], q[1], q[2], probe, 0);
                for (int row = 0; row < 3; row++) {
                    jac[3 * row + col] = scale * (probe[3 + row] - at[3 + row]) / h;
                }
            }
            // Normal equations (I + J^T J) delta = -(c - p_rgb + J^T s (Lab(c) - p_lab)), J = s dLab/dc.
            double[] a = new double[9], rhs = new double[3];
            for (int i = 0; i < 3; i++) {
                double g = c[i] - p[off + i];
                for (int row = 0; row < 3; row++) {
                    g += jac[3 * row + i] * scale * (at[3 + row] - p[off + 3 + row]);
                }
                rhs[i] = -g;
                for (int j = 0; j < 3; j++) {
                    double v = i == j ? 1 : 0;
                    for (int row = 0; row < 3; row++) {
                        v += jac[3 * row + i] * jac[3 * row + j];
                    }
                    a[3 * i + j] = v;
                }
            }
            double[] delta = solve3(a, rhs);
            for (int i = 0; i < 3; i++) {
                c[i] = clamp(c[i] + delta[i]);
            }
        }
        hybridCoords(c[0], c[1], c[2], out, outOff);
    }

    private static double clamp(double v) {
        return v > 0 ? Math.min(255, v) : 0;
    }

    /** Cramer's rule for a 3x3 system (the matrix here is symmetric positive definite). */
    private static double[] solve3(double[] a, double[] b) {
        double det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
                + a[2] * (a[3] * a[7] - a[4] * a[6]);
        double[] x = new double[3];
        for (int col = 0; col < 3; col++) {
            double[] m = a.clone();
            for (int row = 0; row < 3; row++) {
                m[3 * row + col] = b[row];
            }
            x[col] = (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
                    + m[2] * (m[3] * m[7] - m[4] * m[6])) / det;
        }
        return x;
    }

    /** Opaque 0xFFRRGGBB of the centroid at c[off ..] ({@link #dims} values). */
    static int toArgb(ColorSpace space, double[] c, int off) {
        if (space == ColorSpace.RGB_LAB) {
            // Centroids of this space are kept on real colours, so their RGB part is the colour.
            return toArgb(ColorSpace.RGB, c[off], c[off + 1], c[off + 2]);
        }
        return toArgb(space, c[off], c[off + 1], c[off + 2]);
    }

    /** Opaque 0xFFRRGGBB nearest to a centroid: converted back to 8-bit sRGB, rounded and clamped. */
    static int toArgb(ColorSpace space, double x, double y, double z) {
        if (space == ColorSpace.LAB) {
            return CieLab.toArgb(x, y, z);
        }
        return 0xFF000000 | (level(x) << 16) | (level(y) << 8) | level(z);
    }

    private static int level(double v) {
        if (!(v > 0)) {
            return 0;
        }
        long r = Math.round(v);
        return r > 255 ? 255 : (int) r;
    }
}
