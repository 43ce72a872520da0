package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ImageQuality;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The whole pipeline through the public entry point. */
class PaletteQuantizerTest {

    @Test
    void identicalResultsOnOneAndFourThreads() throws Exception {
        int[] px = Fixtures.photo(160, 120, 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            PaletteQuantizer single = new PaletteQuantizer(null);
            PaletteQuantizer four = new PaletteQuantizer(pool, 4);
            PaletteQuantizer fourSmallCap = new PaletteQuantizer(pool, 4, 4096);
            PaletteQuantizer singleSmallCap = new PaletteQuantizer(null, 1, 4096);
            KMeansParams[] variants = {
                KMeansParams.defaults(),
                KMeansParams.defaults().withRestarts(4).withSeed(99),
                Fixtures.rgb().withDistance(Distance.MANHATTAN).withRestarts(2),
                Fixtures.rgb().withInit(Init.RANDOM).withDither(Dither.FLOYD_STEINBERG),
                KMeansParams.defaults().withExact(true),
            };
            for (KMeansParams params : variants) {
                for (int k : new int[] {2, 16, 64}) {
                    QuantizedImage a = single.quantize(single.prepare(px, 160, 120, params), k, () -> false);
                    QuantizedImage b = four.quantize(four.prepare(px, 160, 120, params), k, () -> false);
                    assertArrayEquals(a.paletteArgb(), b.paletteArgb(), params + " k=" + k);
                    assertArrayEquals(a.indices(), b.indices());
                    assertArrayEquals(a.pixelCounts(), b.pixelCounts());
                    assertEquals(a.inertia(), b.inertia(), 0);
                    assertEquals(a.iterations(), b.iterations());
                }
            }
            // Bucketed fast path too (cap forced below the image's unique colour count).
            QuantizedImage a = singleSmallCap.quantize(singleSmallCap.prepare(px, 160, 120, KMeansParams.defaults()), 32, null);
            QuantizedImage b = fourSmallCap.quantize(fourSmallCap.prepare(px, 160, 120, KMeansParams.defaults()), 32, null);
            assertArrayEquals(a.paletteArgb(), b.paletteArgb());
            assertArrayEquals(a.indices(), b.indices());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sameSeedSameResultOtherSeedMayDiffer() {
        int[] px = Fixtures.photo(80, 60, 2);
        PaletteQuantizer q = new PaletteQuantizer(null);
        KMeansParams params = KMeansParams.defaults().withInit(Init.RANDOM).withRestarts(1);
        QuantizedImage a = q.quantize(q.prepare(px, 80, 60, params.withSeed(1)), 8, null);
        QuantizedImage b = q.quantize(q.prepare(px, 80, 60, params.withSeed(1)), 8, null);
        assertArrayEquals(a.paletteArgb(), b.paletteArgb());
        assertArrayEquals(a.indices(), b.indices());
    }

    @Test
    void fewerUniqueColoursThanKGivesThoseColoursExactly() {
        int[] colours = {Fixtures.argb(1, 2, 3), Fixtures.argb(200, 10, 10), Fixtures.argb(5, 250, 5),
            Fixtures.argb(9, 9, 240), Fixtures.argb(128, 128, 128)};
        int[] px = new int[300];
        for (int i = 0; i < px.length; i++) {
            px[i] = colours[(i * 7) % colours.length];
        }
        PaletteQuantizer q = new PaletteQuantizer(null);
        Prepared prepared = q.prepare(px, 20, 15, KMeansParams.defaults());
        assertEquals(5, prepared.uniqueColors());
        QuantizedImage r = q.quantize(prepared, 16, null);
        assertEquals(5, r.paletteArgb().length);
        Set<Integer> palette = new HashSet<>();
        for (int p : r.paletteArgb()) {
            palette.add(p);
        }
        for (int c : colours) {
            assertTrue(palette.contains(c));
        }
        assertArrayEquals(px, r.toArgb());
        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(px, r.toArgb()));
        assertEquals(0, r.inertia(), 1e-6);
        assertEquals(-1, r.transparentIndex());
    }

    @Test
    void transparentPixelsShareOneReservedEntry() {
        int[] px = Fixtures.photo(40, 30, 3);
        for (int i = 0; i < px.length; i += 5) {
            px[i] = 0x00123456;  // alpha 0: transparent, whatever its colour
        }
        px[1] = 0xFFFF0000;  // no alpha between 0 and 255: the opaque engine, one transparent entry
        PaletteQuantizer q = new PaletteQuantizer(null);
        Prepared prepared = q.prepare(px, 40, 30, KMeansParams.defaults());
        assertEquals(240, prepared.transparentPixels());
        QuantizedImage r = q.quantize(prepared, 8, null);
        assertEquals(8, r.paletteArgb().length, "k counts the transparent entry");
        int t = r.transparentIndex();
        assertTrue(t >= 0);
        assertEquals(0x00000000, r.paletteArgb()[t]);
        assertEquals(240, r.pixelCounts()[t]);
        for (int i = 0; i < px.length; i++) {
            boolean transparent = (px[i] >>> 24) == 0;
            assertEquals(transparent, (r.indices()[i] & 0xFF) == t, "pixel " + i);
        }
        for (int j = 0; j < r.paletteArgb().length; j++) {
            if (j != t) {
                assertEquals(0xFF, r.paletteArgb()[j] >>> 24, "opaque entries are fully opaque");
            }
        }
    }

    @Test
    void fullyTransparentImage() {
        int[] px = new int[64];
        PaletteQuantizer q = new PaletteQuantizer(null);
        QuantizedImage r = q.quantize(q.prepare(px, 8, 8, KMeansParams.defaults()), 4, null);
        assertArrayEquals(new int[] {0}, r.paletteArgb());
        assertEquals(0, r.transparentIndex());
        assertArrayEquals(new long[] {64}, r.pixelCounts());
    }

    @Test
    void ditheringChangesIndicesButKeepsThePalette() {
        int w = 128, h = 64;
        int[] px = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = Fixtures.argb(2 * x, 2 * x, 2 * x);  // grey ramp
            }
        }
        PaletteQuantizer q = new PaletteQuantizer(null);
        QuantizedImage plain = q.quantize(q.prepare(px, w, h, Fixtures.rgb()), 4, null);
        QuantizedImage dithered = q.quantize(q.prepare(px, w, h, Fixtures.rgb().withDither(Dither.FLOYD_STEINBERG)), 4, null);
        assertArrayEquals(plain.paletteArgb(), dithered.paletteArgb());
        assertNotEquals(java.util.Arrays.hashCode(plain.indices()), java.util.Arrays.hashCode(dithered.indices()));
        long total = 0;
        for (long c : dithered.pixelCounts()) {
            total += c;
        }
        assertEquals(px.length, total);
        // Error diffusion keeps local averages: column means of grey follow the ramp far better.
        int[] out = dithered.toArgb();
        double columnError = 0, plainError = 0;
        int[] plainOut = plain.toArgb();
        for (int x = 8; x < w - 8; x++) {
            double sum = 0, sumPlain = 0;
            for (int y = 0; y < h; y++) {
                sum += out[y * w + x] & 0xFF;
                sumPlain += plainOut[y * w + x] & 0xFF;
            }
            columnError += Math.abs(sum / h - 2 * x);
            plainError += Math.abs(sumPlain / h - 2 * x);
        }
        assertTrue(columnError < plainError / 3, columnError + " vs " + plainError);
    }

    @Test
    void remapGivesTheNearestPaletteEntryForEveryPixel() {
        int[] px = Fixtures.noise(20000, 11);
        for (ColorSpace space : new ColorSpace[] {ColorSpace.LAB, ColorSpace.RGB}) {
            // RGB_LAB remaps under an image-dependent weight, then lets pixels follow neighbours: RgbLabTest.
            for (Distance distance : Distance.values()) {
                KMeansParams params = KMeansParams.defaults().withColorSpace(space).withDistance(distance).withMaxIterations(3);
                PaletteQuantizer q = new PaletteQuantizer(null);
                QuantizedImage r = q.quantize(q.prepare(px, 200, 100, params), 64, null);
                double[][] pal = new double[r.paletteArgb().length][WorkingSpace.dims(space)];
                for (int j = 0; j < pal.length; j++) {
                    WorkingSpace.toCoords(space, r.paletteArgb()[j], pal[j], 0);
                }
                float[] c = new float[WorkingSpace.dims(space)];
                for (int i = 0; i < px.length; i++) {
                    WorkingSpace.toCoords(space, px[i], c, 0);
                    double best = Double.MAX_VALUE;
                    for (double[] p : pal) {
                        best = Math.min(best, cost(c, p, distance));
                    }
                    double got = cost(c, pal[r.indices()[i] & 0xFF], distance);
                    assertEquals(best, got, 1e-9, space + "/" + distance + " pixel " + i);
                }
            }
        }
    }

    private static double cost(float[] c, double[] p, Distance distance) {
        double sum = 0;
        for (int d = 0; d < c.length; d++) {
            double v = c[d] - p[d];
            sum += distance == Distance.MANHATTAN ? Math.abs(v) : v * v;
        }
        return sum;
    }

    @Test
    void bucketedHistogramLosesAlmostNothingAgainstExact() {
        int w = 320, h = 240;
        int[] px = Fixtures.photo(w, h, 12);
        PaletteQuantizer q = new PaletteQuantizer(null, 1, 4096);
        Prepared fast = q.prepare(px, w, h, Fixtures.rgb());
        Prepared exact = q.prepare(px, w, h, Fixtures.rgb().withExact(true));
        assertTrue(fast.uniqueColors() > 4096, "fixture must exceed the cap: " + fast.uniqueColors());
        assertTrue(fast.histogramBits() < 8);
        assertTrue(fast.histogramSize() <= 4096);
        assertEquals(8, exact.histogramBits());
        assertEquals(fast.uniqueColors(), exact.histogramSize());
        for (int k : new int[] {8, 32}) {
            double psnrFast = ImageQuality.psnr(px, q.quantize(fast, k, null).toArgb());
            double psnrExact = ImageQuality.psnr(px, q.quantize(exact, k, null).toArgb());
            assertTrue(psnrFast > psnrExact - 0.3, "k=" + k + ": bucketed " + psnrFast + " dB vs exact " + psnrExact);
        }
    }

    @Test
    void cancellationStopsTheJob() {
        int[] px = Fixtures.photo(100, 100, 4);
        PaletteQuantizer q = new PaletteQuantizer(null);
        Prepared prepared = q.prepare(px, 100, 100, KMeansParams.defaults());
        assertThrows(CancellationException.class, () -> q.quantize(prepared, 16, () -> true));
        AtomicInteger polls = new AtomicInteger();
        assertThrows(CancellationException.class, () -> q.quantize(prepared, 16, () -> polls.incrementAndGet() > 3));
    }

    @Test
    void progressRisesToOne() {
        int[] px = Fixtures.photo(60, 40, 5);
        PaletteQuantizer q = new PaletteQuantizer(null);
        double[] last = {-1};
        q.quantize(q.prepare(px, 60, 40, KMeansParams.defaults()), 8, null, p -> {
            assertTrue(p >= last[0] && p <= 1.0);
            last[0] = p;
        });
        assertEquals(1.0, last[0]);
    }

    @Test
    void invalidArgumentsAreRejected() {
        PaletteQuantizer q = new PaletteQuantizer(null);
        Prepared prepared = q.prepare(new int[] {-1, -1, -1, -1}, 2, 2, KMeansParams.defaults());
        assertThrows(IllegalArgumentException.class, () -> q.quantize(prepared, 1, null));
        assertThrows(IllegalArgumentException.class, () -> q.quantize(prepared, 257, null));
        assertThrows(IllegalArgumentException.class, () -> q.prepare(new int[3], 2, 2, KMeansParams.defaults()));
        assertThrows(IllegalArgumentException.class, () -> KMeansParams.defaults().withRestarts(0));
        assertThrows(IllegalArgumentException.class, () -> KMeansParams.defaults().withRestarts(33));
        assertThrows(IllegalArgumentException.class, () -> KMeansParams.defaults().withMaxIterations(0));
        assertThrows(IllegalArgumentException.class, () -> KMeansParams.defaults().withMaxIterations(1001));
        assertThrows(IllegalArgumentException.class, () -> KMeansParams.defaults().withTolerance(-1));
        assertThrows(IllegalArgumentException.class, () -> KMeansParams.defaults().withTolerance(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> KMeansParams.defaults().withTolerance(Double.POSITIVE_INFINITY));
    }

    @Test
    void pixelCountsAndIndicesAgree() {
        int[] px = Fixtures.photo(90, 70, 6);
        PaletteQuantizer q = new PaletteQuantizer(null);
        QuantizedImage r = q.quantize(q.prepare(px, 90, 70, KMeansParams.defaults()), 12, null);
        long[] counted = new long[r.paletteArgb().length];
        for (byte b : r.indices()) {
            counted[b & 0xFF]++;
        }
        assertArrayEquals(counted, r.pixelCounts());
        for (int j = 1; j < counted.length; j++) {
            assertTrue(counted[j - 1] >= counted[j], "opaque entries sorted by pixel count");
        }
    }
}
