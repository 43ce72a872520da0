package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.imaging.PngWriter;
import dev.pixelwise.work.StageTimings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static dev.pixelwise.work.ResultNumbers.round;

/**
 * Turns one quantised image into a palette PNG, its error map, and the numbers users compare
 * variants by.
 */
final class VariantWriter {

    /** ΔE at which the error map turns white; 20 is a clearly different colour. */
    static final double ERROR_MAP_CEILING = 20;
    /**
     * Steps of the error map's ramp: 16 (a 4-bit PNG), 1.33 ΔE apart, which the eye tells apart on
     * a heat ramp; 256 steps made a 12 MP map a 7.9 MB file (2.5 MB now) and cost half again to write.
     */
    static final int ERROR_MAP_LEVELS = 16;
    private static final int[] HEAT = heatPalette();

    private final int[] original;
    private final int width;
    private final int height;
    private final long originalBytes;
    private final long losslessBytes;
    private final PngWriter png;
    private final PngWriter.Effort effort;
    private final boolean alpha;

    /** @param alpha whether {@code original} has any pixel below full opacity (scored as composites) */
    VariantWriter(int[] original, int width, int height, boolean alpha, long originalBytes, long losslessBytes,
                  PngWriter png, PngWriter.Effort effort) {
        this.original = original;
        this.width = width;
        this.height = height;
        this.originalBytes = originalBytes;
        this.losslessBytes = losslessBytes;
        this.png = png;
        this.effort = effort;
        this.alpha = alpha;
    }

    /**
     * Writes {@code k<k>.png} and {@code k<k>-error.png} through {@code output} (which registers the
     * file with the job and returns its path) and scores the variant. Adds encode and metrics times
     * to {@code timings}.
     */
    QuantizeResult.Variant write(QuantizedImage q, Function<String, Path> output, StageTimings timings) {
        long t0 = System.nanoTime();
        String file = "k" + q.k() + ".png";
        byte[] bytes = png.indexed(width, height, q.paletteArgb(), q.indices(), effort);
        save(output.apply(file), bytes);
        Map<String, Long> own = new LinkedHashMap<>();
        own.put("encode", timings.add("encode", t0));
        long t1 = System.nanoTime();
        int[] pixels = q.toArgb();
        float[] perPixel = new float[pixels.length];
        Scores scores = Scores.of(original, pixels, width, height, alpha, perPixel);
        double psnr = scores.psnr();
        double ssim = scores.ssim();
        double deltaE = scores.deltaE();
        double p99 = ImageQuality.percentile(perPixel, 0.99);
        String errorMap = "k" + q.k() + "-error.png";
        save(output.apply(errorMap), errorMap(perPixel));
        own.put("metrics", timings.add("metrics", t1));
        boolean lossless = Double.isInfinite(psnr);
        long size = bytes.length;
        return new QuantizeResult.Variant(q.k(), file, size, 8.0 * size / ((long) width * height),
                1.0 - (double) size / originalBytes, 1.0 - (double) size / losslessBytes,
                lossless ? null : round(psnr, 3), round(ssim, 5), round(deltaE, 3), round(p99, 3), errorMap,
                q.iterations(), q.inertia(), converged(q.stopReason()), lossless, swatches(q), own, List.of());
    }

    /** PNG bytes of a quantised image as {@link #write} would write it, without writing a file. */
    long pngBytes(QuantizedImage q) {
        return png.indexed(width, height, q.paletteArgb(), q.indices(), effort).length;
    }

    /** Per-pixel ΔE as a 4-bit palette PNG on a black–red–yellow–white ramp. */
    private byte[] errorMap(float[] deltaE) {
        byte[] idx = new byte[deltaE.length];
        int top = ERROR_MAP_LEVELS - 1;
        double scale = top / ERROR_MAP_CEILING;
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (byte) Math.min(top, (int) Math.round(deltaE[i] * scale));
        }
        return png.indexed(width, height, HEAT, idx, PngWriter.Effort.FAST);
    }

    private static int[] heatPalette() {
        int[] p = new int[ERROR_MAP_LEVELS];
        for (int i = 0; i < p.length; i++) {
            double t = i / (double) (p.length - 1);
            int r = (int) Math.round(255 * Math.min(1, 3 * t));
            int g = (int) Math.round(255 * Math.min(1, Math.max(0, 3 * t - 1)));
            int b = (int) Math.round(255 * Math.min(1, Math.max(0, 3 * t - 2)));
            p[i] = 0xFF000000 | r << 16 | g << 8 | b;
        }
        return p;
    }

    static void save(Path target, byte[] bytes) {
        try {
            Files.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + target.getFileName(), e);
        }
    }

    static String converged(StopReason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<QuantizeResult.Swatch> swatches(QuantizedImage q) {
        long total = 0;
        for (long c : q.pixelCounts()) {
            total += c;
        }
        List<QuantizeResult.Swatch> out = new ArrayList<>(q.paletteArgb().length);
        for (int i = 0; i < q.paletteArgb().length; i++) {
            int c = q.paletteArgb()[i];
            String hex = c >>> 24 == 0 ? "transparent"
                    : c >>> 24 == 0xFF ? String.format(Locale.ROOT, "#%06x", c & 0xFFFFFF)
                    : String.format(Locale.ROOT, "#%06x%02x", c & 0xFFFFFF, c >>> 24);
            out.add(new QuantizeResult.Swatch(hex, total == 0 ? 0 : round((double) q.pixelCounts()[i] / total, 5)));
        }
        return out;
    }
}
