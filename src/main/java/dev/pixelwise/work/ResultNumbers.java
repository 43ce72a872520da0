package dev.pixelwise.work;

/**
 * Scores rounded for a task result's JSON, one place so every task reports them alike (its stage times come from
 * {@link StageTimings}).
 */
public final class ResultNumbers {

    private ResultNumbers() {
    }

    /** {@code v} rounded to {@code digits} decimals (half up), for a result's JSON. */
    public static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
