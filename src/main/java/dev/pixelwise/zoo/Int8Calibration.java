package dev.pixelwise.zoo;

import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.zoo.tfjs.TfjsGraph;
import dev.pixelwise.zoo.tfjs.TfjsImporter;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes the {@link Int8Ranges} tables of the zoo's upscale and segment models (model-zoo/calibrate-int8.sh):
 * each graph runs in float32 over calibration photos and every fused convolution's input range is kept.
 *
 * <p>ESRGAN (every family and scale): two 64² crops of each photo, its centre and the centre of its upper-left
 * quarter. DeepLabV3: each whole photo stretched to 513² as the segment task does. The photos the accuracy guards
 * test on (kite_and_cold.jpg for ESRGAN, bird_segmentation.bmp for DeepLab) and the masks are left out, so the
 * guards measure photos the ranges never saw.
 *
 * <p>Usage: {@code Int8Calibration <models dir> <photos dir> <output dir>}, the models dir being the app's
 * (pixelwise.zoo.dir, every model fetched).
 */
public final class Int8Calibration {

    static final Set<String> HELD_OUT = Set.of("kite_and_cold.jpg", "bird_segmentation.bmp");
    static final int CROP = 64;

    private Int8Calibration() {
    }

    public static void main(String[] args) throws IOException {
        Path models = Path.of(args[0]), photos = Path.of(args[1]), out = Path.of(args[2]);
        Map<String, BufferedImage> images = new LinkedHashMap<>(); // each photo decoded once, for all 13 graphs
        for (Path p : calibrationPhotos(photos)) {
            images.put(p.getFileName().toString(), read(p));
        }
        Map<String, int[]> crops = new LinkedHashMap<>();
        images.forEach((name, image) -> {
            int w = image.getWidth(), h = image.getHeight();
            for (int[] at : new int[][]{{w / 2, h / 2}, {w / 4, h / 4}}) {
                int x = Math.max(0, at[0] - CROP / 2), y = Math.max(0, at[1] - CROP / 2);
                crops.put(name + "@" + x + "," + y + "+" + CROP, ImageOps.interleavedRgb(image.getSubimage(x, y, CROP, CROP)));
            }
        });
        for (String family : List.of("esrgan-thick", "esrgan-medium", "esrgan-slim")) {
            for (int scale : List.of(2, 3, 4, 8)) {
                Path json = models.resolve(family).resolve("x" + scale).resolve("model.json");
                TfjsImporter importer = new TfjsImporter();
                try (TfjsGraph graph = ModelThread.call(() -> importer.loadOrImport(json, importer.cacheFile(json)))) {
                    calibrate(graph, crops.values().stream().map(rgb -> graph.inputFromRgb(rgb, CROP, CROP)).toList(),
                            List.copyOf(crops.keySet()), TfjsImporter.OUTPUT, out, family, "x" + scale);
                }
            }
        }
        Path tflite = models.resolve("deeplabv3-mnv2").resolve("deeplabv3_mnv2_pascal_quant.tflite");
        TfliteImporter importer = new TfliteImporter();
        try (TfliteGraph graph = ModelThread.call(() -> importer.loadOrImport(tflite, importer.cacheFile(tflite)))) {
            List<INDArray> inputs = images.values().stream().map(image -> graph.inputFromRgb(ImageOps.interleavedRgb(
                    ImageOps.resizeBilinear(image, graph.inputWidth(), graph.inputHeight())))).toList();
            calibrate(graph, inputs, List.copyOf(images.keySet()), TfliteImporter.CLASSES, out, "deeplabv3-mnv2", null);
        }
    }

    /** Calibrates {@code graph} on {@code inputs} (closed afterwards) and writes its table. */
    private static void calibrate(ImportedGraph graph, List<INDArray> inputs, List<String> names, String output, Path dir,
                                  String model, String variant) throws IOException {
        Int8Ranges ranges;
        try {
            ranges = graph.calibrate(inputs, names, output);
        } finally {
            inputs.forEach(INDArray::close);
        }
        Path file = dir.resolve(Path.of(Int8Ranges.resource(model, variant)).getFileName());
        ranges.write(file, model, variant);
        System.out.printf("%s: %d convolution inputs over %d inputs%n", file, ranges.size(), ranges.photos().size());
    }

    /** The photos, sorted by name, without the held-out ones and the masks. */
    static List<Path> calibrationPhotos(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().matches(".*\\.(jpg|bmp|png)$"))
                    .filter(p -> !HELD_OUT.contains(p.getFileName().toString()) && !p.getFileName().toString().contains("mask"))
                    .sorted().toList();
        }
    }

    private static BufferedImage read(Path p) throws IOException {
        BufferedImage image = ImageIO.read(p.toFile());
        if (image == null) {
            throw new IOException("no ImageIO reader for " + p);
        }
        return image;
    }
}
