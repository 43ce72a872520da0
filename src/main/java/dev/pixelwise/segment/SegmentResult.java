package dev.pixelwise.segment;

import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * @param precision semantic mode: what DeepLab's convolutions computed in, "fp32", "bf16" or "int8"; null in colour mode
 * @param mask    palette PNG at the input's size whose pixel values are class indices (PASCAL
 *                indices in semantic mode, cluster indices in colour mode); its palette carries the
 *                class colours, with background transparent
 * @param overlay the image with the class colours blended in at {@code opacity}
 * @param image   the upright upload as PNG, under the mask on the page
 */
@TemplateData
public record SegmentResult(String mode, String model, String precision, int width, int height, String mask, String overlay, String image,
                            List<SegmentClass> classes, Map<String, Long> timingsMs) {

    /**
     * @param label    class name, or the cluster's colour in colour mode
     * @param color    display colour {@code #rrggbb}
     * @param fraction share of the pixels, 0..1
     * @param file     a 1-bit PNG with this class's pixels only
     */
    @TemplateData
    public record SegmentClass(int index, String label, String color, double fraction, String file) {

        public String percentText() {
            return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
        }
    }
}
