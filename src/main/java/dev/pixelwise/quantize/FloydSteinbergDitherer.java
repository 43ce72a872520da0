package dev.pixelwise.quantize;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Stage 3 with dithering: Floyd-Steinberg error diffusion. The error is measured and spread in
 * RGB (0..255 per channel) with the classic weights 7/16 right, 3/16 below-behind, 5/16 below,
 * 1/16 below-ahead, on a serpentine scan (rows alternate direction, which avoids the diagonal
 * "worm" artefacts of a one-way scan). Transparent pixels keep the transparent entry and neither
 * take nor pass on error.
 *
 * <p>The entry for an error-adjusted colour is the nearest in RGB, whatever the working space:
 * the error being carried is an RGB error, and choosing by another metric makes it larger (on
 * photos, Lab-nearest choices cost about 2 dB PSNR and were also worse in SSIM and CIEDE2000 than
 * RGB-nearest ones, even for Lab palettes). Lookups go through an 18-bit cache (6 bits per channel,
 * filled on first use from the cube's centre colour), one array read per pixel; the non-dithered
 * remap path is exact. Single-threaded: error diffusion is inherently sequential.
 */
final class FloydSteinbergDitherer {
    private FloydSteinbergDitherer() {
    }

    static byte[] dither(int[] argb, int width, int height, int[] paletteArgb, int transparentIndex,
                         BooleanSupplier cancelled) {
        byte[] out = new byte[argb.length];
        short[] cache = new short[1 << 18];
        Arrays.fill(cache, (short) -1);
        byte transparent = (byte) Math.max(0, transparentIndex);
        serpentine(height, 3 * (width + 2), cancelled, (y, dir, here, below) -> {
            for (int step = 0; step < width; step++) {
                int x = dir > 0 ? step : width - 1 - step;
                int i = y * width + x;
                int p = argb[i];
                if (p >= 0) {
                    out[i] = transparent;
                    continue;
                }
                int e = 3 * (x + 1);
                float r = clamp(((p >>> 16) & 0xFF) + here[e]);
                float g = clamp(((p >>> 8) & 0xFF) + here[e + 1]);
                float b = clamp((p & 0xFF) + here[e + 2]);
                int key = (((int) (r + 0.5f) >>> 2) << 12) | (((int) (g + 0.5f) >>> 2) << 6) | ((int) (b + 0.5f) >>> 2);
                int idx = cache[key];
                if (idx < 0) {
                    idx = nearest(key, paletteArgb, transparentIndex);
                    cache[key] = (short) idx;
                }
                out[i] = (byte) idx;
                int q = paletteArgb[idx];
                float er = r - ((q >>> 16) & 0xFF), eg = g - ((q >>> 8) & 0xFF), eb = b - (q & 0xFF);
                int ahead = e + 3 * dir, behind = e - 3 * dir;
                spread(here, ahead, er, eg, eb, 7f / 16f);
                spread(below, behind, er, eg, eb, 3f / 16f);
                spread(below, e, er, eg, eb, 5f / 16f);
                spread(below, ahead, er, eg, eb, 1f / 16f);
            }
        });
        return out;
    }

    /** One row of error diffusion: {@code here} holds the error arriving on row y, {@code below} takes the next row's. */
    private interface RowPass {
        void row(int y, int dir, float[] here, float[] below);
    }

    /**
     * The serpentine scan both variants share: rows alternate direction ({@code dir} 1 is left to
     * right), and the two error rows (each pixel's channels, offset by one pixel so that x - 1 and
     * x + 1 need no bounds test) swap and clear between rows.
     */
    private static void serpentine(int height, int rowLength, BooleanSupplier cancelled, RowPass pass) {
        float[] here = new float[rowLength];
        float[] below = new float[rowLength];
        for (int y = 0; y < height; y++) {
            if ((y & 63) == 0 && cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled during dithering");
            }
            pass.row(y, (y & 1) == 0 ? 1 : -1, here, below);
            float[] t = here;
            here = below;
            below = t;
            Arrays.fill(below, 0f);
        }
    }

    private static void spread(float[] err, int at, float er, float eg, float eb, float weight) {
        err[at] += er * weight;
        err[at + 1] += eg * weight;
        err[at + 2] += eb * weight;
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    private static int nearest(int key, int[] palette, int transparentIndex) {
        // Centre of the 4x4x4 cube of 8-bit levels.
        int r = ((key >>> 12) << 2) + 2, g = (((key >>> 6) & 63) << 2) + 2, b = ((key & 63) << 2) + 2;
        int best = Integer.MAX_VALUE;
        int bestJ = 0;
        for (int j = 0; j < palette.length; j++) {
            if (j == transparentIndex) {
                continue;
            }
            int q = palette[j];
            int dr = r - ((q >>> 16) & 0xFF), dg = g - ((q >>> 8) & 0xFF), db = b - (q & 0xFF);
            int d = dr * dr + dg * dg + db * db;
            if (d < best) {
                best = d;
                bestJ = j;
            }
        }
        return bestJ;
    }

    /**
     * Error diffusion for palettes whose entries carry alpha (see {@link TranslucentPalette}): the
     * error is kept in premultiplied RGBA, so it is the error a viewer sees on any background.
     * Fully transparent pixels take the transparent entry and pass no error. Lookups go through a
     * cache of 5 bits per premultiplied channel, filled from the cell's centre.
     */
    static byte[] ditherPremultiplied(int[] argb, int width, int height, int[] paletteArgb, int transparentIndex,
                                      BooleanSupplier cancelled) {
        byte[] out = new byte[argb.length];
        short[] cache = new short[1 << 20];
        Arrays.fill(cache, (short) -1);
        float[] premultiplied = new float[4 * paletteArgb.length];
        float[] entries = new float[4 * paletteArgb.length];
        for (int j = 0; j < paletteArgb.length; j++) {
            int q = paletteArgb[j], qa = q >>> 24;
            float s = qa / 255f;
            premultiplied[4 * j] = ((q >>> 16) & 0xFF) * s;
            premultiplied[4 * j + 1] = ((q >>> 8) & 0xFF) * s;
            premultiplied[4 * j + 2] = (q & 0xFF) * s;
            premultiplied[4 * j + 3] = qa;
            TranslucentPalette.coords(q, entries, 4 * j);
        }
        byte transparent = (byte) Math.max(0, transparentIndex);
        float[] probe = new float[4];
        serpentine(height, 4 * (width + 2), cancelled, (y, dir, here, below) -> {
            for (int step = 0; step < width; step++) {
                int x = dir > 0 ? step : width - 1 - step;
                int i = y * width + x;
                int p = argb[i];
                if ((p >>> 24) == 0) {
                    out[i] = transparent;
                    continue;
                }
                int pa = p >>> 24;
                float s = pa / 255f;
                int e = 4 * (x + 1);
                float a = clamp(pa + here[e + 3]);
                float r = Math.min(a, clamp(((p >>> 16) & 0xFF) * s + here[e]));
                float g = Math.min(a, clamp(((p >>> 8) & 0xFF) * s + here[e + 1]));
                float b = Math.min(a, clamp((p & 0xFF) * s + here[e + 2]));
                int key = ((int) r >>> 3) << 15 | ((int) g >>> 3) << 10 | ((int) b >>> 3) << 5 | ((int) a >>> 3);
                int idx = cache[key];
                if (idx < 0) {
                    idx = nearestPremultiplied(key, entries, probe);
                    cache[key] = (short) idx;
                }
                out[i] = (byte) idx;
                float er = r - premultiplied[4 * idx], eg = g - premultiplied[4 * idx + 1],
                        eb = b - premultiplied[4 * idx + 2], ea = a - premultiplied[4 * idx + 3];
                int ahead = e + 4 * dir, behind = e - 4 * dir;
                spread4(here, ahead, er, eg, eb, ea, 7f / 16f);
                spread4(below, behind, er, eg, eb, ea, 3f / 16f);
                spread4(below, e, er, eg, eb, ea, 5f / 16f);
                spread4(below, ahead, er, eg, eb, ea, 1f / 16f);
            }
        });
        return out;
    }

    private static void spread4(float[] err, int at, float er, float eg, float eb, float ea, float weight) {
        err[at] += er * weight;
        err[at + 1] += eg * weight;
        err[at + 2] += eb * weight;
        err[at + 3] += ea * weight;
    }

    /** Entry nearest (in {@link TranslucentPalette#coords}) to the centre of a cache cell. */
    private static int nearestPremultiplied(int key, float[] entries, float[] probe) {
        float a = ((key & 31) << 3) + 4;
        TranslucentPalette.coords(Math.min(a, ((key >>> 15) << 3) + 4), Math.min(a, (((key >>> 10) & 31) << 3) + 4),
                Math.min(a, (((key >>> 5) & 31) << 3) + 4), a, probe, 0);
        double best = Double.MAX_VALUE;
        int bestJ = 0;
        for (int j = 0; j < entries.length / 4; j++) {
            float dr = probe[0] - entries[4 * j], dg = probe[1] - entries[4 * j + 1], db = probe[2] - entries[4 * j + 2],
                    da = probe[3] - entries[4 * j + 3];
            double d = dr * dr + dg * dg + db * db + da * da;
            if (d < best) {
                best = d;
                bestJ = j;
            }
        }
        return bestJ;
    }
}
