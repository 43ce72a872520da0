package dev.pixelwise.superres;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfCheckAdviceTest {

    /** The numbers: esrgan-medium x8 against bicubic on a shared photo. */
    static final UpscaleResult.SelfCheck BELOW = new UpscaleResult.SelfCheck(22.21, 22.62, 0.439, 0.479);

    @Test
    void mediumBelowBicubicIsToldToTryThickAtTheSameScale() {
        UpscaleResult.Advice advice = SelfCheckAdvice.of("esrgan-medium", 8, BELOW);
        assertEquals("esrgan-thick", advice.model());
        assertEquals(8, advice.scale());
        assertTrue(advice.message().contains("PSNR 22.21 dB against 22.62 dB, SSIM 0.439 against 0.479"), advice.message());
        assertTrue(advice.message().contains("8×8-pixel blocks"), advice.message());
        assertTrue(advice.message().contains("Try esrgan-thick at x8"), advice.message());
    }

    @Test
    void thickBelowBicubicIsToldToTryASmallerScaleThenBicubic() {
        assertEquals(4, SelfCheckAdvice.of("esrgan-thick", 8, BELOW).scale());
        assertEquals(2, SelfCheckAdvice.of("esrgan-thick", 4, BELOW).scale());
        assertEquals(2, SelfCheckAdvice.of("esrgan-thick", 3, BELOW).scale());
        UpscaleResult.Advice x2 = SelfCheckAdvice.of("esrgan-thick", 2, BELOW);
        assertNull(x2.model(), "nothing better to run: the bicubic result is the answer");
        assertTrue(x2.message().endsWith("Use the bicubic result for this image."), x2.message());
    }

    @Test
    void noAdviceUnlessBelowOnBothScores() {
        assertNull(SelfCheckAdvice.of("esrgan-medium", 4, null), "no self-check, nothing to say");
        assertNull(SelfCheckAdvice.of("esrgan-medium", 4, new UpscaleResult.SelfCheck(25, 24, 0.7, 0.6)));
        // A GAN may give up a little PSNR for structure: lower PSNR with higher SSIM is not "worse".
        assertNull(SelfCheckAdvice.of("esrgan-medium", 4, new UpscaleResult.SelfCheck(23.9, 24, 0.71, 0.7)));
        assertNull(SelfCheckAdvice.of("esrgan-medium", 4, new UpscaleResult.SelfCheck(24.1, 24, 0.69, 0.7)));
    }

    @Test
    void tileStageNamesTheTileNowRunning() {
        assertEquals("upscale: tile 1 of 16", UpscaleTask.tileStage("upscale", 0, 16));
        assertEquals("upscale: tile 5 of 16", UpscaleTask.tileStage("upscale", 4, 16));
        assertEquals("self-check: tile 16 of 16", UpscaleTask.tileStage("self-check", 16, 16), "the last stays the last");
    }
}
