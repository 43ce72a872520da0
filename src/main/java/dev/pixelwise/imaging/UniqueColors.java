package dev.pixelwise.imaging;

import java.util.Arrays;
import java.util.BitSet;

/** Counts distinct colours: a 2 MB bit set for opaque images, a sort for images with alpha. */
public final class UniqueColors {

    private UniqueColors() {
    }

    public static int count(int[] argb, boolean hasAlpha) {
        if (!hasAlpha) {
            BitSet seen = new BitSet(1 << 24);
            for (int c : argb) {
                seen.set(c & 0xFFFFFF);
            }
            return seen.cardinality();
        }
        int[] sorted = argb.clone();
        Arrays.sort(sorted);
        int unique = sorted.length == 0 ? 0 : 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1]) {
                unique++;
            }
        }
        return unique;
    }
}
