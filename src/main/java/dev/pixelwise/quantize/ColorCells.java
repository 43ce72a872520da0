package dev.pixelwise.quantize;

/**
 * Unique colours grouped by RGB cube: each cell keeps the top {@code bits} bits of R, G and B
 * (cube side 2^(8-bits) levels). Used to bucket the histogram and to prune the nearest-palette
 * search.
 */
final class ColorCells {
    final int bits;
    /** Cell c holds members[start[c] .. start[c+1]-1]; cells are ordered by cube key. */
    final int[] start;
    /** Indices into the unique-colour array, grouped by cell, ascending inside a cell. */
    final int[] members;

    private ColorCells(int bits, int[] start, int[] members) {
        this.bits = bits;
        this.start = start;
        this.members = members;
    }

    int cellCount() {
        return start.length - 1;
    }

    static int key(int rgb, int bits) {
        int shift = 8 - bits;
        int r = (rgb >>> 16) & 0xFF, g = (rgb >>> 8) & 0xFF, b = rgb & 0xFF;
        return ((r >>> shift) << (2 * bits)) | ((g >>> shift) << bits) | (b >>> shift);
    }

    /** Number of non-empty cells at this resolution, without building the grouping. */
    static int occupiedCells(int[] colors, int bits) {
        long[] seen = new long[Math.max(1, (1 << (3 * bits)) >>> 6)];
        int cells = 0;
        for (int c : colors) {
            int k = key(c, bits);
            long mask = 1L << k;
            if ((seen[k >>> 6] & mask) == 0) {
                seen[k >>> 6] |= mask;
                cells++;
            }
        }
        return cells;
    }

    /** Counting sort of the colours by cube key (stable, so members stay ascending). */
    static ColorCells group(int[] colors, int bits) {
        int keys = 1 << (3 * bits);
        int[] perKey = new int[keys];
        for (int c : colors) {
            perKey[key(c, bits)]++;
        }
        int cells = 0;
        for (int k = 0; k < keys; k++) {
            if (perKey[k] != 0) {
                cells++;
            }
        }
        int[] start = new int[cells + 1];
        int[] cellOfKey = perKey;  // reused: key -> write cursor
        int cell = 0, offset = 0;
        for (int k = 0; k < keys; k++) {
            int n = perKey[k];
            if (n != 0) {
                start[cell++] = offset;
                cellOfKey[k] = offset;
                offset += n;
            }
        }
        start[cells] = offset;
        int[] members = new int[colors.length];
        for (int i = 0; i < colors.length; i++) {
            members[cellOfKey[key(colors[i], bits)]++] = i;
        }
        return new ColorCells(bits, start, members);
    }
}
