package dev.pixelwise.superres;

import io.quarkus.qute.TemplateData;

import java.util.Map;

/**
 * @param file         the ESRGAN result (PNG)
 * @param bicubic      the same size by bicubic interpolation, for comparison (PNG)
 * @param original     the upload as PNG, for the page's nearest-neighbour view
 * @param retriedTiles tiles that ran out of memory and were redone in smaller pieces
 */
@TemplateData
public record UpscaleResult(String model, int scale, int width, int height, String file, String bicubic,
                            String original, int tiles, int retriedTiles, SelfCheck selfCheck,
                            Map<String, Long> timingsMs) {

    /** Scores against the upload after shrinking it by the scale and enlarging it back. */
    @TemplateData
    public record SelfCheck(double psnrModel, double psnrBicubic, double ssimModel, double ssimBicubic) {
    }
}
