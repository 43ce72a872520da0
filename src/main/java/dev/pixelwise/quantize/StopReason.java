package dev.pixelwise.quantize;

/** Which of the three convergence tests ended the (best) k-means run. */
public enum StopReason {
    /** An assignment step changed no point's cluster: a fixed point of Lloyd's algorithm. */
    NO_CHANGE,
    /** The largest centroid shift of an update step was below {@code tolerance}. */
    TOLERANCE,
    /** {@code maxIterations} assignment+update rounds were run. */
    MAX_ITERATIONS
}
