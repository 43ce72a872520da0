package dev.pixelwise.quantize;

import java.util.Random;

/** Generated test images (ARGB ints, row-major). */
public final class Fixtures {
    private Fixtures() {
    }

    public static int argb(int r, int g, int b) {
        return 0xFF000000 | (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** count pixels around each centre (r,g,b triples) with Gaussian noise of the given sigma, shuffled. */
    static int[] blobs(int[][] centres, int perBlob, double sigma, long seed) {
        Random rnd = new Random(seed);
        int[] px = new int[centres.length * perBlob];
        int i = 0;
        for (int[] c : centres) {
            for (int n = 0; n < perBlob; n++) {
                px[i++] = argb((int) Math.round(c[0] + sigma * rnd.nextGaussian()),
                        (int) Math.round(c[1] + sigma * rnd.nextGaussian()),
                        (int) Math.round(c[2] + sigma * rnd.nextGaussian()));
            }
        }
        for (int j = px.length - 1; j > 0; j--) {
            int s = rnd.nextInt(j + 1);
            int t = px[j];
            px[j] = px[s];
            px[s] = t;
        }
        return px;
    }

    /** Uniform random opaque colours: no structure, many unique colours ("hard" data). */
    static int[] noise(int n, long seed) {
        Random rnd = new Random(seed);
        int[] px = new int[n];
        for (int i = 0; i < n; i++) {
            px[i] = 0xFF000000 | rnd.nextInt(1 << 24);
        }
        return px;
    }

    /** A smooth photo-like image: gradients plus a little noise, w x h. */
    public static int[] photo(int w, int h, long seed) {
        Random rnd = new Random(seed);
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (double) x / w, v = (double) y / h;
                int r = (int) (255 * (0.5 + 0.5 * Math.sin(6 * u + 2 * v)));
                int g = (int) (255 * v * (1 - 0.5 * u));
                int b = (int) (255 * (0.5 + 0.5 * Math.cos(4 * v - 3 * u)));
                px[y * w + x] = argb(r + rnd.nextInt(9) - 4, g + rnd.nextInt(9) - 4, b + rnd.nextInt(9) - 4);
            }
        }
        return px;
    }

    static double rgbDistance(int a, int b) {
        int dr = ((a >>> 16) & 0xFF) - ((b >>> 16) & 0xFF);
        int dg = ((a >>> 8) & 0xFF) - ((b >>> 8) & 0xFF);
        int db = (a & 0xFF) - (b & 0xFF);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    static KMeansParams rgb() {
        return KMeansParams.defaults().withColorSpace(ColorSpace.RGB);
    }
}
