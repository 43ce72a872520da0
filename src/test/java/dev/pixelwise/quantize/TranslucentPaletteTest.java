package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ImageQuality;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranslucentPaletteTest {

    /** A soft disc: opaque orange centre whose alpha falls off over 20 px, a soft grey shadow, clear corners. */
    static int[] softBadge(int n) {
        int[] px = new int[n * n];
        double c = n / 2.0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
                double shadow = Math.hypot(x + 0.5 - c - 6, y + 0.5 - c - 6);
                int a = (int) Math.round(255 * clamp01((c - 4 - d) / 20));
                int sa = (int) Math.round(120 * clamp01((c - shadow) / 24));
                if (a >= sa) {
                    px[y * n + x] = (a << 24) | (255 << 16) | ((140 + y % 60) << 8) | (30 + x % 40);
                } else {
                    px[y * n + x] = (sa << 24) | 0x202020;
                }
            }
        }
        return px;
    }

    static double clamp01(double v) {
        return Math.max(0, Math.min(1, v));
    }

    static int[] composite(int[] px, int background) {
        int[] out = new int[px.length];
        for (int i = 0; i < px.length; i++) {
            int p = px[i], a = p >>> 24, c = 0xFF000000;
            for (int shift = 0; shift <= 16; shift += 8) {
                c |= ((((p >>> shift) & 0xFF) * a + ((background >>> shift) & 0xFF) * (255 - a) + 127) / 255) << shift;
            }
            out[i] = c;
        }
        return out;
    }

    static int alphaLevels(int[] px) {
        Set<Integer> levels = new HashSet<>();
        for (int p : px) {
            levels.add(p >>> 24);
        }
        return levels.size();
    }

    @Test
    void softAlphaKeepsItsLevelsAndLowCompositedError() {
        int n = 96;
        int[] px = softBadge(n);
        PaletteQuantizer q = new PaletteQuantizer(null);
        Prepared prepared = q.prepare(px, n, n, KMeansParams.defaults());
        assertTrue(prepared.translucent());
        QuantizedImage r = q.quantize(prepared, 16, null);
        int[] out = r.toArgb();
        assertTrue(r.paletteArgb().length <= 16);
        assertTrue(alphaLevels(out) > 8, "alpha levels kept: " + alphaLevels(out));
        // Measured 32.8 dB on white and 32.9 dB on black with 15 alpha levels; alpha cut at 128 (the
        // old behaviour) scores 18.2 and 17.5 with 2.
        assertTrue(ImageQuality.psnr(composite(px, 0xFFFFFF), composite(out, 0xFFFFFF)) > 30);
        assertTrue(ImageQuality.psnr(composite(px, 0), composite(out, 0)) > 30);
        assertEquals(0, r.transparentIndex());
        assertEquals(0x00000000, r.paletteArgb()[0]);
        boolean opaqueSeen = false;
        for (int j = 1; j < r.paletteArgb().length; j++) {
            boolean opaque = r.paletteArgb()[j] >>> 24 == 255;
            assertFalse(opaqueSeen && !opaque, "translucent entries come before opaque ones");
            opaqueSeen |= opaque;
        }
        for (int i = 0; i < px.length; i++) {
            if (px[i] >>> 24 == 0) {
                assertEquals(0, r.indices()[i], "fully transparent pixels use entry 0");
            }
        }
    }

    @Test
    void sameSeedSameResultOnAnyThreadCount() {
        int n = 96;
        int[] px = softBadge(n);
        KMeansParams params = KMeansParams.defaults().withSeed(7);
        QuantizedImage one = new PaletteQuantizer(null).quantize(new PaletteQuantizer(null).prepare(px, n, n, params), 8, null);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            PaletteQuantizer q = new PaletteQuantizer(pool, 3);
            QuantizedImage three = q.quantize(q.prepare(px, n, n, params), 8, null);
            assertArrayEquals(one.paletteArgb(), three.paletteArgb());
            assertArrayEquals(one.indices(), three.indices());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void ditheringKeepsAlphaAndTransparency() {
        int n = 96;
        int[] px = softBadge(n);
        PaletteQuantizer q = new PaletteQuantizer(null);
        QuantizedImage r = q.quantize(q.prepare(px, n, n, KMeansParams.defaults().withDither(Dither.FLOYD_STEINBERG)), 16, null);
        int[] out = r.toArgb();
        assertTrue(alphaLevels(out) > 8);
        for (int i = 0; i < px.length; i++) {
            if (px[i] >>> 24 == 0) {
                assertEquals(0, out[i] >>> 24);
            }
        }
        // Measured 30.1 dB on white, 29.3 on black.
        assertTrue(ImageQuality.psnr(composite(px, 0xFFFFFF), composite(out, 0xFFFFFF)) > 26);
        assertTrue(ImageQuality.psnr(composite(px, 0), composite(out, 0)) > 26);
    }

    @Test
    void fewColoursComeBackExactly() {
        int[] px = {0x80FF0000, 0x80FF0000, 0xFF00FF00, 0x00000000, 0x40123456, 0xFF00FF00};
        PaletteQuantizer q = new PaletteQuantizer(null);
        QuantizedImage r = q.quantize(q.prepare(px, 3, 2, KMeansParams.defaults()), 8, null);
        int[] out = r.toArgb();
        for (int i = 0; i < px.length; i++) {
            assertEquals(px[i], out[i]);
        }
        assertEquals(4, r.paletteArgb().length);
    }

    @Test
    void opaqueImagesNeverTakeThisPath() {
        int[] px = Fixtures.photo(40, 30, 5);
        px[0] = 0x00000000;
        assertFalse(TranslucentPalette.hasTranslucency(px));
        PaletteQuantizer q = new PaletteQuantizer(null);
        Prepared p = q.prepare(px, 40, 30, KMeansParams.defaults());
        assertFalse(p.translucent());
        QuantizedImage r = q.quantize(p, 8, null);
        for (int c : r.paletteArgb()) {
            assertTrue(c == 0 || c >>> 24 == 255);
        }
    }

    /**
     * One free entry serves every visible pixel, so the entry must be the 8-bit colour and alpha
     * with the least error as shown on black and on white: no neighbour within two levels on any
     * axis does better. The rounded centroid alone is not (the rounding of compositing moves it).
     */
    @Test
    void entriesArePolishedToTheBest8BitValueTheirPixelsShow() {
        int w = 40, h = 30;
        int[] px = new int[w * h];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < px.length; i++) {
            int a = 110 + rng.nextInt(10);
            px[i] = i % 7 == 0 ? 0 : (a << 24) | ((200 + rng.nextInt(40)) << 16) | ((60 + rng.nextInt(50)) << 8) | rng.nextInt(30);
        }
        PaletteQuantizer q = new PaletteQuantizer(null);
        QuantizedImage r = q.quantize(q.prepare(px, w, h, KMeansParams.defaults()), 2, null);
        assertEquals(2, r.paletteArgb().length);
        int entry = r.paletteArgb()[1];
        long chosen = shownError(px, entry);
        for (int da = -2; da <= 2; da++) {
            for (int dr = -2; dr <= 2; dr++) {
                for (int dg = -2; dg <= 2; dg++) {
                    for (int db = -2; db <= 2; db++) {
                        int a = (entry >>> 24) + da, red = ((entry >>> 16) & 0xFF) + dr,
                                green = ((entry >>> 8) & 0xFF) + dg, blue = (entry & 0xFF) + db;
                        int other = a << 24 | red << 16 | green << 8 | blue;
                        assertTrue(shownError(px, other) >= chosen,
                                String.format("%08x shows better than the chosen %08x", other, entry));
                    }
                }
            }
        }
    }

    /** Summed squared error of every visible pixel against {@code entry}, composited on black and on white. */
    static long shownError(int[] px, int entry) {
        long e = 0;
        for (int p : px) {
            if (p >>> 24 == 0) {
                continue;
            }
            for (int bg : new int[] {0, 0xFFFFFF}) {
                int cp = composite(new int[] {p}, bg)[0], ce = composite(new int[] {entry}, bg)[0];
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = ((cp >>> shift) & 0xFF) - ((ce >>> shift) & 0xFF);
                    e += (long) d * d;
                }
            }
        }
        return e;
    }
}
