package dev.pixelwise.quantize;

/** Whether the remap step diffuses the quantisation error. */
public enum Dither {
    NONE,
    /** Floyd-Steinberg error diffusion in RGB, serpentine scan (see {@code FloydSteinbergDitherer}). */
    FLOYD_STEINBERG
}
