package dev.pixelwise.superres;

import io.quarkus.qute.TemplateData;

import java.util.Map;

/**
 * @param precision    what the convolutions computed in: "fp32", "bf16" or "int8" (the option "auto" resolved; int8 asked of a model without its calibration table runs as auto would without int8)
 * @param file         the ESRGAN result (PNG)
 * @param bicubic      the same size by bicubic interpolation, for comparison (PNG)
 * @param original     the upload as PNG, for the page's nearest-neighbour view
 * @param retriedTiles tiles that ran out of memory and were redone in smaller pieces
 * @param advice       set when the self-check scores ESRGAN below bicubic: a warning and what to try
 */
@TemplateData
public record UpscaleResult(String model, int scale, String precision, int width, int height, String file, String bicubic,
                            String original, int tiles, int retriedTiles, SelfCheck selfCheck,
                            Advice advice, Map<String, Long> timingsMs) {

    /** Scores against the upload after shrinking it by the scale and enlarging it back. */
    @TemplateData
    public record SelfCheck(double psnrModel, double psnrBicubic, double ssimModel, double ssimBicubic) {
    }

    /**
     * @param message what the self-check found and what to try, in a sentence or three
     * @param model   the model to try instead; null when the bicubic result is the better one
     * @param scale   the scale to try it at
     */
    @TemplateData
    public record Advice(String message, String model, int scale) {
    }
}
