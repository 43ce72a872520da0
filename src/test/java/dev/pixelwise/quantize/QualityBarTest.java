package dev.pixelwise.quantize;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QualityBarTest {

    @Test
    void readsEachMetricWithItsDirection() {
        assertEquals(new QualityBar("deltaE", 2.3), QualityBar.parse("deltaE<=2.3"));
        assertEquals(new QualityBar("deltaE", 1.5), QualityBar.parse(" deltae 1.5 "));
        assertEquals(new QualityBar("ssim", 0.95), QualityBar.parse("ssim>=0.95"));
        assertEquals(new QualityBar("psnr", 38), QualityBar.parse("PSNR>=38"));
        assertEquals("deltaE<=2.3", QualityBar.DEFAULT.spec());
        assertEquals("psnr>=38", QualityBar.parse("psnr=38").spec());
    }

    @Test
    void refusesWhatCannotBeABar() {
        for (String bad : new String[] {"", "deltaE>=2", "ssim<=0.9", "ssim>=1.5", "psnr>=0", "sharpness>=3", "deltaE<=x"}) {
            assertThrows(IllegalArgumentException.class, () -> QualityBar.parse(bad), bad);
        }
    }

    @Test
    void meetsComparesTheRightWay() {
        QualityBar deltaE = QualityBar.parse("deltaE<=2.3");
        assertTrue(deltaE.meets(30.0, 0.5, 2.3));
        assertFalse(deltaE.meets(60.0, 1.0, 2.31));
        QualityBar ssim = QualityBar.parse("ssim>=0.9");
        assertTrue(ssim.meets(10.0, 0.9, 50));
        assertFalse(ssim.meets(99.0, 0.89, 0));
        QualityBar psnr = QualityBar.parse("psnr>=40");
        assertTrue(psnr.meets(null, 1, 0), "identical to the original meets any PSNR bar");
        assertFalse(psnr.meets(39.9, 1, 0));
    }
}
