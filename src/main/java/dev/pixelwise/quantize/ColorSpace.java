package dev.pixelwise.quantize;

/** Space in which colour distances are measured and centroids averaged. */
public enum ColorSpace {
    /** CIELAB (D65, 2 degree observer): perceptual; one unit is about one just-noticeable difference. */
    LAB,
    /** Plain 8-bit sRGB components, 0..255 per channel, as scikit-learn would see the pixels. */
    RGB,
    /**
     * Both at once: the cost of a colour against an entry is |RGB difference|^2 + w |Lab difference|^2
     * (w = {@link WorkingSpace#LAB_WEIGHT}). RGB error is what PSNR measures and Lab error is close to
     * what delta E measures; k-means runs in RGB, then Lloyd steps on the exact colours and the remap
     * use the combined cost, so the palette holds up on both measures. Entries stay 8-bit colours:
     * each update moves an entry to the colour nearest (in the combined cost) to its cluster's mean.
     */
    RGB_LAB
}
