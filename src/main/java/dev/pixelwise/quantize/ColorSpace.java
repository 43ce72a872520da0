package dev.pixelwise.quantize;

/** Space in which colour distances are measured and centroids averaged. */
public enum ColorSpace {
    /** CIELAB (D65, 2 degree observer): perceptual; one unit is about one just-noticeable difference. */
    LAB,
    /** Plain 8-bit sRGB components, 0..255 per channel, as scikit-learn would see the pixels. */
    RGB
}
