package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ImageQuality;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static dev.pixelwise.work.ResultNumbers.round;

/**
 * Chooses k for a quality or size target by binary search over 2..256 (both PSNR and PNG size grow
 * with k, near enough): the smallest k reaching {@code targetPsnr}, or the largest k whose PNG fits
 * {@code targetBytes}. About eight k-means runs on the prepared histogram.
 */
final class TargetSearch {

    private final PaletteQuantizer quantizer;
    private final Prepared prepared;
    private final int[] original;
    private final BooleanSupplier cancelled;
    private final VariantWriter writer;

    TargetSearch(PaletteQuantizer quantizer, Prepared prepared, int[] original, BooleanSupplier cancelled,
                 VariantWriter writer) {
        this.quantizer = quantizer;
        this.prepared = prepared;
        this.original = original;
        this.cancelled = cancelled;
        this.writer = writer;
    }

    QuantizeResult.Target find(QuantizeOptions options) {
        List<Map<String, Number>> tried = new ArrayList<>();
        int lo = 2;
        int hi = 256;
        if (options.targetPsnr() != null) {
            double want = options.targetPsnr();
            // invariant: every k < lo misses; hi is the best candidate so far
            boolean reached = false;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                double psnr = psnr(mid, tried);
                if (psnr >= want) {
                    hi = mid;
                    reached = true;
                } else {
                    lo = mid + 1;
                }
            }
            if (!reached) {
                reached = psnr(hi, tried) >= want;
            }
            return new QuantizeResult.Target("psnr", want, hi, reached, tried);
        }
        long want = options.targetBytes();
        // invariant: lo fits (or is 2), every k > hi is too big
        boolean reached = bytes(lo, tried) <= want;
        if (!reached) {
            return new QuantizeResult.Target("bytes", want, lo, false, tried);
        }
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bytes(mid, tried) <= want) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return new QuantizeResult.Target("bytes", want, lo, true, tried);
    }

    private double psnr(int k, List<Map<String, Number>> tried) {
        double psnr = ImageQuality.psnr(original, quantizer.quantize(prepared, k, cancelled).toArgb());
        tried.add(Map.of("k", k, "psnr", Double.isInfinite(psnr) ? 999.0 : round(psnr, 3)));
        return psnr;
    }

    private long bytes(int k, List<Map<String, Number>> tried) {
        long bytes = writer.pngBytes(quantizer.quantize(prepared, k, cancelled));
        tried.add(Map.of("k", k, "bytes", bytes));
        return bytes;
    }
}
