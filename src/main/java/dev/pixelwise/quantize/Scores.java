package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ImageQuality;

/**
 * The three scores users compare files by, computed one way for every candidate file. Images with
 * transparency are scored as they would be seen: composited on white and on black, both counted
 * (alpha alone would otherwise go unmeasured).
 *
 * @param psnr   dB over RGB, +Infinity when identical
 * @param ssim   mean SSIM on luma
 * @param deltaE mean CIEDE2000
 */
record Scores(double psnr, double ssim, double deltaE) {

    static Scores of(int[] original, int[] candidate, int width, int height, boolean alpha, float[] perPixel) {
        if (!alpha) {
            double deltaE = perPixel == null ? ImageQuality.meanDeltaE2000(original, candidate)
                    : ImageQuality.deltaE2000Map(original, candidate, perPixel);
            return new Scores(ImageQuality.psnr(original, candidate), ImageQuality.ssim(original, candidate, width, height),
                    deltaE);
        }
        int n = original.length;
        int[] a = new int[2 * n];
        int[] b = new int[2 * n];
        composite(original, 0xFFFFFF, a, 0);
        composite(original, 0x000000, a, n);
        composite(candidate, 0xFFFFFF, b, 0);
        composite(candidate, 0x000000, b, n);
        float[] both = new float[2 * n];
        double deltaE = ImageQuality.deltaE2000Map(a, b, both);
        if (perPixel != null) {
            for (int i = 0; i < n; i++) {
                perPixel[i] = Math.max(both[i], both[n + i]);
            }
        }
        // the two composites stacked: one image twice as tall
        return new Scores(ImageQuality.psnr(a, b), ImageQuality.ssim(a, b, width, 2 * height), deltaE);
    }

    static boolean hasAlpha(int[] argb) {
        for (int c : argb) {
            if (c >>> 24 != 0xFF) {
                return true;
            }
        }
        return false;
    }

    private static void composite(int[] argb, int background, int[] out, int offset) {
        for (int i = 0; i < argb.length; i++) {
            int c = argb[i];
            int a = c >>> 24;
            int px = 0xFF000000;
            for (int shift = 0; shift <= 16; shift += 8) {
                int fg = (c >>> shift) & 0xFF;
                int bg = (background >>> shift) & 0xFF;
                px |= ((fg * a + bg * (255 - a) + 127) / 255) << shift;
            }
            out[offset + i] = px;
        }
    }
}
