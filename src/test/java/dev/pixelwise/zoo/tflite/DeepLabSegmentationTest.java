package dev.pixelwise.zoo.tflite;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

import static dev.pixelwise.zoo.tflite.TfliteTestFiles.DEEPLAB_V3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: DeepLabV3 (MobileNetV2, PASCAL VOC) on bird_segmentation.bmp (513×513, fed as is),
 * compared with bird_segmentation_mask.bmp, whose 8-bit pixel values are class indices.
 * ../shared/models/README.md reports bird IoU 0.903 and pixel accuracy 0.978 for a float pass.
 */
class DeepLabSegmentationTest {

    @Test
    void birdIoUAgainstTheReferenceMask() {
        TfliteReferenceInterpreter interpreter = new TfliteReferenceInterpreter(TfliteTestFiles.model(DEEPLAB_V3));
        BufferedImage photo = TfliteTestFiles.photo("bird_segmentation.bmp");
        BufferedImage mask = TfliteTestFiles.photo("bird_segmentation_mask.bmp");
        assertEquals(513, photo.getWidth());
        assertEquals(513, photo.getHeight());

        long start = System.nanoTime();
        FloatTensor classes = interpreter.run(interpreter.inputFromQuantized(0, TfliteTestFiles.rgb(photo))).get(0);
        double ms = (System.nanoTime() - start) / 1e6;
        assertArrayEquals(new int[]{1, 513, 513}, classes.shape());

        Raster truth = mask.getRaster();
        long correct = 0;
        for (int i = 0; i < 513 * 513; i++) {
            correct += truth.getSample(i % 513, i / 513, 0) == (int) classes.get(i) ? 1 : 0;
        }
        double iou = TfliteTestFiles.birdIoU(i -> (long) classes.get(i));
        double accuracy = correct / (513.0 * 513.0);
        System.out.printf("DeepLab bird_segmentation.bmp: bird IoU %.4f, pixel accuracy %.4f, forward pass %.0f ms%n",
                iou, accuracy, ms);
        assertTrue(iou >= 0.85, "bird IoU " + iou);
        assertTrue(accuracy >= 0.95, "pixel accuracy " + accuracy);
    }
}
