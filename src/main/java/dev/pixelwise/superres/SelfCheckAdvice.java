package dev.pixelwise.superres;

import java.util.Locale;

/**
 * What the page and the API say when the self-check scores ESRGAN below plain bicubic, and what to
 * try instead. Below means lower on both PSNR and SSIM: a GAN may trade a little PSNR for detail, but
 * losing on both is not that trade. The suggestion follows from the generators' last layers: slim and
 * medium end in nearest-neighbour upsampling and one 3×3 convolution, which leaves every s×s block
 * flat inside (a grid at x8); thick ends in a pixel shuffle. So slim/medium → thick at the same
 * scale; thick → a smaller scale (less to invent), and at x2 → the bicubic result itself.
 */
final class SelfCheckAdvice {

    static final String BEST_MODEL = "esrgan-thick";

    private SelfCheckAdvice() {
    }

    /** Null when ESRGAN is not below bicubic on both scores. */
    static UpscaleResult.Advice of(String model, int scale, UpscaleResult.SelfCheck check) {
        if (check == null || !(check.psnrModel() < check.psnrBicubic() && check.ssimModel() < check.ssimBicubic())) {
            return null;
        }
        String scores = String.format(Locale.ROOT, "%s x%d scores below plain bicubic on this image "
                        + "(PSNR %.2f dB against %.2f dB, SSIM %.3f against %.3f).", model, scale,
                check.psnrModel(), check.psnrBicubic(), check.ssimModel(), check.ssimBicubic());
        if (!model.equals(BEST_MODEL)) {
            return new UpscaleResult.Advice(scores + " " + model + " ends in nearest-neighbour upsampling, which leaves a grid of "
                    + scale + "×" + scale + "-pixel blocks. Try " + BEST_MODEL + " at x" + scale
                    + ": it ends in a pixel shuffle and has no block grid.", BEST_MODEL, scale);
        }
        if (scale > 2) {
            int smaller = scale == 8 ? 4 : 2;
            return new UpscaleResult.Advice(scores + " The model has less to invent at a smaller scale: try " + BEST_MODEL
                    + " at x" + smaller + ", or use the bicubic result.", BEST_MODEL, smaller);
        }
        return new UpscaleResult.Advice(scores + " Use the bicubic result for this image.", null, scale);
    }
}
