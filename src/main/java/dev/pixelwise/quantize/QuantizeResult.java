package dev.pixelwise.quantize;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;

/** The quantize job's result: the original, one variant per palette size, and the suggested k. */
@TemplateData
public record QuantizeResult(Original original, List<Variant> variants, Integer suggestedK, Target target,
                             Map<String, Long> timingsMs) {

    /** @param losslessBytes size of the original re-encoded as a truecolour PNG ({@code file}) */
    @TemplateData
    public record Original(int width, int height, long bytes, String format, int uniqueColors, long losslessBytes,
                           String file) {
    }

    /**
     * @param savedVsOriginal fraction of the upload's bytes saved (negative when larger)
     * @param savedVsLossless fraction saved against the lossless PNG re-encode
     * @param psnr            dB over RGB; null when the variant is identical to the original ({@code lossless})
     * @param ssim            mean SSIM on luminance, 11×11 Gaussian window
     * @param deltaE          mean CIEDE2000 colour difference
     * @param converged       which convergence test stopped k-means: no-change, tolerance or max-iterations
     */
    @TemplateData
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Variant(int k, String file, long bytes, double bitsPerPixel, double savedVsOriginal,
                          double savedVsLossless, Double psnr, double ssim, double deltaE, int iterations,
                          double inertia, String converged, boolean lossless, List<Swatch> palette,
                          Map<String, Long> timingsMs) {
    }

    /** One palette colour and the share of pixels mapped to it (0..1). */
    @TemplateData
    public record Swatch(String color, double share) {
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
