package dev.pixelwise.quantize;

/** Distance used for assignment; it also decides the centroid update rule. */
public enum Distance {
    /** L2 distance; the update step is the weighted mean, which minimises squared L2 error. */
    EUCLIDEAN,
    /** L1 distance; the update step is the per-channel weighted median, which minimises L1 error (k-medians). */
    MANHATTAN
}
