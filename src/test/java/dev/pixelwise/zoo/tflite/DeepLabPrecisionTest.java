package dev.pixelwise.zoo.tflite;

import dev.pixelwise.zoo.Int8Ranges;
import dev.pixelwise.zoo.Precision;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;

import static dev.pixelwise.zoo.tflite.TfliteImporter.CLASSES;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.DEEPLAB_V3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18's accuracy guard for segment's bf16 and int8: DeepLabV3 on bird_segmentation.bmp, the bird's IoU
 * against the ground-truth mask within 0.01 of fp32's, and the two class maps nearly the same. The int8 ranges
 * were calibrated without this photo (Int8Calibration leaves it out).
 */
class DeepLabPrecisionTest {

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
    void birdIoUWithinOneHundredthOfFp32(Precision precision, @TempDir Path cache) throws IOException {
        int[] rgb = TfliteTestFiles.rgb(TfliteTestFiles.photo("bird_segmentation.bmp"));
        // imported from the file, as the app does: the calibration table is tied to the file's sha256
        try (TfliteGraph graph = new TfliteImporter().loadOrImport(TfliteTestFiles.coral(DEEPLAB_V3), cache.resolve("graph.fb"));
             INDArray x = graph.inputFromRgb(rgb)) {
            assertTrue(graph.useInt8Ranges(Int8Ranges.onClassPath("deeplabv3-mnv2", null)), "the table fits the graph");
            long[] fp32 = classes(graph, x, Precision.FP32);
            long[] reduced = classes(graph, x, precision);
            double iou32 = TfliteTestFiles.birdIoU(i -> fp32[i]), iouReduced = TfliteTestFiles.birdIoU(i -> reduced[i]);
            long differing = 0;
            for (int i = 0; i < fp32.length; i++) {
                differing += fp32[i] != reduced[i] ? 1 : 0;
            }
            System.out.printf("DeepLab bird: IoU fp32 %.4f, %s %.4f; %d of %d class cells differ%n",
                    iou32, precision.label(), iouReduced, differing, fp32.length);
            assertTrue(differing > 0, precision + " gave fp32's class map exactly: it did not run in " + precision);
            assertTrue(Math.abs(iouReduced - iou32) <= 0.01, "bird IoU fp32 " + iou32 + ", " + precision + " " + iouReduced);
            assertTrue(differing <= fp32.length / 100, differing + " class cells differ");
        }
    }

    /**
     * The first call's class map, which records the plan (through ND4J's float32 ops) and must still answer in
     * the precision asked; the second call's must be the same.
     */
    private static long[] classes(TfliteGraph graph, INDArray x, Precision precision) {
        long[] first;
        try (INDArray classes = graph.output(x, precision, CLASSES).get(CLASSES)) {
            first = classes.data().asLong();
        }
        try (INDArray classes = graph.output(x, precision, CLASSES).get(CLASSES)) {
            assertArrayEquals(first, classes.data().asLong(), precision + ": the first call and the next differ");
        }
        return first;
    }
}
