package dev.pixelwise.zoo.tflite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.pixelwise.zoo.tflite.TfliteImporter.CLASSES;
import static dev.pixelwise.zoo.tflite.TfliteImporter.LOGITS;
import static dev.pixelwise.zoo.tflite.TfliteTestFiles.DEEPLAB_V3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeepLabV3 (dilated depthwise convolutions, image pooling, concatenation, align-corners resizes, arg-max)
 * imported into SameDiff, on bird_segmentation.bmp (513×513, fed as is): the 33×33 logits against the
 * reference float pass, the in-graph 513×513 class map against the reference and the ground-truth mask,
 * and the saved graph file.
 */
class SameDiffDeepLabTest {

    @Test
    void logitsAndClassMapMatchTheReference(@TempDir Path dir) throws IOException {
        TfliteModel model = TfliteTestFiles.model(DEEPLAB_V3);
        long start = System.nanoTime();
        TfliteGraph graph = new TfliteImporter().importModel(model);
        System.out.printf("DeepLab import %.0f ms: %s%n", (System.nanoTime() - start) / 1e6, graph);
        assertEquals(List.of(CLASSES, LOGITS), graph.outputNames());

        BufferedImage photo = TfliteTestFiles.photo("bird_segmentation.bmp");
        int[] rgb = TfliteTestFiles.rgb(photo);
        TfliteReferenceInterpreter reference = new TfliteReferenceInterpreter(model);
        Map<Integer, FloatTensor> all = reference.runKeepingAll(reference.inputFromQuantized(0, rgb));
        int logitsTensor = logitsTensor(model);
        FloatTensor expectedLogits = all.get(logitsTensor);
        assertArrayEquals(new int[]{1, 33, 33, 21}, expectedLogits.shape());
        FloatTensor expectedClasses = all.get(model.outputIndices()[0]);

        try (INDArray x = graph.inputFromRgb(rgb)) {
            graph.output(x, CLASSES).close(); // warm-up
            start = System.nanoTime();
            Map<String, INDArray> out = graph.output(x, CLASSES, LOGITS);
            double ms = (System.nanoTime() - start) / 1e6;
            try (INDArray logits = out.get(LOGITS); INDArray classes = out.get(CLASSES)) {
                assertArrayEquals(new long[]{1, 21, 33, 33}, logits.shape());
                assertArrayEquals(new long[]{1, 513, 513}, classes.shape());
                assertEquals(DataType.INT64, classes.dataType());
                double diff = SameDiffOpsTest.maxAbsDiff(expectedLogits, logits);

                long[] predicted = classes.data().asLong();
                long agree = 0;
                for (int i = 0; i < predicted.length; i++) {
                    if (predicted[i] == (long) expectedClasses.get(i)) {
                        agree++;
                    }
                }
                double agreement = agree / (double) predicted.length;
                double iou = TfliteTestFiles.birdIoU(i -> predicted[i]);
                System.out.printf("DeepLab on bird_segmentation.bmp: forward %.0f ms, logits max abs diff %.2e, "
                        + "class map agrees with the reference on %.5f of pixels, bird IoU %.4f%n", ms, diff, agreement, iou);
                assertTrue(diff <= 1e-3, "logits differ by " + diff);
                assertTrue(agreement >= 0.9999, "class agreement " + agreement); // only near-ties may flip
                assertTrue(iou >= 0.85, "bird IoU " + iou);

                // The saved graph (resizes, concatenation, arg-max included) loads and computes the same.
                Path file = dir.resolve("deeplab.sdgraph");
                graph.save(file);
                start = System.nanoTime();
                try (TfliteGraph loaded = TfliteGraph.load(file)) {
                    System.out.printf("DeepLab graph file %d KB, load %.0f ms%n", Files.size(file) / 1024,
                            (System.nanoTime() - start) / 1e6);
                    Map<String, INDArray> again = loaded.output(x, CLASSES, LOGITS);
                    assertEquals(classes, again.get(CLASSES));
                    assertEquals(0.0, logits.sub(again.get(LOGITS)).amaxNumber().doubleValue());
                    again.values().forEach(INDArray::close);
                }
            }
        } finally {
            graph.close();
        }
    }

    /** The tensor ARG_MAX reads, walked back through the resizes: DeepLab's 33×33×21 logits. */
    private static int logitsTensor(TfliteModel model) {
        int t = model.outputIndices()[0];
        boolean moved = true;
        while (moved) {
            moved = false;
            for (TfliteOperator op : model.operators()) {
                if (op.output(0) == t && List.of("ARG_MAX", "RESIZE_BILINEAR", "QUANTIZE").contains(op.name())) {
                    t = op.input(0);
                    moved = true;
                }
            }
        }
        return t;
    }
}
