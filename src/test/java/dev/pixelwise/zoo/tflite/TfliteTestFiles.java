package dev.pixelwise.zoo.tflite;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntToLongFunction;

/**
 * The offline model and photo copies in ../shared (beside the repository, see
 * ../shared/models/README.md), checked against their published sha256 before use, plus image helpers.
 */
final class TfliteTestFiles {

    static final Path SHARED = Path.of("..", "shared");
    static final Path CORAL = SHARED.resolve("models").resolve("coral");
    static final Path PHOTOS = SHARED.resolve("images");

    static final String MOBILENET_V2 = "mobilenet_v2_1.0_224_quant.tflite";
    static final String MOBILENET_V1 = "mobilenet_v1_0.75_192_quant.tflite";
    static final String DEEPLAB_V3 = "deeplabv3_mnv2_pascal_quant.tflite";
    static final String IMAGENET_LABELS = "imagenet_labels.txt";

    /** sha256 of each file as listed in ../shared/models/README.md. */
    private static final Map<String, String> SHA256 = Map.of(
            MOBILENET_V2, "7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776",
            MOBILENET_V1, "41daeb22fdcf947e0e5ec32373aa9df7c31f3ef45dbd0ef7b5940fbce3c20f6a",
            DEEPLAB_V3, "350af47fd346ea6d74b58833a351f583ba860e9806ec5bd292ff8d8f1f249398",
            IMAGENET_LABELS, "b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1");

    private static final Map<String, TfliteModel> MODELS = new ConcurrentHashMap<>();

    private TfliteTestFiles() {
    }

    /** A verified file from ../shared/models/coral. */
    static Path coral(String name) {
        Path p = CORAL.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("Missing " + p.toAbsolutePath() + " (../shared must sit beside the repo)");
        }
        String expected = SHA256.get(name);
        if (expected != null) {
            String actual = sha256(bytes(p));
            if (!actual.equals(expected)) {
                throw new IllegalStateException(p + " has sha256 " + actual + ", expected " + expected);
            }
        }
        return p;
    }

    /** A model read once per test run (they are immutable). */
    static TfliteModel model(String name) {
        return MODELS.computeIfAbsent(name, n -> {
            try {
                return TfliteModel.read(coral(n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static List<String> imagenetLabels() {
        try {
            return Files.readAllLines(coral(IMAGENET_LABELS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage photo(String name) {
        Path p = PHOTOS.resolve(name);
        try {
            BufferedImage image = ImageIO.read(p.toFile());
            if (image == null) {
                throw new IllegalStateException("no ImageIO reader for " + p);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p.toAbsolutePath(), e);
        }
    }

    /** The bird's class in PASCAL VOC (line 3 of pascal_voc_segmentation_labels.txt). */
    static final int BIRD = 3;

    /**
     * The bird's IoU in a 513² class map, {@code classAt(i)} being pixel i's class (row-major), against
     * bird_segmentation_mask.bmp, whose 8-bit pixel values are class indices.
     */
    static double birdIoU(IntToLongFunction classAt) {
        Raster truth = photo("bird_segmentation_mask.bmp").getRaster();
        long intersection = 0, union = 0;
        for (int i = 0; i < 513 * 513; i++) {
            boolean inTruth = truth.getSample(i % 513, i / 513, 0) == BIRD;
            boolean inPrediction = classAt.applyAsLong(i) == BIRD;
            intersection += inTruth && inPrediction ? 1 : 0;
            union += inTruth || inPrediction ? 1 : 0;
        }
        return intersection / (double) union;
    }

    /** Interleaved RGB bytes (0..255) of an image, row-major: the NHWC layout of the models' inputs. */
    static int[] rgb(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (argb[i] >> 16) & 0xFF;
            out[3 * i + 1] = (argb[i] >> 8) & 0xFF;
            out[3 * i + 2] = argb[i] & 0xFF;
        }
        return out;
    }

    /**
     * Our own bilinear resize of the whole image (aspect ratio not kept) to size×size RGB, rounded to
     * whole pixel values: source coordinate (o + 0.5)·in/out − 0.5 (pixel centres, as TF's
     * half_pixel_centers and PIL's BILINEAR without antialiasing), edges clamped. Deterministic on
     * every JDK, unlike Java2D's native loops.
     */
    static int[] resizeBilinear(BufferedImage image, int size) {
        int w = image.getWidth(), h = image.getHeight();
        int[] in = rgb(image);
        int[] out = new int[size * size * 3];
        for (int oy = 0; oy < size; oy++) {
            double sy = (oy + 0.5) * h / size - 0.5;
            int y0 = (int) Math.floor(sy);
            double dy = sy - y0;
            int y1 = Math.min(Math.max(y0 + 1, 0), h - 1);
            y0 = Math.min(Math.max(y0, 0), h - 1);
            for (int ox = 0; ox < size; ox++) {
                double sx = (ox + 0.5) * w / size - 0.5;
                int x0 = (int) Math.floor(sx);
                double dx = sx - x0;
                int x1 = Math.min(Math.max(x0 + 1, 0), w - 1);
                x0 = Math.min(Math.max(x0, 0), w - 1);
                for (int c = 0; c < 3; c++) {
                    double v = in[(y0 * w + x0) * 3 + c] * (1 - dy) * (1 - dx)
                            + in[(y0 * w + x1) * 3 + c] * (1 - dy) * dx
                            + in[(y1 * w + x0) * 3 + c] * dy * (1 - dx)
                            + in[(y1 * w + x1) * 3 + c] * dy * dx;
                    out[(oy * size + ox) * 3 + c] = (int) Math.round(v);
                }
            }
        }
        return out;
    }

    /** The same resize by Java2D: Graphics2D.drawImage with the bilinear interpolation hint. */
    static int[] resizeJava2d(BufferedImage image, int size) {
        BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        return rgb(scaled);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
