package dev.pixelwise.zoo.tfjs;

import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.zoo.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18's accuracy guard for reduced precision: every ESRGAN family at x4, bf16 against fp32 on a real
 * photo, as the app serves it (8-bit RGB): at least 45 dB PSNR. Each precision runs twice and the second
 * call is compared.
 */
class EsrganPrecisionTest {

    private static final double MIN_PSNR = 45;

    @ParameterizedTest
    @ValueSource(strings = {"thick", "medium", "slim"})
    void bf16StaysWithin45DbOfFp32(String family) throws IOException {
        int[] rgb = crop(64);
        try (TfjsGraph graph = new TfjsImporter().importModel(TfjsLayersModel.read(EsrganTestModels.modelJson(family, 4)));
             INDArray in = graph.inputFromRgb(rgb, 64, 64)) {
            int[] fp32 = run(graph, in, Precision.FP32);
            int[] bf16 = run(graph, in, Precision.BF16);
            long se = 0;
            int differing = 0;
            for (int i = 0; i < fp32.length; i++) {
                int d = fp32[i] - bf16[i];
                se += (long) d * d;
                differing += d != 0 ? 1 : 0;
            }
            double psnr = 10 * Math.log10(255.0 * 255 * fp32.length / Math.max(se, 1));
            System.out.printf("esrgan-%s x4, 64² crop: bf16 against fp32 PSNR %.2f dB, %d of %d values differ%n",
                    family, psnr, differing, fp32.length);
            assertTrue(differing > 0, "bf16 gave fp32's output exactly: it did not run in bf16");
            assertTrue(psnr >= MIN_PSNR, family + ": " + psnr + " dB");
        }
    }

    @Test
    void autoIsBf16ExactlyWhereTheCpuHasIt() throws IOException {
        boolean bf16 = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst().map(l -> l.contains(" avx512_bf16")).orElse(false);
        assertEquals(bf16 ? Precision.BF16 : Precision.FP32, Precision.resolve("auto"));
        assertEquals(Precision.FP32, Precision.resolve("FP32"));
        assertEquals(Precision.BF16, Precision.resolve("bf16"));
    }

    private static int[] run(TfjsGraph graph, INDArray in, Precision precision) {
        graph.output(in, precision).close();
        try (INDArray out = graph.output(in, precision)) {
            return graph.toRgb(out);
        }
    }

    /** A 64² crop of kite_and_cold.jpg (sky, kite lines and a coat: edges and flat areas). */
    private static int[] crop(int side) throws IOException {
        Path photo = Path.of("..", "shared", "images", "kite_and_cold.jpg");
        BufferedImage image = ImageIO.read(photo.toFile());
        return ImageOps.interleavedRgb(image.getSubimage(image.getWidth() / 2 - side / 2, image.getHeight() / 2 - side / 2, side, side));
    }
}
