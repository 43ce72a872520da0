package dev.pixelwise.quantize;

import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.JobOptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quantize option {@code palette}: its parsing, and the remap to a given palette. */
class PaletteOptionTest {

    private static QuantizeOptions parse(String... fields) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            m.put(fields[i], fields[i + 1]);
        }
        JobOptions options = new JobOptions(m);
        QuantizeOptions parsed = QuantizeOptions.parse(options);
        options.rejectUnread();
        return parsed;
    }

    private static String refusedField(String... fields) {
        return assertThrows(AppException.BadOption.class, () -> parse(fields)).field();
    }

    @Test
    void aPaletteIsParsedNormalisedAndShownInOptionsUsed() {
        QuantizeOptions o = parse("palette", " #FF0000, #00ff00 #0000FF80,#12345600 ");
        assertArrayEquals(new int[] {0xFFFF0000, 0xFF00FF00, 0x800000FF, 0}, o.palette());
        assertEquals(List.of(4), o.ks());
        assertEquals("#ff0000,#00ff00,#0000ff80,#00000000", o.used().get("palette"));
        assertFalse(o.used().containsKey("k"));
        assertNull(parse().palette());
        assertEquals("8,16,32,64", parse().used().get("k"));
    }

    @Test
    void badPalettesAreRefusedNamingTheField() {
        StringJoiner many = new StringJoiner(",");
        for (int i = 0; i < 257; i++) {
            many.add(String.format("#%06x", i));
        }
        for (String bad : List.of("red,blue", "#ff0000", "#ff0000,#ff0000", "#ff0000,#FF0000", "#fff,#000",
                "ff0000,00ff00", "#ff0000,#00ff0", "#ff0000,#00ff00f", "#ff0000;#00ff00", "#gg0000,#000000",
                "#00000000,#ffffff00,#ff0000", many.toString(), ",", "#+f0000,#000000")) {
            assertEquals("palette", refusedField("palette", bad), bad);
        }
        assertEquals("palette", refusedField("palette", "  "));
        String ok = "#000000,#ffffff";
        assertEquals("k", refusedField("palette", ok, "k", "8"));
        assertEquals("targetPsnr", refusedField("palette", ok, "targetPsnr", "35"));
        assertEquals("targetBytes", refusedField("palette", ok, "targetBytes", "5000"));
        assertEquals(256, parse("palette", many.toString().substring(8)).palette().length);
    }

    private static Prepared prepare(PaletteQuantizer q, int[] argb, int w, int h, KMeansParams params) {
        return q.prepare(argb, w, h, params);
    }

    private static void assertOnlyPaletteColours(QuantizedImage q, int[] palette) {
        Set<Integer> allowed = new HashSet<>();
        for (int c : palette) {
            allowed.add(c);
        }
        assertEquals(allowed, new HashSet<>(Arrays.stream(q.paletteArgb()).boxed().toList()),
                "the image's palette is the given one");
        for (int p : q.toArgb()) {
            assertTrue(allowed.contains(p), String.format("pixel colour %08x is not in the palette", p));
        }
    }

    @Test
    void everyPixelTakesAColourOfTheGivenPaletteInEveryColourSpaceAndWithDither() {
        int w = 80, h = 60;
        int[] argb = Fixtures.photo(w, h, 7);
        int[] palette = {0xFF000000, 0xFFFFFFFF, 0xFF808080, 0xFFC03020, 0xFF2040C0, 0xFF30A040, 0xFFE0C060};
        PaletteQuantizer quantizer = new PaletteQuantizer(null, 1);
        for (KMeansParams params : List.of(QuantizeOptions.defaultParams(), Fixtures.rgb(), KMeansParams.defaults(),
                QuantizeOptions.defaultParams().withDither(Dither.FLOYD_STEINBERG),
                Fixtures.rgb().withDistance(Distance.MANHATTAN))) {
            QuantizedImage q = quantizer.remap(prepare(quantizer, argb, w, h, params), palette, () -> false, p -> { });
            assertEquals(palette.length, q.k());
            assertEquals(palette.length, q.paletteArgb().length);
            assertOnlyPaletteColours(q, palette);
        }
    }

    /** Without dither, in RGB, each pixel takes its nearest palette colour, as the normal remap would. */
    @Test
    void withoutDitherEachPixelTakesItsNearestEntry() {
        int w = 64, h = 48;
        int[] argb = Fixtures.photo(w, h, 11);
        int[] palette = {0xFF101010, 0xFFF0F0F0, 0xFF907050, 0xFF405080, 0xFF60A070, 0xFFD08080};
        PaletteQuantizer quantizer = new PaletteQuantizer(null, 1);
        QuantizedImage q = quantizer.remap(prepare(quantizer, argb, w, h, Fixtures.rgb()), palette, null, null);
        int[] out = q.toArgb();
        for (int i = 0; i < argb.length; i++) {
            double best = Double.MAX_VALUE;
            for (int c : palette) {
                best = Math.min(best, Fixtures.rgbDistance(c, argb[i]));
            }
            assertEquals(best, Fixtures.rgbDistance(out[i], argb[i]), 1e-9, "pixel " + i);
        }
        // Same as quantize when the palette is what k-means found.
        Prepared prepared = prepare(quantizer, argb, w, h, QuantizeOptions.defaultParams());
        QuantizedImage kMeans = quantizer.quantize(prepared, 12, null);
        QuantizedImage again = quantizer.remap(prepared, kMeans.paletteArgb(), null, null);
        int[] a = kMeans.toArgb(), b = again.toArgb();
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        assertTrue(same > 0.98 * a.length, same + " of " + a.length + " pixels as quantize mapped them");
    }

    /** Transparent pixels take the transparent entry, added when the palette has none; translucent images use alpha entries. */
    @Test
    void alphaIsRespected() {
        int w = 40, h = 30;
        int[] binary = Fixtures.photo(w, h, 5);
        for (int i = 0; i < binary.length; i += 7) {
            binary[i] = 0;
        }
        PaletteQuantizer quantizer = new PaletteQuantizer(null, 1);
        int[] opaque = {0xFF000000, 0xFFFFFFFF, 0xFF8080A0, 0x80FF0000};
        QuantizedImage q = quantizer.remap(prepare(quantizer, binary, w, h, QuantizeOptions.defaultParams()), opaque,
                null, null);
        assertEquals(5, q.paletteArgb().length, "a transparent entry was added");
        assertEquals(0, q.paletteArgb()[q.transparentIndex()]);
        int[] out = q.toArgb();
        for (int i = 0; i < out.length; i++) {
            assertEquals(binary[i] == 0, out[i] == 0, "pixel " + i);
            assertTrue(out[i] == 0 || out[i] >>> 24 == 0xFF, "opaque pixels take opaque entries");
        }

        int[] soft = Fixtures.photo(w, h, 6);
        for (int i = 0; i < soft.length; i++) {
            soft[i] = (soft[i] & 0xFFFFFF) | (i % 3 == 0 ? 0x40 : i % 3 == 1 ? 0xC0 : 0xFF) << 24;
        }
        int[] withAlpha = {0, 0xFF000000, 0xFFFFFFFF, 0x40808080, 0xC0606060, 0x40202020, 0xC0E0E0E0};
        for (Dither d : Dither.values()) {
            Prepared prepared = prepare(quantizer, soft, w, h, QuantizeOptions.defaultParams().withDither(d));
            QuantizedImage t = quantizer.remap(prepared, withAlpha, null, null);
            assertOnlyPaletteColours(t, withAlpha);
            long translucent = Arrays.stream(t.toArgb()).filter(c -> c >>> 24 != 0 && c >>> 24 != 255).count();
            assertTrue(translucent > soft.length / 2, d + ": translucent pixels take translucent entries, " + translucent);
        }

        int[] full = new int[256];
        for (int i = 0; i < full.length; i++) {
            full[i] = 0xFF000000 | i * 0x010101;
        }
        Prepared holes = prepare(quantizer, binary, w, h, QuantizeOptions.defaultParams());
        assertThrows(IllegalArgumentException.class, () -> quantizer.remap(holes, full, null, null),
                "256 colours leave no room for the transparent entry");
        assertThrows(IllegalArgumentException.class,
                () -> quantizer.remap(holes, new int[] {0, 0x80FF0000}, null, null), "no opaque colour");
    }
}
