package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import java.util.HashSet;

/**
 * The quantiser for images with translucent pixels (some 0 < alpha < 255): weighted k-means in
 * premultiplied RGBA, so every palette entry carries its own alpha. Premultiplied, because what a
 * viewer shows is the colour composited on a background, colour * alpha + background * (1 - alpha):
 * a premultiplied error bounds the composited error on any background, and a nearly transparent
 * pixel's colour, which barely shows, barely counts. Fully transparent pixels keep one entry
 * 0x00000000, which stays fixed while the other entries move (it is also the nearest entry for
 * pixels that are almost transparent).
 *
 * <p>Images without translucency never come here; they keep the opaque engine and its speed. This
 * path is plain: unique colours (sorted, counted), bucketed to at most {@link #CAP} points when
 * there are more, k-means++ and raced restarts as in {@link KMeansPalette}, swaps out of Lloyd's
 * local optimum, then a few Lloyd steps on the exact colours when bucketed, each entry polished to
 * the 8-bit value its pixels show best, and a brute-force nearest entry per unique colour. Sums are
 * kept per fixed chunk and added in chunk order, so results do not depend on the thread count.
 */
final class TranslucentPalette {
    /** Most weighted points k-means runs on; more unique colours are bucketed. */
    static final int CAP = 1 << 14;
    /** Weight of the alpha axis in {@link #coords}: sqrt(3/4). */
    private static final float ALPHA_AXIS = 0.8660254f;
    private static final int CHUNK = 1 << 12;
    private static final int EXACT_STEPS = 4;

    final int[] colors;      // unique 0xAARRGGBB with alpha > 0, ascending as signed ints
    final int[] counts;
    final float[] coords;    // premultiplied r, g, b, weighted alpha per unique colour
    final long transparentPixels;
    final float[] points;    // k-means points (the unique colours, or bucket means)
    final double[] weights;
    final boolean bucketed;

    private TranslucentPalette(int[] colors, int[] counts, float[] coords, long transparentPixels, float[] points,
                               double[] weights, boolean bucketed) {
        this.colors = colors;
        this.counts = counts;
        this.coords = coords;
        this.transparentPixels = transparentPixels;
        this.points = points;
        this.weights = weights;
        this.bucketed = bucketed;
    }

    /** True when some pixel is neither fully transparent nor fully opaque. */
    static boolean hasTranslucency(int[] argb) {
        for (int p : argb) {
            int a = p >>> 24;
            if (a != 0 && a != 255) {
                return true;
            }
        }
        return false;
    }

    /**
     * Working coordinates of a colour, from its premultiplied components r, g, b and alpha a (all
     * 0..255): (r - a/2, g - a/2, b - a/2, sqrt(3/4) a). Their squared distance is half the summed
     * squared error of the colour composited on black (error r, g, b) and on white (error r - a,
     * g - a, b - a), so k-means minimises exactly what is seen on those two backgrounds, and means
     * stay means of premultiplied colours because the map is linear.
     */
    static void coords(float r, float g, float b, float a, float[] out, int off) {
        float half = a / 2;
        out[off] = r - half;
        out[off + 1] = g - half;
        out[off + 2] = b - half;
        out[off + 3] = a * ALPHA_AXIS;
    }

    static void coords(int argb, float[] out, int off) {
        int a = argb >>> 24;
        float s = a / 255f;
        coords(((argb >>> 16) & 0xFF) * s, ((argb >>> 8) & 0xFF) * s, (argb & 0xFF) * s, a, out, off);
    }

    static TranslucentPalette prepare(int[] argb) {
        int visible = 0;
        for (int p : argb) {
            if ((p >>> 24) != 0) {
                visible++;
            }
        }
        int[] sorted = new int[visible];
        int n = 0;
        for (int p : argb) {
            if ((p >>> 24) != 0) {
                sorted[n++] = p;
            }
        }
        Arrays.sort(sorted);
        int u = 0;
        int[] counts = new int[Math.max(1, visible)];
        for (int i = 0; i < visible; i++) {
            if (u == 0 || sorted[u - 1] != sorted[i]) {
                sorted[u++] = sorted[i];
            }
            counts[u - 1]++;
        }
        int[] colors = Arrays.copyOf(sorted, u);
        counts = Arrays.copyOf(counts, u);
        float[] coords = new float[4 * u];
        for (int i = 0; i < u; i++) {
            coords(colors[i], coords, 4 * i);
        }
        long transparent = argb.length - (long) visible;
        if (u <= CAP) {
            double[] w = new double[u];
            for (int i = 0; i < u; i++) {
                w[i] = counts[i];
            }
            return new TranslucentPalette(colors, counts, coords, transparent, coords, w, false);
        }
        // Buckets: premultiplied channels and alpha cut to `bits` bits each, fewer until few enough.
        for (int bits = 6; ; bits--) {
            int shift = 8 - bits;
            int[] keys = new int[u];
            for (int i = 0; i < u; i++) {
                int c = colors[i], a = c >>> 24;
                int r = (((c >>> 16) & 0xFF) * a + 127) / 255, g = (((c >>> 8) & 0xFF) * a + 127) / 255,
                        b = ((c & 0xFF) * a + 127) / 255;
                keys[i] = (r >>> shift) << (3 * bits) | (g >>> shift) << (2 * bits) | (b >>> shift) << bits | (a >>> shift);
            }
            int[] order = sortedByKey(keys);
            int cells = 0;
            for (int i = 0; i < u; i++) {
                if (i == 0 || keys[order[i]] != keys[order[i - 1]]) {
                    cells++;
                }
            }
            if (cells > CAP && bits > 3) {
                continue;
            }
            float[] pts = new float[4 * cells];
            double[] w = new double[cells];
            double[] sum = new double[4];
            int c = -1;
            for (int i = 0; i <= u; i++) {
                if (i == u || i == 0 || keys[order[i]] != keys[order[i - 1]]) {
                    if (c >= 0) {
                        for (int d = 0; d < 4; d++) {
                            pts[4 * c + d] = (float) (sum[d] / w[c]);
                        }
                    }
                    if (i == u) {
                        break;
                    }
                    c++;
                    Arrays.fill(sum, 0);
                }
                int m = order[i];
                for (int d = 0; d < 4; d++) {
                    sum[d] += (double) counts[m] * coords[4 * m + d];
                }
                w[c] += counts[m];
            }
            return new TranslucentPalette(colors, counts, coords, transparent, pts, w, true);
        }
    }

    private static int[] sortedByKey(int[] keys) {
        long[] packed = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            packed[i] = ((long) keys[i] << 32) | i;
        }
        Arrays.sort(packed);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            order[i] = (int) packed[i];
        }
        return order;
    }

    int size() {
        return colors.length;
    }

    QuantizedImage quantize(int[] argb, int width, int height, int k, KMeansParams params, ParallelChunks parallel,
                            BooleanSupplier stop, DoubleConsumer report) {
        boolean hasTransparent = transparentPixels > 0;
        int slots = k - (hasTransparent ? 1 : 0);
        int u = colors.length;
        int[] entries;
        int iterations = 0;
        StopReason reason = StopReason.NO_CHANGE;
        if (u <= slots) {
            entries = colors.clone();
        } else {
            int pn = weights.length;
            int clusters = Math.min(slots, pn);
            Run best = race(clusters, hasTransparent, params, parallel, stop);
            best = swapped(best, clusters, hasTransparent, params, parallel, stop);
            iterations = best.iterations;
            reason = best.reason;
            double[] centroids = best.centroids;
            report.accept(0.6);
            if (bucketed) {
                lloyd(coords, toWeights(counts), centroids, clusters, hasTransparent, EXACT_STEPS, params.tolerance(),
                        parallel, stop);
            }
            entries = polish(finish(centroids, clusters), hasTransparent, parallel, stop);
        }
        return remap(argb, width, height, k, entries, iterations, reason, params, parallel, stop, report);
    }

    /**
     * The image remapped to given entries (distinct, alpha > 0), nearest in premultiplied RGBA,
     * with the transparent entry first when some pixel is fully transparent. For a given palette.
     */
    QuantizedImage remap(int[] argb, int width, int height, int k, int[] entries, KMeansParams params,
                         ParallelChunks parallel, BooleanSupplier stop, DoubleConsumer report) {
        if (entries.length == 0 && colors.length > 0) {
            throw new IllegalArgumentException("the palette has no visible colour for the image's visible pixels");
        }
        return remap(argb, width, height, k, entries, 0, StopReason.NO_CHANGE, params, parallel, stop, report);
    }

    private QuantizedImage remap(int[] argb, int width, int height, int k, int[] entries, int iterations,
                                 StopReason reason, KMeansParams params, ParallelChunks parallel, BooleanSupplier stop,
                                 DoubleConsumer report) {
        if (stop.getAsBoolean()) {
            throw new CancellationException("cancelled before remapping");
        }
        boolean hasTransparent = transparentPixels > 0;
        int u = colors.length;
        // Palette: transparent entry, translucent entries, opaque entries; each group by pixel count.
        int m = entries.length;
        int offset = hasTransparent ? 1 : 0;
        int[] draft = new int[m + offset];
        System.arraycopy(entries, 0, draft, offset, m);
        float[] entryCoords = coordsOf(draft);
        int[] nearest = new int[u];
        double inertia = assign(coords, u, entryCoords, draft.length, nearest, parallel);
        long[] draftCounts = new long[draft.length];
        for (int i = 0; i < u; i++) {
            draftCounts[nearest[i]] += counts[i];
        }
        if (hasTransparent) {
            draftCounts[0] += transparentPixels;
        }
        Integer[] order = new Integer[draft.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, offset, order.length, (a, b) -> {
            boolean ta = (draft[a] >>> 24) != 255, tb = (draft[b] >>> 24) != 255;
            if (ta != tb) {
                return ta ? -1 : 1;
            }
            return draftCounts[a] != draftCounts[b] ? Long.compare(draftCounts[b], draftCounts[a])
                    : Integer.compareUnsigned(draft[a], draft[b]);
        });
        int[] palette = new int[draft.length];
        long[] pixelCounts = new long[draft.length];
        int[] newIndex = new int[draft.length];
        for (int pos = 0; pos < order.length; pos++) {
            palette[pos] = draft[order[pos]];
            pixelCounts[pos] = draftCounts[order[pos]];
            newIndex[order[pos]] = pos;
        }
        int transparentIndex = hasTransparent ? 0 : -1;
        byte[] indices;
        if (params.dither() == Dither.FLOYD_STEINBERG && palette.length > 1) {
            indices = FloydSteinbergDitherer.ditherPremultiplied(argb, width, height, palette, transparentIndex, stop);
            Arrays.fill(pixelCounts, 0);
            for (byte b : indices) {
                pixelCounts[b & 0xFF]++;
            }
        } else {
            byte[] ofColor = new byte[u];
            for (int i = 0; i < u; i++) {
                ofColor[i] = (byte) newIndex[nearest[i]];
            }
            indices = new byte[argb.length];
            int chunks = ParallelChunks.count(argb.length, ColorHistogram.PIXEL_CHUNK);
            parallel.run(chunks, (worker, chunk) -> {
                for (int i = chunk * ColorHistogram.PIXEL_CHUNK,
                     to = Math.min(argb.length, i + ColorHistogram.PIXEL_CHUNK); i < to; i++) {
                    int p = argb[i];
                    indices[i] = (p >>> 24) == 0 ? 0 : ofColor[Arrays.binarySearch(colors, p)];
                }
            });
        }
        report.accept(1.0);
        return new QuantizedImage(width, height, k, palette, indices, pixelCounts, iterations, inertia, reason,
                transparentIndex);
    }

    private static double[] toWeights(int[] counts) {
        double[] w = new double[counts.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = counts[i];
        }
        return w;
    }

    private record Run(double[] centroids, int iterations, StopReason reason, double inertia) {
    }

    /** Raced restarts as in {@link KMeansPalette}: a few iterations each, the best runs on. */
    private Run race(int clusters, boolean fixedTransparent, KMeansParams params, ParallelChunks parallel,
                     BooleanSupplier stop) {
        SplittableRandom master = new SplittableRandom(params.seed());
        int restarts = params.restarts();
        int race = restarts == 1 ? params.maxIterations() : Math.min(KMeansPalette.RACE_ITERATIONS, params.maxIterations());
        Run best = null;
        for (int r = 0; r < restarts; r++) {
            SplittableRandom rng = master.split();
            double[] c = params.init() == Init.KMEANS_PP ? seedPlusPlus(clusters, rng) : seedRandom(clusters, rng);
            Run run = lloyd(points, weights, c, clusters, fixedTransparent, race, params.tolerance(), parallel, stop);
            if (best == null || run.inertia < best.inertia) {
                best = run;
            }
        }
        if (best.reason == StopReason.MAX_ITERATIONS && best.iterations < params.maxIterations()) {
            Run rest = lloyd(points, weights, best.centroids, clusters, fixedTransparent,
                    params.maxIterations() - best.iterations, params.tolerance(), parallel, stop);
            best = new Run(rest.centroids, best.iterations + rest.iterations, rest.reason, rest.inertia);
        }
        return best;
    }

    /** Swap tries at most, and failed tries in a row that end them. */
    private static final int SWAP_TRIALS = 24;
    private static final int SWAP_MISSES = 4;

    /**
     * Lloyd's local optimum, escaped by swaps: the centre whose removal costs least moves to the
     * point served worst, Lloyd runs again, and the move is kept when the inertia falls. Small
     * palettes are where k-means's local optima cost most, and where a trial is cheap.
     */
    private Run swapped(Run start, int k, boolean fixedTransparent, KMeansParams params, ParallelChunks parallel,
                        BooleanSupplier stop) {
        int n = weights.length;
        if (k < 2 || n <= k) {
            return start;
        }
        SplittableRandom rng = new SplittableRandom(params.seed() ^ 0x5A5A5A5AL);
        Run best = start;
        int failures = 0;
        for (int t = 0; t < SWAP_TRIALS && failures < SWAP_MISSES; t++) {
            double[] c = best.centroids.clone();
            double[] removal = new double[k];
            double[] cost = new double[n];
            for (int i = 0; i < n; i++) {
                double d1 = fixedTransparent ? zeroDist(points, i) : Double.MAX_VALUE, d2 = Double.MAX_VALUE;
                int j1 = -1;
                for (int j = 0; j < k; j++) {
                    double d = dist(points, i, c, j);
                    if (d < d1) {
                        d2 = d1;
                        d1 = d;
                        j1 = j;
                    } else if (d < d2) {
                        d2 = d;
                    }
                }
                if (j1 >= 0) {
                    removal[j1] += weights[i] * (d2 - d1);
                }
                cost[i] = weights[i] * d1;
            }
            // the first try takes the cheapest centre to the worst point; after a miss, the
            // failures-th cheapest goes to a point drawn by its cost
            Integer[] byRemoval = new Integer[k];
            for (int j = 0; j < k; j++) {
                byRemoval[j] = j;
            }
            Arrays.sort(byRemoval, (x, y) -> Double.compare(removal[x], removal[y]));
            int moved = byRemoval[Math.min(k - 1, failures)];
            int target = 0;
            if (failures == 0) {
                for (int i = 1; i < n; i++) {
                    if (cost[i] > cost[target]) {
                        target = i;
                    }
                }
            } else {
                target = pickWeighted(cost, null, rng);
            }
            copyPoint(target, c, moved);
            Run trial = lloyd(points, weights, c, k, fixedTransparent, params.maxIterations(), params.tolerance(),
                    parallel, stop);
            if (trial.inertia < best.inertia * (1 - 1e-9)) {
                best = new Run(trial.centroids, best.iterations + trial.iterations, trial.reason, trial.inertia);
                failures = 0;
            } else {
                failures++;
            }
        }
        return best;
    }

    private double[] seedPlusPlus(int k, SplittableRandom rng) {
        int n = weights.length;
        double[] c = new double[4 * k];
        double[] d2 = new double[n];
        int first = pickWeighted(weights, null, rng);
        copyPoint(first, c, 0);
        for (int i = 0; i < n; i++) {
            d2[i] = dist(points, i, c, 0);
        }
        for (int j = 1; j < k; j++) {
            int next = pickWeighted(weights, d2, rng);
            copyPoint(next, c, j);
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], dist(points, i, c, j));
            }
        }
        return c;
    }

    private double[] seedRandom(int k, SplittableRandom rng) {
        double[] c = new double[4 * k];
        boolean[] used = new boolean[weights.length];
        for (int j = 0; j < k; j++) {
            int i;
            do {
                i = pickWeighted(weights, null, rng);
            } while (used[i] && j < weights.length);
            used[i] = true;
            copyPoint(i, c, j);
        }
        return c;
    }

    /** Index drawn with probability weight * (d2, when given); the last positive one on rounding. */
    private static int pickWeighted(double[] w, double[] d2, SplittableRandom rng) {
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            total += d2 == null ? w[i] : w[i] * d2[i];
        }
        double target = rng.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < w.length; i++) {
            double v = d2 == null ? w[i] : w[i] * d2[i];
            if (v > 0) {
                last = i;
                target -= v;
                if (target < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    private void copyPoint(int i, double[] c, int j) {
        for (int d = 0; d < 4; d++) {
            c[4 * j + d] = points[4 * i + d];
        }
    }

    private static double dist(float[] p, int i, double[] c, int j) {
        double dr = p[4 * i] - c[4 * j], dg = p[4 * i + 1] - c[4 * j + 1], db = p[4 * i + 2] - c[4 * j + 2],
                da = p[4 * i + 3] - c[4 * j + 3];
        return dr * dr + dg * dg + db * db + da * da;
    }

    /**
     * Lloyd iterations on weighted 4-D points; when {@code fixedTransparent}, the all-zero point is a
     * further centre that takes points but never moves. Empty clusters move to the point that costs
     * most.
     */
    private static Run lloyd(float[] pts, double[] w, double[] c, int k, boolean fixedTransparent, int maxIterations,
                             double tolerance, ParallelChunks parallel, BooleanSupplier stop) {
        int n = w.length;
        int chunks = ParallelChunks.count(n, CHUNK);
        double[][] sums = new double[chunks][5 * k];
        boolean[] changedIn = new boolean[chunks];
        double[] chunkInertia = new double[chunks];
        int[] far = new int[chunks];
        double[] farCost = new double[chunks];
        int[] assigned = new int[n];
        Arrays.fill(assigned, -2);
        int it = 0;
        StopReason reason = StopReason.MAX_ITERATIONS;
        double inertia = 0;
        while (it < maxIterations) {
            if (stop.getAsBoolean()) {
                throw new CancellationException("cancelled during k-means");
            }
            parallel.run(chunks, (worker, chunk) -> {
                double[] s = sums[chunk];
                Arrays.fill(s, 0);
                boolean changed = false;
                double cost = 0, worst = -1;
                int worstAt = -1;
                for (int i = chunk * CHUNK, to = Math.min(n, i + CHUNK); i < to; i++) {
                    double best = fixedTransparent ? zeroDist(pts, i) : Double.MAX_VALUE;
                    int bj = -1;
                    for (int j = 0; j < k; j++) {
                        double d = dist(pts, i, c, j);
                        if (d < best) {
                            best = d;
                            bj = j;
                        }
                    }
                    changed |= assigned[i] != bj;
                    assigned[i] = bj;
                    cost += w[i] * best;
                    if (best > worst) {
                        worst = best;
                        worstAt = i;
                    }
                    if (bj >= 0) {
                        for (int d = 0; d < 4; d++) {
                            s[4 * bj + d] += w[i] * pts[4 * i + d];
                        }
                        s[4 * k + bj] += w[i];
                    }
                }
                changedIn[chunk] = changed;
                chunkInertia[chunk] = cost;
                far[chunk] = worstAt;
                farCost[chunk] = worst;
            });
            it++;
            inertia = 0;
            boolean anyChange = false;
            double[] total = new double[5 * k];
            for (int ch = 0; ch < chunks; ch++) {
                inertia += chunkInertia[ch];
                anyChange |= changedIn[ch];
                for (int q = 0; q < 5 * k; q++) {
                    total[q] += sums[ch][q];
                }
            }
            double maxShift = 0;
            for (int j = 0; j < k; j++) {
                double wj = total[4 * k + j];
                double[] next = new double[4];
                if (wj > 0) {
                    for (int d = 0; d < 4; d++) {
                        next[d] = total[4 * j + d] / wj;
                    }
                } else {
                    int bestChunk = 0;
                    for (int ch = 1; ch < chunks; ch++) {
                        if (farCost[ch] > farCost[bestChunk]) {
                            bestChunk = ch;
                        }
                    }
                    int i = far[bestChunk];
                    farCost[bestChunk] = -1;
                    for (int d = 0; d < 4; d++) {
                        next[d] = pts[4 * i + d];
                    }
                    anyChange = true;
                }
                double shift = 0;
                for (int d = 0; d < 4; d++) {
                    shift += (next[d] - c[4 * j + d]) * (next[d] - c[4 * j + d]);
                    c[4 * j + d] = next[d];
                }
                maxShift = Math.max(maxShift, Math.sqrt(shift));
            }
            if (!anyChange && it > 1) {
                reason = StopReason.NO_CHANGE;
                break;
            }
            if (maxShift < tolerance) {
                reason = StopReason.TOLERANCE;
                break;
            }
        }
        return new Run(c, it, reason, inertia);
    }

    private static double zeroDist(float[] p, int i) {
        double r = p[4 * i], g = p[4 * i + 1], b = p[4 * i + 2], a = p[4 * i + 3];
        return r * r + g * g + b * b + a * a;
    }

    /** Centroids to distinct 0xAARRGGBB entries (un-premultiplied, rounded); duplicates are dropped. */
    private static int[] finish(double[] c, int k) {
        int[] out = new int[k];
        int m = 0;
        HashSet<Integer> seen = new HashSet<>();
        for (int j = 0; j < k; j++) {
            double alpha = c[4 * j + 3] / ALPHA_AXIS;
            int a = (int) Math.max(1, Math.min(255, Math.round(alpha)));
            double s = 255.0 / a, half = alpha / 2;
            int argb = (a << 24) | (level((c[4 * j] + half) * s) << 16) | (level((c[4 * j + 1] + half) * s) << 8)
                    | level((c[4 * j + 2] + half) * s);
            if (seen.add(argb)) {
                out[m++] = argb;
            }
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Each entry moved to the nearby 8-bit colour and alpha that its pixels show best: the error is
     * measured as a viewer shows it, composited on black and on white and rounded to 8 bits. The
     * centroid is the optimum of the continuous objective; rounding it un-premultiplied to 8 bits
     * costs most where palettes are large (high PSNR) or alpha is low.
     */
    private int[] polish(int[] entries, boolean hasTransparent, ParallelChunks parallel, BooleanSupplier stop) {
        int m = entries.length;
        int offset = hasTransparent ? 1 : 0;
        int[] all = new int[m + offset];
        System.arraycopy(entries, 0, all, offset, m);
        int u = colors.length;
        int[] nearest = new int[u];
        assign(coords, u, coordsOf(all), all.length, nearest, parallel);
        int[][] members = new int[all.length][];
        int[] sizes = new int[all.length];
        for (int i = 0; i < u; i++) {
            sizes[nearest[i]]++;
        }
        for (int j = 0; j < all.length; j++) {
            members[j] = new int[sizes[j]];
            sizes[j] = 0;
        }
        for (int i = 0; i < u; i++) {
            members[nearest[i]][sizes[nearest[i]]++] = i;
        }
        int[] out = new int[m];
        int chunks = m;
        parallel.run(chunks, (worker, j) -> out[j] = bestNear(entries[j], members[j + offset]));
        if (stop.getAsBoolean()) {
            throw new CancellationException("cancelled while polishing the palette");
        }
        HashSet<Integer> seen = new HashSet<>();
        int n = 0;
        for (int e : out) {
            if (seen.add(e)) {
                out[n++] = e;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** How far {@link #polish} looks from the rounded centroid: alpha levels, and colour levels per channel. */
    private static final int ALPHA_REACH = 2;
    private static final int LEVEL_REACH = 3;

    /** The entry near {@code entry} with the least error of {@code members} composited on black and white. */
    private int bestNear(int entry, int[] members) {
        if (members.length == 0) {
            return entry;
        }
        // each member as shown, per channel (r, g, b): composited on black and on white, once
        int n = members.length;
        int[][] onBlack = new int[3][n];
        int[][] onWhite = new int[3][n];
        for (int m = 0; m < n; m++) {
            int c = colors[members[m]], ca = c >>> 24;
            for (int ch = 0; ch < 3; ch++) {
                int cv = (c >>> (16 - 8 * ch)) & 0xFF;
                onBlack[ch][m] = (cv * ca + 127) / 255;
                onWhite[ch][m] = (cv * ca + 255 * (255 - ca) + 127) / 255;
            }
        }
        int a0 = entry >>> 24;
        long bestErr = Long.MAX_VALUE;
        int best = entry;
        for (int a = Math.max(1, a0 - ALPHA_REACH); a <= Math.min(255, a0 + ALPHA_REACH); a++) {
            long err = 0;
            int argb = a << 24;
            for (int ch = 0; ch < 3; ch++) {
                int shift = 16 - 8 * ch;
                int v0 = (entry >>> shift) & 0xFF;
                long channelBest = Long.MAX_VALUE;
                int bestV = v0;
                for (int v = Math.max(0, v0 - LEVEL_REACH); v <= Math.min(255, v0 + LEVEL_REACH); v++) {
                    int black = (v * a + 127) / 255;
                    int white = (v * a + 255 * (255 - a) + 127) / 255;
                    long e = 0;
                    for (int m = 0; m < n; m++) {
                        int db = onBlack[ch][m] - black;
                        int dw = onWhite[ch][m] - white;
                        e += (long) counts[members[m]] * (db * db + dw * dw);
                    }
                    if (e < channelBest) {
                        channelBest = e;
                        bestV = v;
                    }
                }
                err += channelBest;
                argb |= bestV << shift;
            }
            if (err < bestErr) {
                bestErr = err;
                best = argb;
            }
        }
        return best;
    }


    private static int level(double v) {
        return v <= 0 ? 0 : (int) Math.min(255, Math.round(v));
    }

    private static float[] coordsOf(int[] palette) {
        float[] out = new float[4 * palette.length];
        for (int j = 0; j < palette.length; j++) {
            coords(palette[j], out, 4 * j);
        }
        return out;
    }

    /** Nearest entry per point (lowest index on ties); returns the weighted cost. */
    private double assign(float[] pts, int n, float[] entries, int m, int[] nearest, ParallelChunks parallel) {
        int chunks = ParallelChunks.count(n, CHUNK);
        double[] cost = new double[chunks];
        parallel.run(chunks, (worker, chunk) -> {
            double sum = 0;
            for (int i = chunk * CHUNK, to = Math.min(n, i + CHUNK); i < to; i++) {
                double best = Double.MAX_VALUE;
                int bj = 0;
                for (int j = 0; j < m; j++) {
                    double dr = pts[4 * i] - entries[4 * j], dg = pts[4 * i + 1] - entries[4 * j + 1],
                            db = pts[4 * i + 2] - entries[4 * j + 2], da = pts[4 * i + 3] - entries[4 * j + 3];
                    double d = dr * dr + dg * dg + db * db + da * da;
                    if (d < best) {
                        best = d;
                        bj = j;
                    }
                }
                nearest[i] = bj;
                sum += counts[i] * best;
            }
            cost[chunk] = sum;
        });
        double total = 0;
        for (double v : cost) {
            total += v;
        }
        return total;
    }
}
