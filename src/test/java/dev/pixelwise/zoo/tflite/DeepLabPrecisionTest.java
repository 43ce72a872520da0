package dev.pixelwise.zoo.tflite;

import dev.pixelwise.zoo.Precision;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.Raster;

import static dev.pixelwise.zoo.tflite.TfliteImporter.CLASSES;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.DEEPLAB_V3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18's accuracy guard for segment's bf16: DeepLabV3 on bird_segmentation.bmp, the bird's IoU against
 * the ground-truth mask in bf16 within 0.01 of fp32's, and the two class maps nearly the same.
 */
class DeepLabPrecisionTest {

    private static final int BIRD = 3;

    @Test
    void bf16BirdIoUWithinOneHundredthOfFp32() {
        int[] rgb = TfliteTestFiles.rgb(TfliteTestFiles.photo("bird_segmentation.bmp"));
        Raster truth = TfliteTestFiles.photo("bird_segmentation_mask.bmp").getRaster();
        try (TfliteGraph graph = new TfliteImporter().importModel(TfliteTestFiles.model(DEEPLAB_V3));
             INDArray x = graph.inputFromRgb(rgb)) {
            long[] fp32 = classes(graph, x, Precision.FP32);
            long[] bf16 = classes(graph, x, Precision.BF16);
            double iou32 = iou(fp32, truth), iou16 = iou(bf16, truth);
            long differing = 0;
            for (int i = 0; i < fp32.length; i++) {
                differing += fp32[i] != bf16[i] ? 1 : 0;
            }
            System.out.printf("DeepLab bird: IoU fp32 %.4f, bf16 %.4f; %d of %d class cells differ%n",
                    iou32, iou16, differing, fp32.length);
            assertTrue(differing > 0, "bf16 gave fp32's class map exactly: it did not run in bf16");
            assertTrue(Math.abs(iou16 - iou32) <= 0.01, "bird IoU fp32 " + iou32 + ", bf16 " + iou16);
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

    private static double iou(long[] predicted, Raster truth) {
        long intersection = 0, union = 0;
        for (int i = 0; i < predicted.length; i++) {
            boolean inTruth = truth.getSample(i % 513, i / 513, 0) == BIRD;
            boolean inPrediction = predicted[i] == BIRD;
            intersection += inTruth && inPrediction ? 1 : 0;
            union += inTruth || inPrediction ? 1 : 0;
        }
        return intersection / (double) union;
    }
}
