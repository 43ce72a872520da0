package dev.pixelwise.quantize;

/** Space in which colour distances are measured and centroids averaged. */
public enum ColorSpace {
    /** CIELAB (D65, 2 degree observer): perceptual; one unit is about one just-noticeable difference. */
    LAB,
    /** Plain 8-bit sRGB components, 0..255 per channel, as scikit-learn would see the pixels. */
    RGB,
    /**
     * Both at once, for PSNR and delta E together: the cost of a colour against an entry is
     * |RGB difference|^2 + w |Lab' difference|^2, Lab' being Lab reshaped towards CIEDE2000. k-means
     * runs in RGB; Lloyd steps on the exact colours then minimise log(RGB error) + 0.36 log(Lab'
     * error), which sets w per image and k; the remap uses the same cost and lets near-tied pixels
     * follow a neighbour's entry (smaller PNGs). Entries stay real 8-bit colours.
     */
    RGB_LAB
}
