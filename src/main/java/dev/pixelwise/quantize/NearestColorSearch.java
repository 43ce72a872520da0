package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ParallelChunks;
import java.util.Arrays;

/**
 * Exact nearest palette entry (in working space) for every unique colour of an image, pruned by a
 * two-level grid. Unique colours are grouped in small RGB cubes (fine cells), fine cells in cubes
 * 4x larger per side (coarse cells), and every cell keeps the working-space bounding box of its
 * colours. An entry can only be nearest to some colour in a box if its minimum cost to the box is
 * <= the smallest maximum cost of any entry to that box. Coarse boxes are tested against the whole
 * palette, fine boxes only against their coarse cell's candidates, and each colour only against its
 * fine cell's candidates. Candidates stay in index order, so ties go to the lowest index exactly as
 * in a full scan.
 */
final class NearestColorSearch {
    private static final int COARSE_PER_CHUNK = 4;

    private final ColorCells cells;
    private final int dims;             // coordinates per colour (3, or 6 for RGB_LAB)
    private final float[] coords;       // working-space coordinates of the unique colours
    private final int[] counts;
    private final float[] fineBox;      // per fine cell: dims lows then dims highs
    private final int[] coarseStart;    // coarse cell g holds coarseMembers[coarseStart[g] ..]
    private final int[] coarseMembers;  // fine cell indices grouped by coarse cell
    private final float[] coarseBox;
    private final int[] cellKey;        // RGB cube key of each fine cell
    private final long[] cellPixels;    // pixels in each fine cell
    // per fine cell: sum of count * x_d (dims values), then count * |x|^2 (3-D) or count * x_d^2 per axis
    private final double[] cellSums;

    NearestColorSearch(int[] colors, ColorCells cells, float[] uniqueCoords, int[] counts) {
        this(colors, cells, uniqueCoords, counts, 3);
    }

    /** @param uniqueCoords dims working-space values per unique colour */
    NearestColorSearch(int[] colors, ColorCells cells, float[] uniqueCoords, int[] counts, int dims) {
        this.cells = cells;
        this.dims = dims;
        this.coords = uniqueCoords;
        this.counts = counts;
        int nFine = cells.cellCount();
        int coarseBits = Math.max(1, cells.bits - 2);
        int sumStride = sumStride(dims);
        fineBox = new float[2 * dims * nFine];
        cellKey = new int[nFine];
        cellPixels = new long[nFine];
        cellSums = new double[sumStride * nFine];
        int[] coarseKey = new int[nFine];
        for (int c = 0; c < nFine; c++) {
            initBox(fineBox, c, dims);
            for (int m = cells.start[c]; m < cells.start[c + 1]; m++) {
                int u = cells.members[m];
                grow(fineBox, c, dims, uniqueCoords, dims * u);
                double w = counts[u];
                cellPixels[c] += counts[u];
                double norm = 0;
                for (int d = 0; d < dims; d++) {
                    double v = uniqueCoords[dims * u + d];
                    cellSums[sumStride * c + d] += w * v;
                    if (dims != 3) {
                        cellSums[sumStride * c + dims + d] += w * v * v;
                    }
                    norm += v * v;
                }
                if (dims == 3) {
                    cellSums[sumStride * c + dims] += w * norm;
                }
            }
            int anyColor = colors[cells.members[cells.start[c]]];
            cellKey[c] = ColorCells.key(anyColor, cells.bits);
            coarseKey[c] = ColorCells.key(anyColor, coarseBits);
        }
        int keys = 1 << (3 * coarseBits);
        int[] cursor = new int[keys];
        for (int key : coarseKey) {
            cursor[key]++;
        }
        int coarse = 0;
        for (int n : cursor) {
            if (n != 0) {
                coarse++;
            }
        }
        coarseStart = new int[coarse + 1];
        int g = 0, offset = 0;
        for (int key = 0; key < keys; key++) {
            int n = cursor[key];
            if (n != 0) {
                coarseStart[g++] = offset;
                cursor[key] = offset;
                offset += n;
            }
        }
        coarseStart[coarse] = offset;
        coarseMembers = new int[nFine];
        for (int c = 0; c < nFine; c++) {
            coarseMembers[cursor[coarseKey[c]]++] = c;
        }
        coarseBox = new float[2 * dims * coarse];
        for (g = 0; g < coarse; g++) {
            initBox(coarseBox, g, dims);
            for (int m = coarseStart[g]; m < coarseStart[g + 1]; m++) {
                int c = coarseMembers[m];
                grow(coarseBox, g, dims, fineBox, 2 * dims * c);
                grow(coarseBox, g, dims, fineBox, 2 * dims * c + dims);
            }
        }
    }

    private static int sumStride(int dims) {
        return dims == 3 ? 4 : 2 * dims;
    }

    /** Fine-grid resolution (bits per RGB channel) giving a few dozen colours per fine cell. */
    static int gridBits(int uniqueColors) {
        if (uniqueColors > 1 << 20) {
            return 6;
        }
        if (uniqueColors > 1 << 18) {
            return 5;
        }
        if (uniqueColors > 1 << 14) {
            return 4;
        }
        return 3;
    }

    /**
     * Result of one search.
     *
     * @param cellNearest  per fine cell, the entry shared by all its colours, or -1 when they differ
     * @param nearest      per unique colour, its entry; only filled for colours of cells whose
     *                     cellNearest is -1 (the others are implied by their cell)
     * @param entryPixels  pixels mapped to each entry
     * @param entrySums    per entry, the count-weighted sum of its colours' coordinates (dims values),
     *                     i.e. what a Lloyd update needs
     * @param inertia      sum over pixels of the cost to their entry (squared L2, or L1), axis weights applied
     * @param axisCosts    the same sum per axis without weights (only from {@link #search(double[], int,
     *                     boolean, double[], ParallelChunks)}; null otherwise)
     */
    record Assignment(int[] cellNearest, int[] nearest, long[] entryPixels, double[] entrySums, double inertia,
                      double[] axisCosts) {
        Assignment(int[] cellNearest, int[] nearest, long[] entryPixels, double[] entrySums, double inertia) {
            this(cellNearest, nearest, entryPixels, entrySums, inertia, null);
        }
    }

    /** Fills table[u] = newIndex[entry] for the colours that the cube cache cannot resolve. */
    void fillColorTable(Assignment a, int[] newIndex, byte[] table) {
        for (int c = 0; c < cells.cellCount(); c++) {
            if (a.cellNearest()[c] < 0) {
                for (int s = cells.start[c]; s < cells.start[c + 1]; s++) {
                    int u = cells.members[s];
                    table[u] = (byte) newIndex[a.nearest()[u]];
                }
            }
        }
    }

    /** Cache per RGB cube key at {@link #bits()} bits: newIndex of the cube's shared entry, or -1. */
    short[] cubeCache(Assignment a, int[] newIndex) {
        short[] cache = new short[1 << (3 * cells.bits)];
        Arrays.fill(cache, (short) -1);
        for (int c = 0; c < cells.cellCount(); c++) {
            int j = a.cellNearest()[c];
            if (j >= 0) {
                cache[cellKey[c]] = (short) newIndex[j];
            }
        }
        return cache;
    }

    /** Bits per RGB channel of the fine cells. */
    int bits() {
        return cells.bits;
    }

    int cellCount() {
        return cells.cellCount();
    }

    /** RGB cube key (see {@link ColorCells#key}) of fine cell c. */
    int cellKey(int c) {
        return cellKey[c];
    }

    /** Coordinates per colour and per palette entry. */
    int dims() {
        return dims;
    }

    /** @param palette m entries, {@link #dims()} working-space values each */
    Assignment search(double[] palette, int m, boolean manhattan, ParallelChunks parallel) {
        if (dims != 3) {
            double[] ones = new double[dims];
            Arrays.fill(ones, 1);
            return search(palette, m, manhattan, ones, parallel);
        }
        int nCoarse = coarseStart.length - 1;
        int[] nearest = new int[coords.length / 3];
        int[] cellNearest = new int[cells.cellCount()];
        int chunks = ParallelChunks.count(nCoarse, COARSE_PER_CHUNK);
        double[] partialCost = new double[chunks];
        double[] partialSums = new double[chunks * 3 * m];
        long[] partialPixels = new long[chunks * m];
        int[][] scratch = new int[parallel.workers()][];
        int[] all = new int[m];
        for (int j = 0; j < m; j++) {
            all[j] = j;
        }
        parallel.run(chunks, (worker, chunk) -> {
            int[] buf = scratch[worker];
            if (buf == null) {
                buf = scratch[worker] = new int[2 * m];
            }
            double[] minCost = new double[m];
            double cost = 0;
            int sumBase = chunk * 3 * m, pixelBase = chunk * m;
            for (int g = chunk * COARSE_PER_CHUNK, gEnd = Math.min(nCoarse, g + COARSE_PER_CHUNK); g < gEnd; g++) {
                int nCoarseCand = prune3(coarseBox, g, palette, all, m, manhattan, buf, 0, minCost);
                for (int f = coarseStart[g]; f < coarseStart[g + 1]; f++) {
                    int c = coarseMembers[f];
                    int nc = prune3(fineBox, c, palette, buf, nCoarseCand, manhattan, buf, m, minCost);
                    if (nc == 1 && !manhattan) {
                        // One possible entry: the cell's cost and sums follow from its totals, no per-colour work.
                        int j = buf[m];
                        double px = palette[3 * j], py = palette[3 * j + 1], pz = palette[3 * j + 2];
                        double cellCost = cellSums[4 * c + 3]
                                - 2 * (px * cellSums[4 * c] + py * cellSums[4 * c + 1] + pz * cellSums[4 * c + 2])
                                + cellPixels[c] * (px * px + py * py + pz * pz);
                        cost += Math.max(0, cellCost);
                        partialSums[sumBase + 3 * j] += cellSums[4 * c];
                        partialSums[sumBase + 3 * j + 1] += cellSums[4 * c + 1];
                        partialSums[sumBase + 3 * j + 2] += cellSums[4 * c + 2];
                        partialPixels[pixelBase + j] += cellPixels[c];
                        cellNearest[c] = j;
                        continue;
                    }
                    int shared = -2;
                    for (int s = cells.start[c]; s < cells.start[c + 1]; s++) {
                        int u = cells.members[s];
                        double x = coords[3 * u], y = coords[3 * u + 1], z = coords[3 * u + 2];
                        double best = Double.POSITIVE_INFINITY;
                        int bestJ = buf[m];
                        for (int t = m; t < m + nc; t++) {
                            int j = buf[t];
                            double dx = x - palette[3 * j], dy = y - palette[3 * j + 1], dz = z - palette[3 * j + 2];
                            double d = manhattan ? Math.abs(dx) + Math.abs(dy) + Math.abs(dz) : dx * dx + dy * dy + dz * dz;
                            if (d < best) {
                                best = d;
                                bestJ = j;
                            }
                        }
                        nearest[u] = bestJ;
                        double w = counts[u];
                        cost += w * best;
                        partialSums[sumBase + 3 * bestJ] += w * x;
                        partialSums[sumBase + 3 * bestJ + 1] += w * y;
                        partialSums[sumBase + 3 * bestJ + 2] += w * z;
                        partialPixels[pixelBase + bestJ] += counts[u];
                        shared = shared == -2 || shared == bestJ ? bestJ : -1;
                    }
                    cellNearest[c] = shared;
                }
            }
            partialCost[chunk] = cost;
        });
        double inertia = 0;
        double[] entrySums = new double[3 * m];
        long[] entryPixels = new long[m];
        for (int chunk = 0; chunk < chunks; chunk++) {
            inertia += partialCost[chunk];
            for (int j = 0; j < m; j++) {
                entryPixels[j] += partialPixels[chunk * m + j];
            }
            for (int v = 0; v < 3 * m; v++) {
                entrySums[v] += partialSums[chunk * 3 * m + v];
            }
        }
        return new Assignment(cellNearest, nearest, entryPixels, entrySums, inertia);
    }

    /**
     * {@link #search} for any number of dimensions, with a weight per axis: the cost is
     * sum_d weight_d * (x_d - p_d)^2 (or |x_d - p_d| for L1). Same pruning, loops over d.
     */
    Assignment search(double[] palette, int m, boolean manhattan, double[] axisWeight, ParallelChunks parallel) {
        int nCoarse = coarseStart.length - 1;
        int dm = dims;
        int sumStride = sumStride(dm);
        int[] nearest = new int[coords.length / dm];
        int[] cellNearest = new int[cells.cellCount()];
        int chunks = ParallelChunks.count(nCoarse, COARSE_PER_CHUNK);
        double[] partialCost = new double[chunks * dm];
        double[] partialSums = new double[chunks * dm * m];
        long[] partialPixels = new long[chunks * m];
        int[][] scratch = new int[parallel.workers()][];
        int[] all = new int[m];
        for (int j = 0; j < m; j++) {
            all[j] = j;
        }
        boolean six = dm == 6 && !manhattan;
        double w0 = axisWeight[0], w1 = axisWeight[1], w2 = axisWeight[2];
        double w3 = dm == 6 ? axisWeight[3] : 0, w4 = dm == 6 ? axisWeight[4] : 0, w5 = dm == 6 ? axisWeight[5] : 0;
        parallel.run(chunks, (worker, chunk) -> {
            int[] buf = scratch[worker];
            if (buf == null) {
                buf = scratch[worker] = new int[2 * m];
            }
            double[] minCost = new double[m];
            double[] x = new double[dm];
            double[] cost = new double[dm];
            int sumBase = chunk * dm * m, pixelBase = chunk * m;
            for (int g = chunk * COARSE_PER_CHUNK, gEnd = Math.min(nCoarse, g + COARSE_PER_CHUNK); g < gEnd; g++) {
                int nCoarseCand = prune(coarseBox, g, dm, axisWeight, palette, all, m, manhattan, buf, 0, minCost);
                for (int f = coarseStart[g]; f < coarseStart[g + 1]; f++) {
                    int c = coarseMembers[f];
                    int nc = prune(fineBox, c, dm, axisWeight, palette, buf, nCoarseCand, manhattan, buf, m, minCost);
                    if (nc == 1 && !manhattan) {
                        int j = buf[m];
                        for (int d = 0; d < dm; d++) {
                            double p = palette[dm * j + d], s1 = cellSums[sumStride * c + d];
                            cost[d] += Math.max(0, cellSums[sumStride * c + dm + d] - 2 * p * s1 + cellPixels[c] * p * p);
                            partialSums[sumBase + dm * j + d] += s1;
                        }
                        partialPixels[pixelBase + j] += cellPixels[c];
                        cellNearest[c] = j;
                        continue;
                    }
                    int shared = -2;
                    for (int s = cells.start[c]; s < cells.start[c + 1]; s++) {
                        int u = cells.members[s];
                        for (int d = 0; d < dm; d++) {
                            x[d] = coords[dm * u + d];
                        }
                        double best = Double.POSITIVE_INFINITY;
                        int bestJ = buf[m];
                        if (six) {
                            // The RGB_LAB case unrolled: the hot loop of its Lloyd steps and remap.
                            for (int t = m; t < m + nc; t++) {
                                int j = buf[t], o = 6 * j;
                                double v0 = x[0] - palette[o], v1 = x[1] - palette[o + 1], v2 = x[2] - palette[o + 2];
                                double v3 = x[3] - palette[o + 3], v4 = x[4] - palette[o + 4], v5 = x[5] - palette[o + 5];
                                double dist = w0 * v0 * v0 + w1 * v1 * v1 + w2 * v2 * v2 + w3 * v3 * v3 + w4 * v4 * v4
                                        + w5 * v5 * v5;
                                if (dist < best) {
                                    best = dist;
                                    bestJ = j;
                                }
                            }
                        } else {
                            for (int t = m; t < m + nc; t++) {
                                int j = buf[t];
                                double dist = 0;
                                for (int d = 0; d < dm; d++) {
                                    double v = x[d] - palette[dm * j + d];
                                    dist += axisWeight[d] * (manhattan ? Math.abs(v) : v * v);
                                }
                                if (dist < best) {
                                    best = dist;
                                    bestJ = j;
                                }
                            }
                        }
                        nearest[u] = bestJ;
                        double w = counts[u];
                        for (int d = 0; d < dm; d++) {
                            double v = x[d] - palette[dm * bestJ + d];
                            cost[d] += w * (manhattan ? Math.abs(v) : v * v);
                            partialSums[sumBase + dm * bestJ + d] += w * x[d];
                        }
                        partialPixels[pixelBase + bestJ] += counts[u];
                        shared = shared == -2 || shared == bestJ ? bestJ : -1;
                    }
                    cellNearest[c] = shared;
                }
            }
            System.arraycopy(cost, 0, partialCost, chunk * dm, dm);
        });
        double inertia = 0;
        double[] axisCosts = new double[dm];
        double[] entrySums = new double[dm * m];
        long[] entryPixels = new long[m];
        for (int chunk = 0; chunk < chunks; chunk++) {
            for (int d = 0; d < dm; d++) {
                axisCosts[d] += partialCost[chunk * dm + d];
            }
            for (int j = 0; j < m; j++) {
                entryPixels[j] += partialPixels[chunk * m + j];
            }
            for (int v = 0; v < dm * m; v++) {
                entrySums[v] += partialSums[chunk * dm * m + v];
            }
        }
        for (int d = 0; d < dm; d++) {
            inertia += axisWeight[d] * axisCosts[d];
        }
        return new Assignment(cellNearest, nearest, entryPixels, entrySums, inertia, axisCosts);
    }

    /** {@link #prune3} for boxes of any number of dimensions (the cost is a sum over axes). */
    private static int prune(float[] box, int c, int dims, double[] axisWeight, double[] palette, int[] from, int n,
                             boolean manhattan, int[] out, int outAt, double[] minCost) {
        int o = 2 * dims * c;
        double bound = Double.POSITIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            int j = from[t];
            double lo = 0, hi = 0;
            for (int d = 0; d < dims; d++) {
                double p = palette[dims * j + d], l = box[o + d], h = box[o + dims + d];
                double in = Math.max(0, Math.max(l - p, p - h));
                double out0 = Math.max(Math.abs(p - l), Math.abs(p - h));
                lo += axisWeight[d] * (manhattan ? in : in * in);
                hi += axisWeight[d] * (manhattan ? out0 : out0 * out0);
            }
            minCost[t] = lo;
            if (hi < bound) {
                bound = hi;
            }
        }
        return keepWithin(from, n, minCost, bound, out, outAt);
    }

    /**
     * Keeps, from the n entries in {@code from}, those that may be nearest to some point of box c,
     * writing them (in the same order) to {@code out} starting at {@code outAt}; returns how many.
     * {@code from} and {@code out} may be the same array if the ranges do not overlap.
     */
    private static int prune3(float[] box, int c, double[] palette, int[] from, int n, boolean manhattan,
                             int[] out, int outAt, double[] minCost) {
        float lx = box[6 * c], ly = box[6 * c + 1], lz = box[6 * c + 2];
        float hx = box[6 * c + 3], hy = box[6 * c + 4], hz = box[6 * c + 5];
        double bound = Double.POSITIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            int j = from[t];
            double px = palette[3 * j], py = palette[3 * j + 1], pz = palette[3 * j + 2];
            double ix = Math.max(0, Math.max(lx - px, px - hx));
            double iy = Math.max(0, Math.max(ly - py, py - hy));
            double iz = Math.max(0, Math.max(lz - pz, pz - hz));
            double ox = Math.max(Math.abs(px - lx), Math.abs(px - hx));
            double oy = Math.max(Math.abs(py - ly), Math.abs(py - hy));
            double oz = Math.max(Math.abs(pz - lz), Math.abs(pz - hz));
            double lo, hi;
            if (manhattan) {
                lo = ix + iy + iz;
                hi = ox + oy + oz;
            } else {
                lo = ix * ix + iy * iy + iz * iz;
                hi = ox * ox + oy * oy + oz * oz;
            }
            minCost[t] = lo;
            if (hi < bound) {
                bound = hi;
            }
        }
        return keepWithin(from, n, minCost, bound, out, outAt);
    }

    /** The pruning step's output: the entries whose minimum cost to the box is within the bound, in order. */
    private static int keepWithin(int[] from, int n, double[] minCost, double bound, int[] out, int outAt) {
        int kept = 0;
        for (int t = 0; t < n; t++) {
            if (minCost[t] <= bound) {
                out[outAt + kept++] = from[t];
            }
        }
        return kept;
    }

    private static void initBox(float[] box, int c, int dims) {
        Arrays.fill(box, 2 * dims * c, 2 * dims * c + dims, Float.POSITIVE_INFINITY);
        Arrays.fill(box, 2 * dims * c + dims, 2 * dims * (c + 1), Float.NEGATIVE_INFINITY);
    }

    /** Grows box c to hold the point at p[at .. at+dims-1]. */
    private static void grow(float[] box, int c, int dims, float[] p, int at) {
        int o = 2 * dims * c;
        for (int d = 0; d < dims; d++) {
            box[o + d] = Math.min(box[o + d], p[at + d]);
            box[o + dims + d] = Math.max(box[o + dims + d], p[at + d]);
        }
    }
}
