package dev.pixelwise.quantize;

/** How the first centroids are chosen (k-means is sensitive to this, hence also {@code restarts}). */
public enum Init {
    /** Greedy k-means++ (as scikit-learn): each new centre is the best of 2+ln(k) candidates drawn with probability proportional to weight x D^2. */
    KMEANS_PP,
    /** k distinct histogram entries drawn with probability proportional to their pixel count (the same as k random pixels of distinct colour). */
    RANDOM
}
