package dev.pixelwise.imaging;

/**
 * sRGB (D65) <-> CIELAB conversion: sRGB 8-bit -> linear -> XYZ -> Lab, and back.
 * L is 0..100; a and b are roughly -128..127. Forward conversion uses two lookup tables
 * (sRGB decode per 8-bit level, and the Lab cube-root function f(t) on [0,1] with linear
 * interpolation, max error below 1e-4 Lab units) because it runs on millions of colours.
 */
public final class CieLab {
    // sRGB -> XYZ matrix (IEC 61966-2-1, D65). The white point is its row sums, so white maps to a = b = 0.
    private static final double M11 = 0.4124564, M12 = 0.3575761, M13 = 0.1804375;
    private static final double M21 = 0.2126729, M22 = 0.7151522, M23 = 0.0721750;
    private static final double M31 = 0.0193339, M32 = 0.1191920, M33 = 0.9503041;
    private static final double XN = M11 + M12 + M13, YN = M21 + M22 + M23, ZN = M31 + M32 + M33;

    private static final double EPSILON = 216.0 / 24389.0;  // (6/29)^3: below it f(t) is linear
    private static final double KAPPA = 24389.0 / 27.0;

    /** Linear-light value (0..1) of each 8-bit sRGB level. */
    private static final double[] DECODE = new double[256];
    private static final int F_STEPS = 1 << 14;
    /** f(t) sampled at t = i / F_STEPS, i = 0..F_STEPS. */
    private static final double[] F_TABLE = new double[F_STEPS + 2];

    static {
        for (int i = 0; i < 256; i++) {
            double v = i / 255.0;
            DECODE[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        for (int i = 0; i <= F_STEPS + 1; i++) {
            F_TABLE[i] = fExact((double) i / F_STEPS);
        }
    }

    private CieLab() {
    }

    public static double decode(int level) {
        return DECODE[level];
    }

    public static double fExact(double t) {
        return t > EPSILON ? Math.cbrt(t) : (KAPPA * t + 16.0) / 116.0;
    }

    /** Table version of f(t); t is in [0,1] for in-gamut colours (slightly above 1 is tolerated). */
    public static double f(double t) {
        double x = t * F_STEPS;
        if (!(x < F_STEPS)) {
            return fExact(t);
        }
        int i = (int) x;
        double frac = x - i;
        return F_TABLE[i] + (F_TABLE[i + 1] - F_TABLE[i]) * frac;
    }

    /** Lab of an 0xRRGGBB colour (alpha ignored) into out[off..off+2]. */
    public static void fromRgb(int rgb, double[] out, int off) {
        fromLinear(DECODE[(rgb >>> 16) & 0xFF], DECODE[(rgb >>> 8) & 0xFF], DECODE[rgb & 0xFF], false, out, off);
    }

    /** Lab of a colour with fractional 8-bit sRGB levels (clamped to 0..255), exact formulas. */
    public static void fromRgb(double r8, double g8, double b8, double[] out, int off) {
        fromLinear(decodeExact(r8), decodeExact(g8), decodeExact(b8), true, out, off);
    }

    /** Lab of linear-light RGB, with f(t) from the table or exact. */
    private static void fromLinear(double r, double g, double b, boolean exact, double[] out, int off) {
        double tx = (M11 * r + M12 * g + M13 * b) / XN;
        double ty = (M21 * r + M22 * g + M23 * b) / YN;
        double tz = (M31 * r + M32 * g + M33 * b) / ZN;
        double fx = exact ? fExact(tx) : f(tx);
        double fy = exact ? fExact(ty) : f(ty);
        double fz = exact ? fExact(tz) : f(tz);
        out[off] = 116.0 * fy - 16.0;
        out[off + 1] = 500.0 * (fx - fy);
        out[off + 2] = 200.0 * (fy - fz);
    }

    private static double decodeExact(double level) {
        double v = Math.max(0, Math.min(255, level)) / 255.0;
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    /** Nearest 8-bit sRGB colour of a Lab value, clamped to the gamut per channel; returns 0xFFRRGGBB. */
    public static int toArgb(double l, double a, double b) {
        double fy = (l + 16.0) / 116.0;
        double fx = fy + a / 500.0;
        double fz = fy - b / 200.0;
        double x = XN * fInverse(fx), y = YN * fInverse(fy), z = ZN * fInverse(fz);
        double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
        double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
        double bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
        return 0xFF000000 | (encode(r) << 16) | (encode(g) << 8) | encode(bl);
    }

    private static double fInverse(double f) {
        double f3 = f * f * f;
        return f3 > EPSILON ? f3 : (116.0 * f - 16.0) / KAPPA;
    }

    /** Linear light (any value) -> clamped, rounded 8-bit sRGB level. */
    private static int encode(double linear) {
        if (!(linear > 0)) {
            return 0;
        }
        double v = linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.pow(linear, 1 / 2.4) - 0.055;
        int level = (int) Math.round(v * 255.0);
        return level > 255 ? 255 : level;
    }
}
