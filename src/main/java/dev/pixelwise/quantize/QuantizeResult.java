package dev.pixelwise.quantize;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;

/**
 * The quantize job's result: the original, one variant per palette size with the other formats at
 * its size, the quality bar, the recommended file and the suggested k.
 *
 * @param suggestedK     smallest k whose palette PNG meets the quality bar (null: none does)
 * @param elbowK         elbow of inertia over k (information; needs three or more k)
 * @param recommendation the smallest file, of every format tried, that meets the bar
 * @param timingsMs      wall time per stage, summed over variants
 * @param optionsUsed    every option as the job used it, defaults included
 * @param notes          what the numbers mean where it is not obvious (small-image SSIM window, skipped formats)
 */
@TemplateData
public record QuantizeResult(Original original, List<Variant> variants, Integer suggestedK, Integer elbowK,
                             Target target, QualityBar qualityBar, Recommendation recommendation,
                             Map<String, Long> timingsMs, Map<String, String> optionsUsed, List<String> notes) {

    /**
     * @param losslessBytes  size of the original as a lossless PNG ({@code losslessSource} says which)
     * @param losslessSource "upload" (the upload is a PNG: its own size) or "estimate" (a careful
     *                       lossless PNG's size, estimated from a sixteenth of the rows)
     * @param file           the original as served for viewing (PNG)
     * @param formats        the original as other formats at a few qualities (the curves' far end)
     */
    @TemplateData
    public record Original(int width, int height, long bytes, String format, int uniqueColors, long losslessBytes,
                           String losslessSource, String file, List<FormatVariant> formats) {

        Original withFormats(List<FormatVariant> formats) {
            return new Original(width, height, bytes, format, uniqueColors, losslessBytes, losslessSource, file, formats);
        }
    }

    /**
     * @param savedVsOriginal fraction of the upload's bytes saved (negative when larger)
     * @param savedVsLossless fraction saved against the lossless PNG reference
     * @param psnr            dB over RGB; null when the variant is identical to the original ({@code lossless})
     * @param ssim            mean SSIM on luminance, 11×11 Gaussian window (smaller on tiny images, see notes)
     * @param deltaE          mean CIEDE2000 colour difference
     * @param deltaEP99       99th percentile of per-pixel CIEDE2000: the colours k-means serves worst
     * @param errorMap        per-pixel CIEDE2000 as a heat map (black 0, white 20 and more)
     * @param converged       which convergence test stopped k-means: no-change, tolerance or max-iterations
     * @param formats         the original as other formats at this variant's bytes, and the palette
     *                        image as lossless WebP
     */
    @TemplateData
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Variant(int k, String file, long bytes, double bitsPerPixel, double savedVsOriginal,
                          double savedVsLossless, Double psnr, double ssim, double deltaE, double deltaEP99,
                          String errorMap, int iterations, double inertia, String converged, boolean lossless,
                          List<Swatch> palette, Map<String, Long> timingsMs, List<FormatVariant> formats) {

        Variant withFormats(List<FormatVariant> formats) {
            return new Variant(k, file, bytes, bitsPerPixel, savedVsOriginal, savedVsLossless, psnr, ssim, deltaE,
                    deltaEP99, errorMap, iterations, inertia, converged, lossless, palette, timingsMs, formats);
        }
    }

    /**
     * The image in another format.
     *
     * @param quality   encoder quality 0..100 (null for lossless)
     * @param matchedTo the variant whose byte count this file was fitted under (null: a fixed quality)
     */
    @TemplateData
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record FormatVariant(String format, Integer quality, long bytes, Double psnr, double ssim, double deltaE,
                                String file, String matchedTo) {
    }

    /** One palette colour and the share of pixels mapped to it (0..1). */
    @TemplateData
    public record Swatch(String color, double share) {
    }

    /**
     * The smallest file that meets the quality bar, or the best-scoring one when none does.
     *
     * @param format  png (a palette variant), webp, jpeg, webp-lossless or avif
     * @param k       palette size (png and webp-lossless), else null
     * @param quality encoder quality (lossy formats), else null
     */
    @TemplateData
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Recommendation(String format, Integer k, Integer quality, long bytes, String file, String reason,
                                 boolean meetsBar) {
    }

    /**
     * How a target (instead of k) was met.
     *
     * @param kind    psnr or bytes
     * @param reached false when even the extreme palette size missed the target
     * @param tried   every k evaluated on the way, with the measured value
     */
    @TemplateData
    public record Target(String kind, double value, int k, boolean reached, List<Map<String, Number>> tried) {
    }
}
