package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ImageEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns one quantised image into a palette PNG plus the numbers users compare variants by. */
final class VariantWriter {

    private final int[] original;
    private final int width;
    private final int height;
    private final long originalBytes;
    private final long losslessBytes;

    VariantWriter(int[] original, int width, int height, long originalBytes, long losslessBytes) {
        this.original = original;
        this.width = width;
        this.height = height;
        this.originalBytes = originalBytes;
        this.losslessBytes = losslessBytes;
    }

    QuantizeResult.Variant write(QuantizedImage q, Path target, long quantizeMillis) {
        long t0 = System.nanoTime();
        long bytes = ImageEncoder.writeIndexedPng(width, height, q.paletteArgb(), q.indices(), target);
        long t1 = System.nanoTime();
        int[] pixels = q.toArgb();
        double psnr = ImageQuality.psnr(original, pixels);
        double ssim = ImageQuality.ssim(original, pixels, width, height);
        double deltaE = ImageQuality.meanDeltaE2000(original, pixels);
        long t2 = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        timings.put("quantize", quantizeMillis);
        timings.put("encode", (t1 - t0) / 1_000_000);
        timings.put("metrics", (t2 - t1) / 1_000_000);
        boolean lossless = Double.isInfinite(psnr);
        return new QuantizeResult.Variant(q.k(), target.getFileName().toString(), bytes,
                8.0 * bytes / ((long) width * height), 1.0 - (double) bytes / originalBytes,
                1.0 - (double) bytes / losslessBytes, lossless ? null : round(psnr, 3), round(ssim, 5),
                round(deltaE, 3), q.iterations(), q.inertia(), converged(q.stopReason()), lossless,
                swatches(q), timings);
    }

    /** PNG bytes for a quantised image without writing a file (for the size target search). */
    static long pngBytes(QuantizedImage q) {
        return ImageEncoder.pngSize(ImageEncoder.indexedImage(q.width(), q.height(), q.paletteArgb(), q.indices()));
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
            String hex = i == q.transparentIndex() ? "transparent" : String.format(Locale.ROOT, "#%06x", c & 0xFFFFFF);
            out.add(new QuantizeResult.Swatch(hex, total == 0 ? 0 : round((double) q.pixelCounts()[i] / total, 5)));
        }
        return out;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
