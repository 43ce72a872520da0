package dev.pixelwise.imaging;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Full-reference quality metrics between two same-sized ARGB images (alpha ignored).
 *
 * <ul>
 * <li>PSNR over R, G and B together, 8-bit peak 255: 10 log10(255^2 / MSE); identical => +Infinity.</li>
 * <li>SSIM (Wang et al. 2004) on luma Y = 0.299R + 0.587G + 0.114B, 11x11 Gaussian window
 *     (sigma 1.5), K1 = 0.01, K2 = 0.03, L = 255, population (co)variances, mean over the windows
 *     that fit inside the image; matches skimage structural_similarity with gaussian_weights=True,
 *     use_sample_covariance=False, data_range=255.</li>
 * <li>Mean CIEDE2000 colour difference (Sharma, Wu and Dalal 2005; kL = kC = kH = 1) and mean CIE76
 *     (Euclidean distance in Lab), sRGB D65 -> Lab.</li>
 * </ul>
 */
public final class ImageQuality {
    private static final int RADIUS = 5;          // 11-tap window: int(3.5 * 1.5 + 0.5), as scipy/skimage
    /** Smallest width and height the standard 11×11 window fits; smaller images get a smaller window. */
    public static final int MIN_SSIM_SIDE = 2 * RADIUS + 1;
    private static final double SIGMA = 1.5;
    private static final double C1 = Math.pow(0.01 * 255, 2);
    private static final double C2 = Math.pow(0.03 * 255, 2);

    private ImageQuality() {
    }

    public static double psnr(int[] a, int[] b) {
        requireSameLength(a, b);
        long sse = 0;
        for (int i = 0; i < a.length; i++) {
            int p = a[i], q = b[i];
            int dr = ((p >>> 16) & 0xFF) - ((q >>> 16) & 0xFF);
            int dg = ((p >>> 8) & 0xFF) - ((q >>> 8) & 0xFF);
            int db = (p & 0xFF) - (q & 0xFF);
            sse += dr * dr + dg * dg + db * db;
        }
        if (sse == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double mse = (double) sse / (3.0 * a.length);
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /**
     * Side of the SSIM window used for an image: 11 (the standard), or the largest odd size that fits
     * a smaller image, so icons are scored rather than refused.
     */
    public static int ssimWindow(int width, int height) {
        int radius = Math.min(RADIUS, (Math.min(width, height) - 1) / 2);
        return 2 * radius + 1;
    }

    /** Mean SSIM of the luma planes, with the window {@link #ssimWindow} gives. */
    public static double ssim(int[] a, int[] b, int width, int height) {
        requireSameLength(a, b);
        if ((long) width * height != a.length || width < 1 || height < 1) {
            throw new IllegalArgumentException("length must equal width * height");
        }
        int radius = (ssimWindow(width, height) - 1) / 2;
        // The standard window has sigma 1.5 over 11 taps; a smaller one keeps the same shape.
        double[] kernel = gaussianKernel(radius, SIGMA * radius / RADIUS);
        // Bands of output rows are independent; their sums are added in band order (deterministic).
        int outRows = height - 2 * radius;
        int bands = (outRows + SSIM_BAND - 1) / SSIM_BAND;
        double[] bandSums = new double[bands];
        IntStream.range(0, bands).parallel()
                .forEach(band -> bandSums[band] = ssimBand(a, b, width, radius, kernel, band * SSIM_BAND,
                        Math.min(outRows, (band + 1) * SSIM_BAND)));
        double total = 0;
        for (double v : bandSums) {
            total += v;
        }
        return total / ((double) outRows * (width - 2 * radius));
    }

    private static final int SSIM_BAND = 128;

    /** Sum of SSIM over output rows [first, end) (row r is centred on image row r + RADIUS). */
    private static double ssimBand(int[] a, int[] b, int width, int radius, double[] kernel, int first, int end) {
        int win = 2 * radius + 1;
        int outW = width - 2 * radius;
        // Horizontally filtered rows of x, y, x^2, y^2, xy for the 11 input rows of a window, as a ring.
        double[][][] ring = new double[5][win][outW];
        double[][] plane = new double[5][width];
        double[][] acc = new double[5][outW];
        double total = 0;
        for (int row = first; row < end + 2 * radius; row++) {
            double[] x = plane[0], y = plane[1], xx = plane[2], yy = plane[3], xy = plane[4];
            int off = row * width;
            for (int i = 0; i < width; i++) {
                double u = luma(a[off + i]), v = luma(b[off + i]);
                x[i] = u;
                y[i] = v;
                xx[i] = u * u;
                yy[i] = v * v;
                xy[i] = u * v;
            }
            int slot = row % win;
            for (int q = 0; q < 5; q++) {
                double[] src = plane[q], dst = ring[q][slot];
                Arrays.fill(dst, 0);
                for (int t = 0; t < win; t++) {
                    double g = kernel[t];
                    for (int i = 0; i < outW; i++) {
                        dst[i] += g * src[i + t];
                    }
                }
            }
            if (row < first + win - 1) {
                continue;
            }
            int top = row - win + 1;
            for (int q = 0; q < 5; q++) {
                double[] dst = acc[q];
                Arrays.fill(dst, 0);
                for (int t = 0; t < win; t++) {
                    double g = kernel[t];
                    double[] src = ring[q][(top + t) % win];
                    for (int i = 0; i < outW; i++) {
                        dst[i] += g * src[i];
                    }
                }
            }
            for (int i = 0; i < outW; i++) {
                double ux = acc[0][i], uy = acc[1][i];
                double vx = acc[2][i] - ux * ux, vy = acc[3][i] - uy * uy, cov = acc[4][i] - ux * uy;
                total += ((2 * ux * uy + C1) * (2 * cov + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
            }
        }
        return total;
    }

    public static double meanDeltaE2000(int[] a, int[] b) {
        return meanOverPairs(a, b, true, null);
    }

    public static double meanDeltaE76(int[] a, int[] b) {
        return meanOverPairs(a, b, false, null);
    }

    /** CIEDE2000 of every pixel pair into {@code out}; returns the mean. */
    public static double deltaE2000Map(int[] a, int[] b, float[] out) {
        if (out.length != a.length) {
            throw new IllegalArgumentException("out must have one entry per pixel");
        }
        return meanOverPairs(a, b, true, out);
    }

    /** The nearest-rank {@code fraction} quantile, to 1/64 (the lower edge of its bin in a 1/64-wide histogram). */
    public static double percentile(float[] values, double fraction) {
        if (values.length == 0) {
            return 0;
        }
        int bins = 64 * 128;
        long[] counts = new long[bins + 1];
        for (float v : values) {
            counts[Math.min(bins, (int) (v * 64))]++;
        }
        long rank = (long) Math.ceil(fraction * values.length);
        long seen = 0;
        for (int i = 0; i <= bins; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return i / 64.0;
            }
        }
        return bins / 64.0;
    }

    /**
     * Mean colour difference over pixels. A quantised image maps each original colour to few
     * palette colours, so the difference is memoised per (colour, colour) pair in a bounded
     * open-addressing table (2^20 slots, filled to 3/4 at most, then pairs are computed directly).
     */
    private static double meanOverPairs(int[] a, int[] b, boolean ciede2000, float[] perPixel) {
        requireSameLength(a, b);
        if (a.length == 0) {
            return 0;
        }
        // Chunks of a fixed size run in parallel; their sums are added in chunk order (deterministic).
        int chunks = (a.length + PAIR_CHUNK - 1) / PAIR_CHUNK;
        double[] sums = new double[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> sums[c] = sumOverPairs(a, b, c * PAIR_CHUNK,
                Math.min(a.length, (c + 1) * PAIR_CHUNK), ciede2000, perPixel));
        double sum = 0;
        for (double v : sums) {
            sum += v;
        }
        return sum / a.length;
    }

    private static final int PAIR_CHUNK = 1 << 19;

    private static double sumOverPairs(int[] a, int[] b, int from, int to, boolean ciede2000, float[] perPixel) {
        int slots = 1 << 18;
        long[] keys = new long[slots];
        double[] values = new double[slots];
        Arrays.fill(keys, -1L);
        int used = 0;
        // A lossy file pairs almost every pixel with a colour of its own: after a trial, a table
        // that hardly hits costs more in cache misses than it saves, so it is left.
        boolean memo = true;
        int probes = 0;
        int hits = 0;
        double[] p = new double[3], q = new double[3];
        double sum = 0;
        for (int i = from; i < to; i++) {
            int ca = a[i] & 0xFFFFFF, cb = b[i] & 0xFFFFFF;
            if (ca == cb) {
                if (perPixel != null) {
                    perPixel[i] = 0;
                }
                continue;
            }
            long key = ((long) ca << 24) | cb;
            int slot = 0;
            if (memo) {
                slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 46);
                while (keys[slot] != -1L && keys[slot] != key) {
                    slot = (slot + 1) & (slots - 1);
                }
                if (keys[slot] == key) {
                    hits++;
                    sum += values[slot];
                    if (perPixel != null) {
                        perPixel[i] = (float) values[slot];
                    }
                    continue;
                }
                if (++probes == MEMO_TRIAL && hits < MEMO_TRIAL / 8) {
                    memo = false;
                }
            }
            CieLab.fromRgb(ca, p, 0);
            CieLab.fromRgb(cb, q, 0);
            double d = ciede2000 ? deltaE2000(p[0], p[1], p[2], q[0], q[1], q[2]) : deltaE76(p[0], p[1], p[2], q[0], q[1], q[2]);
            if (memo && used < slots / 4 * 3) {
                keys[slot] = key;
                values[slot] = d;
                used++;
            }
            if (perPixel != null) {
                perPixel[i] = (float) d;
            }
            sum += d;
        }
        return sum;
    }

    /** Misses after which a memo table that has not hit one pair in eight is given up for the chunk. */
    private static final int MEMO_TRIAL = 8192;

    public static double deltaE76(double l1, double a1, double b1, double l2, double a2, double b2) {
        double dl = l1 - l2, da = a1 - a2, db = b1 - b2;
        return Math.sqrt(dl * dl + da * da + db * db);
    }

    /**
     * CIEDE2000 between two Lab colours, following Sharma, Wu and Dalal (2005), eqs. 1-22. It runs
     * once per pixel of every candidate file, so it avoids the angles: the hue difference ΔH' comes
     * from the dot and cross products of the two (a', b) vectors, and the mean hue is the direction
     * of the sum of their unit vectors (the bisector of the shorter arc, which is what the paper's
     * case analysis picks), so T needs no trigonometry. An angle is taken only where the blue-region
     * rotation term is not negligible (mean hue within 90° of 275°), and the rare pair of exactly
     * opposite hues goes through the paper's formulas as written.
     */
    public static double deltaE2000(double l1, double a1, double b1, double l2, double a2, double b2) {
        // sqrt rather than Math.hypot: Lab values cannot overflow, and hypot costs several times more
        double c1 = Math.sqrt(a1 * a1 + b1 * b1), c2 = Math.sqrt(a2 * a2 + b2 * b2);
        double cMean7 = pow7((c1 + c2) / 2);
        double g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + 6103515625.0)));  // 25^7
        double ap1 = (1 + g) * a1, ap2 = (1 + g) * a2;
        double cp1 = Math.sqrt(ap1 * ap1 + b1 * b1), cp2 = Math.sqrt(ap2 * ap2 + b2 * b2);

        // unit hue vectors; a colour without chroma has none (its hue counts as 0 and drops out)
        double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
        if (cp1 > 0) {
            x1 = ap1 / cp1;
            y1 = b1 / cp1;
        }
        if (cp2 > 0) {
            x2 = ap2 / cp2;
            y2 = b2 / cp2;
        }
        double sx = x1 + x2, sy = y1 + y2;
        double sum2 = sx * sx + sy * sy;
        if (cp1 > 0 && cp2 > 0 && sum2 < 1e-12) {
            return deltaE2000AsWritten(l1, a1, b1, l2, a2, b2);
        }
        double cc = cp1 * cp2;
        // ΔH'² = 2(C'1C'2 − a'1a'2 − b1b2), signed like sin(h'2 − h'1)
        double dH = Math.sqrt(Math.max(0, 2 * (cc - ap1 * ap2 - b1 * b2)));
        if (ap1 * b2 - ap2 * b1 < 0) {
            dH = -dH;
        }
        double c = 1, s = 0;                                    // cos and sin of the mean hue (0 for two greys)
        if (sum2 > 0) {
            double norm = 1 / Math.sqrt(sum2);
            c = sx * norm;
            s = sy * norm;
        }
        double c2h = 2 * c * c - 1, s2h = 2 * s * c;
        double c3h = c * (4 * c * c - 3), s3h = s * (3 - 4 * s * s);
        double c4h = 2 * c2h * c2h - 1, s4h = 2 * s2h * c2h;
        double t = 1 - 0.17 * (c * COS_30 + s * SIN_30) + 0.24 * c2h + 0.32 * (c3h * COS_6 - s3h * SIN_6)
                - 0.20 * (c4h * COS_63 + s4h * SIN_63);

        double dL = l2 - l1;
        double dC = cp2 - cp1;
        double lMean = (l1 + l2) / 2;
        double cpMean = (cp1 + cp2) / 2;
        double l50 = (lMean - 50) * (lMean - 50);
        double sl = 1 + 0.015 * l50 / Math.sqrt(20 + l50);
        double sc = 1 + 0.045 * cpMean;
        double sh = 1 + 0.015 * cpMean * t;
        double tl = dL / sl, tc = dC / sc, th = dH / sh;
        double rt = 0;
        // beyond 90° from 275° the rotation term is below 5e-6, which moves ΔE by a millionth of itself
        if (c * COS_275 + s * SIN_275 > 0) {
            double hMean = Math.toDegrees(Math.atan2(s, c));
            if (hMean < 0) {
                hMean += 360;
            }
            double u = (hMean - 275) / 25;
            double dTheta = 30 * Math.exp(-u * u);
            double cpMean7 = pow7(cpMean);
            rt = -Math.sin(Math.toRadians(2 * dTheta)) * 2 * Math.sqrt(cpMean7 / (cpMean7 + 6103515625.0));
        }
        return Math.sqrt(tl * tl + tc * tc + th * th + rt * tc * th);
    }

    /** CIEDE2000 with the paper's hue angles and case analysis, step by step (the reference for {@link #deltaE2000}). */
    static double deltaE2000AsWritten(double l1, double a1, double b1, double l2, double a2, double b2) {
        double c1 = Math.sqrt(a1 * a1 + b1 * b1), c2 = Math.sqrt(a2 * a2 + b2 * b2);
        double cMean7 = pow7((c1 + c2) / 2);
        double g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + 6103515625.0)));
        double ap1 = (1 + g) * a1, ap2 = (1 + g) * a2;
        double cp1 = Math.sqrt(ap1 * ap1 + b1 * b1), cp2 = Math.sqrt(ap2 * ap2 + b2 * b2);
        double hp1 = hueDegrees(ap1, b1), hp2 = hueDegrees(ap2, b2);

        double dL = l2 - l1;
        double dC = cp2 - cp1;
        double dh;
        if (cp1 * cp2 == 0) {
            dh = 0;
        } else {
            dh = hp2 - hp1;
            if (dh > 180) {
                dh -= 360;
            } else if (dh < -180) {
                dh += 360;
            }
        }
        double dH = 2 * Math.sqrt(cp1 * cp2) * Math.sin(Math.toRadians(dh / 2));

        double lMean = (l1 + l2) / 2;
        double cpMean = (cp1 + cp2) / 2;
        double hMean;
        if (cp1 * cp2 == 0) {
            hMean = hp1 + hp2;
        } else if (Math.abs(hp1 - hp2) <= 180) {
            hMean = (hp1 + hp2) / 2;
        } else if (hp1 + hp2 < 360) {
            hMean = (hp1 + hp2 + 360) / 2;
        } else {
            hMean = (hp1 + hp2 - 360) / 2;
        }
        double t = 1 - 0.17 * cosDeg(hMean - 30) + 0.24 * cosDeg(2 * hMean) + 0.32 * cosDeg(3 * hMean + 6)
                - 0.20 * cosDeg(4 * hMean - 63);
        double u = (hMean - 275) / 25;
        double dTheta = 30 * Math.exp(-u * u);
        double cpMean7 = pow7(cpMean);
        double rc = 2 * Math.sqrt(cpMean7 / (cpMean7 + 6103515625.0));
        double l50 = (lMean - 50) * (lMean - 50);
        double sl = 1 + 0.015 * l50 / Math.sqrt(20 + l50);
        double sc = 1 + 0.045 * cpMean;
        double sh = 1 + 0.015 * cpMean * t;
        double rt = -Math.sin(Math.toRadians(2 * dTheta)) * rc;
        double tl = dL / sl, tc = dC / sc, th = dH / sh;
        return Math.sqrt(tl * tl + tc * tc + th * th + rt * tc * th);
    }

    private static double cosDeg(double degrees) {
        return Math.cos(Math.toRadians(degrees));
    }

    private static final double COS_30 = Math.cos(Math.toRadians(30)), SIN_30 = Math.sin(Math.toRadians(30));
    private static final double COS_6 = Math.cos(Math.toRadians(6)), SIN_6 = Math.sin(Math.toRadians(6));
    private static final double COS_63 = Math.cos(Math.toRadians(63)), SIN_63 = Math.sin(Math.toRadians(63));
    private static final double COS_275 = Math.cos(Math.toRadians(275)), SIN_275 = Math.sin(Math.toRadians(275));

    private static double pow7(double x) {
        double x2 = x * x;
        return x2 * x2 * x2 * x;
    }

    private static double hueDegrees(double a, double b) {
        if (a == 0 && b == 0) {
            return 0;
        }
        double h = Math.toDegrees(Math.atan2(b, a));
        return h < 0 ? h + 360 : h;
    }

    public static double luma(int argb) {
        return 0.299 * ((argb >>> 16) & 0xFF) + 0.587 * ((argb >>> 8) & 0xFF) + 0.114 * (argb & 0xFF);
    }

    private static double[] gaussianKernel(int radius, double sigma) {
        double[] k = new double[2 * radius + 1];
        if (radius == 0) {
            k[0] = 1;
            return k;
        }
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    private static void requireSameLength(int[] a, int[] b) {
        if (a == null || b == null || a.length != b.length) {
            throw new IllegalArgumentException("images must be non-null and the same size");
        }
    }
}
