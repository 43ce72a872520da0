import dev.pixelwise.classify.ClassifierModels;
import dev.pixelwise.collections.Imprinting;
import dev.pixelwise.collections.SoftmaxHead;
import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.zoo.tflite.TfliteGraph;
import dev.pixelwise.zoo.tflite.TfliteImporter;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Few-shot accuracy of collections on Fashion-MNIST (Debian's dataset-fashion-mnist): MobileNetV2's pooled
 * features, embedded exactly as the app embeds an example (28×28 grey → RGB, bilinear to 224×224,
 * (p − 128) / 128, the graph's global-pool output, unit length). For each seed, 20 training images per class
 * are drawn; k-shot uses the first k of each class. Accuracy on the first 1000 test images for imprinting
 * and the trained head, plus the time to embed one example, to train a head and to classify one embedding.
 * Writes the embeddings (.npy) and its own results for bench/sklearn_collections.py, which adds
 * scikit-learn's LogisticRegression and NearestCentroid on the same embeddings and prints the table.
 */
public class CollectionsBench {

    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path OUT = Path.of("target/bench/collections");
    static final Path TFLITE = Path.of("../shared/models/coral/mobilenet_v2_1.0_224_quant.tflite");
    static final int[] SHOTS = {1, 5, 10, 20};
    static final long[] SEEDS = {1, 2, 3};
    static final int TEST = 1000;
    static final int CLASSES = 10;
    static final int BATCH = 16;

    public static void main(String[] args) throws Exception {
        Files.createDirectories(OUT);
        byte[][] trainImages = images(DATA.resolve("train-images-idx3-ubyte.gz"));
        byte[] trainLabels = labels(DATA.resolve("train-labels-idx1-ubyte.gz"));
        byte[][] testImages = images(DATA.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] testLabels = labels(DATA.resolve("t10k-labels-idx1-ubyte.gz"));

        try (TfliteGraph graph = new TfliteImporter().loadOrImport(TFLITE, Path.of("target/bench/samediff")
                .resolve(TFLITE.getFileName() + ".samediff.fb"))) {
            String pooled = ClassifierModels.pooledOutput(graph);
            System.err.println("pooled features: " + pooled);
            ClassifierModels.embed(graph, pooled, new float[][]{input(testImages[0], graph.inputWidth())}); // warm-up

            long t0 = System.nanoTime();
            float[][] test = embed(graph, pooled, Arrays.copyOf(testImages, TEST));
            double embedMs = (System.nanoTime() - t0) / 1e6 / TEST;
            int[] yTest = new int[TEST];
            for (int i = 0; i < TEST; i++) {
                yTest[i] = testLabels[i];
            }
            writeNpy(OUT.resolve("X_test.npy"), test);
            writeNpy(OUT.resolve("y_test.npy"), yTest);

            // One example, alone (what a POST of one image costs in the model).
            long t1 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                ClassifierModels.embed(graph, pooled, new float[][]{input(testImages[TEST + i], graph.inputWidth())});
            }
            double oneMs = (System.nanoTime() - t1) / 1e6 / 20;

            StringBuilder json = new StringBuilder("{\"embedMsPerImageBatched\": " + fmt(embedMs)
                    + ", \"embedMsOneImage\": " + fmt(oneMs) + ", \"runs\": [");
            boolean first = true;
            for (long seed : SEEDS) {
                int[][] pick = draw(trainLabels, 20, seed);
                byte[][] poolImages = new byte[CLASSES * 20][];
                int[] yPool = new int[CLASSES * 20];
                for (int c = 0; c < CLASSES; c++) {
                    for (int r = 0; r < 20; r++) {
                        poolImages[c * 20 + r] = trainImages[pick[c][r]];
                        yPool[c * 20 + r] = c;
                    }
                }
                float[][] pool = embed(graph, pooled, poolImages);
                writeNpy(OUT.resolve("X_pool_" + seed + ".npy"), pool);
                writeNpy(OUT.resolve("y_pool_" + seed + ".npy"), yPool);
                for (int k : SHOTS) {
                    float[][][] examples = new float[CLASSES][k][];
                    List<float[]> x = new ArrayList<>();
                    List<Integer> y = new ArrayList<>();
                    for (int c = 0; c < CLASSES; c++) {
                        for (int r = 0; r < k; r++) {
                            examples[c][r] = pool[c * 20 + r];
                            x.add(pool[c * 20 + r]);
                            y.add(c);
                        }
                    }
                    Imprinting imprinting = new Imprinting(examples);
                    long h0 = System.nanoTime();
                    SoftmaxHead head = SoftmaxHead.train(x.toArray(float[][]::new), y.stream().mapToInt(i -> i).toArray(), CLASSES);
                    double trainMs = (System.nanoTime() - h0) / 1e6;
                    int rightImprinting = 0;
                    int rightHead = 0;
                    long c0 = System.nanoTime();
                    for (int i = 0; i < TEST; i++) {
                        rightImprinting += Imprinting.argMax(imprinting.similarities(test[i])) == yTest[i] ? 1 : 0;
                        rightHead += Imprinting.argMax(head.probabilities(test[i])) == yTest[i] ? 1 : 0;
                    }
                    double classifyUs = (System.nanoTime() - c0) / 1e3 / TEST;
                    json.append(first ? "" : ",").append(String.format(Locale.ROOT,
                            "{\"seed\": %d, \"shots\": %d, \"imprinting\": %.4f, \"head\": %.4f, \"headTrainMs\": %.1f, "
                                    + "\"classifyUsBoth\": %.1f}", seed, k, rightImprinting / (double) TEST,
                            rightHead / (double) TEST, trainMs, classifyUs));
                    first = false;
                    System.err.printf(Locale.ROOT, "seed %d, %2d shots: imprinting %.3f, head %.3f (train %.0f ms)%n",
                            seed, k, rightImprinting / (double) TEST, rightHead / (double) TEST, trainMs);
                }
            }
            json.append("]}");
            Files.writeString(OUT.resolve("java.json"), json, StandardCharsets.UTF_8);
        }
    }

    /** For each class, {@code n} training indices drawn with {@code seed} (a seeded shuffle of the class's images). */
    static int[][] draw(byte[] labels, int n, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        Random random = new Random(seed);
        int[][] out = new int[CLASSES][];
        for (int c = 0; c < CLASSES; c++) {
            java.util.Collections.shuffle(byClass.get(c), random);
            out[c] = byClass.get(c).subList(0, n).stream().mapToInt(i -> i).toArray();
        }
        return out;
    }

    static float[][] embed(TfliteGraph graph, String pooled, byte[][] images) {
        float[][] out = new float[images.length][];
        for (int start = 0; start < images.length; start += BATCH) {
            int n = Math.min(BATCH, images.length - start);
            float[][] batch = new float[n][];
            for (int i = 0; i < n; i++) {
                batch[i] = input(images[start + i], graph.inputWidth());
            }
            System.arraycopy(ClassifierModels.embed(graph, pooled, batch), 0, out, start, n);
        }
        return out;
    }

    /** A 28×28 grey image as the app prepares an upload: RGB, bilinear to the model size, (p − 128) / 128, planar. */
    static float[] input(byte[] grey, int size) {
        BufferedImage src = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = grey[y * 28 + x] & 0xFF;
                src.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        // as the app's ClassifierTranslator prepares it (MobileNet: mean 128, std 128)
        return ImageOps.planarRgb(ImageOps.resizeBilinear(src, size, size), 128f, 128f);
    }

    static byte[][] images(Path gz) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
            if (in.readInt() != 2051) {
                throw new IOException(gz + " is not an IDX image file");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[][] out = new byte[n][rows * cols];
            for (byte[] image : out) {
                in.readFully(image);
            }
            return out;
        }
    }

    static byte[] labels(Path gz) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
            if (in.readInt() != 2049) {
                throw new IOException(gz + " is not an IDX label file");
            }
            byte[] out = new byte[in.readInt()];
            in.readFully(out);
            return out;
        }
    }

    static void writeNpy(Path file, float[][] rows) throws IOException {
        int d = rows[0].length;
        ByteBuffer b = ByteBuffer.allocate(rows.length * d * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] r : rows) {
            b.asFloatBuffer().put(r);
            b.position(b.position() + d * 4);
        }
        npy(file, "<f4", "(" + rows.length + ", " + d + ")", b.array());
    }

    static void writeNpy(Path file, int[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        npy(file, "<i4", "(" + values.length + ",)", b.array());
    }

    /** NumPy's .npy format 1.0: magic, header length, a dict padded so the data starts at a multiple of 64. */
    static void npy(Path file, String dtype, String shape, byte[] data) throws IOException {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int headerLength = 10 + dict.length() + 1;
        int padded = (headerLength + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - headerLength) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        Files.write(file, b.array());
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
