package dev.pixelwise.zoo.tflite;

import dev.pixelwise.zoo.GraphFile;
import dev.pixelwise.zoo.GraphRunner;

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

/**
 * An imported TFLite model as an ND4J {@link SameDiff} graph, for inference only (see
 * {@link SameDiffImporter} for the layout and output names), plus what a caller needs to feed it: the input
 * size and the input tensor's quantisation.
 *
 * <h2>Threads and memory</h2>
 * Not for concurrent use: {@link #output} is {@code synchronized}, so one instance serves one call at a
 * time (make one instance per worker for parallelism; they share nothing). The graph runs through a
 * {@link GraphRunner}: a plan per input shape and a pool of intermediate arrays that are freed
 * deterministically, not left to the garbage collector. The arrays returned by {@link #output} belong to
 * the caller, who should {@link INDArray#close() close} them when done (ND4J's off-heap memory is not
 * counted by the JVM heap). {@link #close()} frees the pool and the constant (weight) arrays.
 *
 * <h2>File format</h2>
 * {@link #save} writes a small header (magic, format version, the tflite sha256, input size and quantisation,
 * output names, as {@link Properties} text) followed by SameDiff's own FlatBuffers serialisation
 * ({@link SameDiff#asFlatBuffers(boolean)}, no training state). {@link #load} reads it back.
 */
public final class SameDiffGraph implements AutoCloseable {

    private static final String MAGIC = "pixelwise-samediff-graph";
    /** Bump when the importer produces a different graph for the same model, to invalidate caches. */
    static final int FORMAT_VERSION = 1;

    private final SameDiff sd;
    private final String source;
    private final String tfliteSha256;
    private final int channels;
    private final int height;
    private final int width;
    private final float inputScale;
    private final float inputZeroPoint;
    private final List<String> outputNames;
    private final GraphRunner runner;

    SameDiffGraph(SameDiff sd, String source, String tfliteSha256, int channels, int height, int width,
                  float inputScale, float inputZeroPoint, List<String> outputNames) {
        this.sd = sd;
        this.runner = new GraphRunner(sd, SameDiffImporter.INPUT);
        this.source = source;
        this.tfliteSha256 = tfliteSha256;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.inputScale = inputScale;
        this.inputZeroPoint = inputZeroPoint;
        this.outputNames = List.copyOf(outputNames);
    }

    /** The model file the graph was imported from, for messages. */
    public String source() {
        return source;
    }

    /** sha256 (hex) of the .tflite file, or "" when imported from a {@link TfliteModel} directly. */
    public String tfliteSha256() {
        return tfliteSha256;
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

    /** The underlying graph (for inspection; do not run it concurrently with {@link #output}). */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * A model input from 8-bit pixels: {@code rgb[i]} is one image of H×W×C interleaved values 0..255
     * (row-major, like {@code BufferedImage} RGB), converted with the input quantisation to float32 NCHW
     * [N, C, H, W]. Values are used as given when the model input is float.
     */
    public INDArray inputFromRgb(int[]... rgb) {
        int plane = height * width;
        float[] data = new float[rgb.length * channels * plane];
        boolean quantized = !Float.isNaN(inputScale);
        for (int n = 0; n < rgb.length; n++) {
            if (rgb[n].length != plane * channels) {
                throw new IllegalArgumentException("image " + n + " has " + rgb[n].length + " values, expected "
                        + height + "×" + width + "×" + channels);
            }
            int base = n * channels * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < channels; c++) {
                    int q = rgb[n][p * channels + c];
                    data[base + c * plane + p] = quantized ? inputScale * (q - inputZeroPoint) : q;
                }
            }
        }
        return Nd4j.create(data, new long[]{rgb.length, channels, height, width}, 'c');
    }

    /**
     * Runs the graph on {@code nchwInput} (float32 [N, C, H, W] real values) and returns output
     * {@code outputName}. The caller owns the result (close it when done); the input is not modified.
     */
    public INDArray output(INDArray nchwInput, String outputName) {
        return output(nchwInput, new String[]{outputName}).get(outputName);
    }

    /** Several outputs of one forward pass, by name, in the order asked. */
    public synchronized Map<String, INDArray> output(INDArray nchwInput, String... outputNames) {
        checkInput(nchwInput);
        INDArray input = nchwInput.dataType() == DataType.FLOAT ? nchwInput : nchwInput.castTo(DataType.FLOAT);
        try {
            return runner.run(input, outputNames);
        } finally {
            if (input != nchwInput) {
                input.close();
            }
        }
    }

    private void checkInput(INDArray x) {
        long[] s = x.shape();
        if (s.length != 4 || s[1] != channels || s[2] != height || s[3] != width || s[0] < 1) {
            throw new IllegalArgumentException(source + " takes NCHW [N, " + channels + ", " + height + ", "
                    + width + "], got " + Arrays.toString(s));
        }
    }

    /** Frees the sessions' cached arrays and the graph's constant arrays; the instance is unusable afterwards. */
    @Override
    public synchronized void close() {
        runner.close();
        GraphFile.closeAll(sd);
    }

    // ---------------------------------------------------------------- persistence

    /** Writes the graph to {@code file} atomically (temporary file in the same folder, then a rename). */
    public synchronized void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("source", source);
        p.setProperty("tfliteSha256", tfliteSha256);
        p.setProperty("input", channels + "," + height + "," + width);
        p.setProperty("inputScale", Float.toString(inputScale));
        p.setProperty("inputZeroPoint", Float.toString(inputZeroPoint));
        p.setProperty("outputs", String.join(",", outputNames));
        GraphFile.save(file, MAGIC, FORMAT_VERSION, p, sd);
    }

    /** Reads a file written by {@link #save}; {@link IOException} if it is not one or has another format version. */
    public static SameDiffGraph load(Path file) throws IOException {
        GraphFile.Contents c = GraphFile.load(file, MAGIC, FORMAT_VERSION);
        Properties p = c.header();
        SameDiff sd = c.graph();
        String[] input = p.getProperty("input", "").split(",");
        if (input.length != 3 || !sd.hasVariable(SameDiffImporter.INPUT)) {
            throw new IOException(file + " has no usable input description");
        }
        String outputs = p.getProperty("outputs", "");
        return new SameDiffGraph(sd, p.getProperty("source", file.toString()), p.getProperty("tfliteSha256", ""),
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
        return "SameDiffGraph[" + source + ", input [N," + channels + "," + height + "," + width + "], outputs "
                + outputNames + "]";
    }
}
