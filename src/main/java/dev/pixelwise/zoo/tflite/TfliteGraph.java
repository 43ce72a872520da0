package dev.pixelwise.zoo.tflite;

import dev.pixelwise.zoo.GraphFile;
import dev.pixelwise.zoo.ImportedGraph;
import dev.pixelwise.zoo.Precision;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * An imported TFLite model as an ND4J {@link SameDiff} graph, for inference only (see
 * {@link TfliteImporter} for the layout and output names), plus what a caller needs to feed it: the input
 * size and the input tensor's quantisation.
 *
 * <p>Threads and memory: see {@link ImportedGraph}.
 *
 * <h2>File format</h2>
 * {@link #save} writes a small header (magic, format version, the tflite sha256, input size and quantisation,
 * output names, as {@link Properties} text) followed by SameDiff's own FlatBuffers serialisation
 * ({@link SameDiff#asFlatBuffers(boolean)}, no training state). {@link #load} reads it back.
 */
public final class TfliteGraph extends ImportedGraph {

    private static final String MAGIC = "pixelwise-samediff-graph";
    /** Bump when the importer produces a different graph for the same model, to invalidate caches. */
    static final int FORMAT_VERSION = 2;

    private final int channels;
    private final int height;
    private final int width;
    private final float inputScale;
    private final float inputZeroPoint;
    private final List<String> outputNames;

    TfliteGraph(SameDiff sd, String source, String tfliteSha256, int channels, int height, int width,
                  float inputScale, float inputZeroPoint, List<String> outputNames) {
        super(MAGIC, FORMAT_VERSION, sd, TfliteImporter.INPUT, source, tfliteSha256);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.inputScale = inputScale;
        this.inputZeroPoint = inputZeroPoint;
        this.outputNames = List.copyOf(outputNames);
    }

    public int inputChannels() {
        return channels;
    }

    public int inputHeight() {
        return height;
    }

    public int inputWidth() {
        return width;
    }

    /** Scale of the TFLite input's quantisation (real = scale × (q − zero point)); NaN for a float input. */
    public float inputScale() {
        return inputScale;
    }

    /** Zero point of the TFLite input's quantisation; NaN for a float input. */
    public float inputZeroPoint() {
        return inputZeroPoint;
    }

    /** Named outputs, e.g. [probabilities, logits] or [classes, logits]. */
    public List<String> outputNames() {
        return outputNames;
    }

    /**
     * A model input from 8-bit pixels: {@code rgb[i]} is one image of H×W×C interleaved values 0..255
     * (row-major, like {@code BufferedImage} RGB), converted with the input quantisation to float32 NCHW
     * [N, C, H, W]. Values are used as given when the model input is float.
     */
    public INDArray inputFromRgb(int[]... rgb) {
        Consumer<INDArray> fill = fromRgb(rgb); // checks the images before anything is allocated
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, new long[]{rgb.length, channels, height, width}, 'c');
        fill.accept(x);
        return x;
    }

    /**
     * What writes {@link #inputFromRgb}'s values into an input array, for {@link #output(int, Consumer, Precision, String...)}
     * (which keeps that array between calls). The images are checked and converted now, before any forward pass.
     */
    public Consumer<INDArray> fromRgb(int[]... rgb) {
        int plane = height * width;
        boolean quantized = !Float.isNaN(inputScale);
        float[][] planar = new float[rgb.length][];
        for (int n = 0; n < rgb.length; n++) {
            if (rgb[n].length != plane * channels) {
                throw new IllegalArgumentException("image " + n + " has " + rgb[n].length + " values, expected "
                        + height + "×" + width + "×" + channels);
            }
            float[] data = new float[channels * plane];
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < channels; c++) {
                    int q = rgb[n][p * channels + c];
                    data[c * plane + p] = quantized ? inputScale * (q - inputZeroPoint) : q;
                }
            }
            planar[n] = data;
        }
        return fromPlanar(planar);
    }

    /**
     * What writes images of planar [C, H, W] real values (the model's own input values, one array each) into an input
     * array, for {@link #output(int, Consumer, Precision, String...)}: copied straight into its native memory. The
     * images are checked now, before any forward pass.
     */
    public Consumer<INDArray> fromPlanar(float[]... images) {
        int n = channels * height * width;
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != n) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length + " values, the model takes " + n);
            }
        }
        return x -> {
            FloatPointer to = new FloatPointer(x.data().addressPointer());
            for (int i = 0; i < images.length; i++) {
                to.position((long) i * n).put(images[i], 0, n);
            }
        };
    }

    /**
     * Runs the graph on {@code nchwInput} (float32 [N, C, H, W] real values) and returns output
     * {@code outputName}. The caller owns the result (close it when done); the input is not modified.
     */
    public INDArray output(INDArray nchwInput, String outputName) {
        return output(nchwInput, new String[]{outputName}).get(outputName);
    }

    /** Several outputs of one forward pass, by name, in the order asked. */
    public Map<String, INDArray> output(INDArray nchwInput, String... outputNames) {
        return output(nchwInput, Precision.FP32, outputNames);
    }

    /** As {@link #output(INDArray, String...)}, the fused convolutions computing in {@code precision}. */
    public Map<String, INDArray> output(INDArray nchwInput, Precision precision, String... outputNames) {
        checkInput(nchwInput);
        return run(nchwInput, precision, outputNames);
    }

    /**
     * As {@link #output(INDArray, Precision, String...)}, over {@code batch} images that {@code fill} writes, as
     * float32 NCHW [batch, C, H, W] real values, into an input array the graph keeps between calls.
     */
    public Map<String, INDArray> output(int batch, Consumer<INDArray> fill, Precision precision, String... outputNames) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch of " + batch + " images");
        }
        return run(new long[]{batch, channels, height, width}, fill, precision, outputNames);
    }

    private void checkInput(INDArray x) {
        long[] s = x.shape();
        if (s.length != 4 || s[1] != channels || s[2] != height || s[3] != width || s[0] < 1) {
            throw new IllegalArgumentException(source() + " takes NCHW [N, " + channels + ", " + height + ", "
                    + width + "], got " + Arrays.toString(s));
        }
    }

    // ---------------------------------------------------------------- persistence

    @Override
    protected Properties header() {
        Properties p = new Properties();
        p.setProperty("source", source());
        p.setProperty("tfliteSha256", fingerprint());
        p.setProperty("input", channels + "," + height + "," + width);
        p.setProperty("inputScale", Float.toString(inputScale));
        p.setProperty("inputZeroPoint", Float.toString(inputZeroPoint));
        p.setProperty("outputs", String.join(",", outputNames));
        return p;
    }

    /** Reads a file written by {@link #save}; {@link IOException} if it is not one or has another format version. */
    public static TfliteGraph load(Path file) throws IOException {
        GraphFile.Contents c = GraphFile.load(file, MAGIC, FORMAT_VERSION);
        Properties p = c.header();
        SameDiff sd = c.graph();
        String[] input = p.getProperty("input", "").split(",");
        if (input.length != 3 || !sd.hasVariable(TfliteImporter.INPUT)) {
            throw new IOException(file + " has no usable input description");
        }
        String outputs = p.getProperty("outputs", "");
        return new TfliteGraph(sd, p.getProperty("source", file.toString()), p.getProperty("tfliteSha256", ""),
                Integer.parseInt(input[0]), Integer.parseInt(input[1]), Integer.parseInt(input[2]),
                Float.parseFloat(p.getProperty("inputScale", "NaN")),
                Float.parseFloat(p.getProperty("inputZeroPoint", "NaN")),
                outputs.isEmpty() ? List.of() : List.of(outputs.split(",")));
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TfliteGraph[" + source() + ", input [N," + channels + "," + height + "," + width + "], outputs "
                + outputNames + "]";
    }
}
