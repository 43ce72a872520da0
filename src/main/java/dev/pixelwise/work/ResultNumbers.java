package dev.pixelwise.work;

/**
 * The numbers a task's result carries: stage times in whole milliseconds ({@code timingsMs}) and scores
 * rounded for JSON. One place, so every task reports them alike.
 */
public final class ResultNumbers {

    private ResultNumbers() {
    }

    /** Whole milliseconds since {@code startNanos}, a {@link System#nanoTime()} reading. */
    public static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** {@code v} rounded to {@code digits} decimals (half up), for a result's JSON. */
    public static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
