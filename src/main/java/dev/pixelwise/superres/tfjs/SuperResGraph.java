package dev.pixelwise.superres.tfjs;

import dev.pixelwise.zoo.GraphFile;
import dev.pixelwise.zoo.GraphRunner;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

/**
 * An imported super-resolution generator as an ND4J {@link SameDiff} graph, for inference only: placeholder
 * {@value TfjsSameDiffImporter#INPUT}, float32 NCHW [N, C, H, W] (C = {@link #channels()}, H and W free),
 * and output {@value TfjsSameDiffImporter#OUTPUT}, float32 NCHW [N, C, H·s, W·s] with s = {@link #scale()}.
 *
 * <h2>Value range</h2>
 * Input and output are in the model's own range, 0..{@link #inputScale()}: 0..255 for the UpscalerJS
 * "rdn" models (esrgan-slim, esrgan-medium), 0..1 for "rrdn" (esrgan-thick), as the packages' esrgan.js
 * declares ({@code inputRange} / {@code outputRange}). The output is the raw network output, not clipped
 * (a little below 0 and above the top occur). {@link #inputFromRgb} and {@link #toRgb} convert from and to
 * 8-bit RGB.
 *
 * <h2>Threads and memory</h2>
 * As {@code dev.pixelwise.zoo.tflite.SameDiffGraph}: {@link #output} is {@code synchronized} (one instance
 * per worker for parallelism) and runs through a {@link GraphRunner}, whose array pool holds about one
 * tile's working set between calls. The array returned by {@link #output} belongs to the caller, who should
 * {@link INDArray#close() close} it. {@link #close()} frees the pool and the weight arrays.
 *
 * <h2>File format</h2>
 * {@link #save} writes a small header (magic, format version, then {@link Properties} text: source,
 * model fingerprint, channels, scale, architecture, value scale) followed by SameDiff's FlatBuffers
 * serialisation ({@link SameDiff#asFlatBuffers(boolean)} without training state, what
 * {@code SameDiff.save(file, false)} writes). {@link #load} reads it back.
 */
public final class SuperResGraph implements AutoCloseable {

    private static final String MAGIC = "pixelwise-tfjs-superres-graph";
    /** Bump when the importer produces a different graph for the same model, to invalidate caches. */
    static final int FORMAT_VERSION = 1;

    private final SameDiff sd;
    private final String source;
    private final String fingerprint;
    private final int channels;
    private final int scale;
    private final String architecture;
    private final float valueScale;
    private final GraphRunner runner;

    SuperResGraph(SameDiff sd, String source, String fingerprint, int channels, int scale, String architecture,
                  float valueScale) {
        this.sd = sd;
        this.runner = new GraphRunner(sd, TfjsSameDiffImporter.INPUT);
        this.source = source;
        this.fingerprint = fingerprint;
        this.channels = channels;
        this.scale = scale;
        this.architecture = architecture;
        this.valueScale = valueScale;
    }

    /** The model.json the graph was imported from, for messages. */
    public String source() {
        return source;
    }

    /** {@link TfjsLayersModel#fingerprint()} of the imported model (sha256 of model.json and shards). */
    public String fingerprint() {
        return fingerprint;
    }

    /** Colour channels of input and output (3, RGB). */
    public int channels() {
        return channels;
    }

    /** Upscaling factor s: an H×W input gives an (H·s)×(W·s) output. */
    public int scale() {
        return scale;
    }

    /** "rdn" (plain convolutions and nearest upsampling) or "rrdn" (MultiplyBeta / PixelShuffle layers). */
    public String architecture() {
        return architecture;
    }

    /** Top of the input range: 255 (input 0..255) or 1 (input 0..1). */
    public float inputScale() {
        return valueScale;
    }

    /** Top of the output range, the same as {@link #inputScale()} for these generators. */
    public float outputScale() {
        return valueScale;
    }

    /** The underlying graph (for inspection; do not run it concurrently with {@link #output}). */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * Upscales {@code nchw} (float32 [N, C, H, W] in 0..{@link #inputScale()}) to [N, C, H·s, W·s]. The caller
     * owns the result (close it when done); the input is not modified.
     */
    public synchronized INDArray output(INDArray nchw) {
        long[] s = nchw.shape();
        if (s.length != 4 || s[0] < 1 || s[1] != channels || s[2] < 1 || s[3] < 1) {
            throw new IllegalArgumentException(source + " takes NCHW [N, " + channels + ", H, W], got "
                    + Arrays.toString(s));
        }
        INDArray input = nchw.dataType() == DataType.FLOAT ? nchw : nchw.castTo(DataType.FLOAT);
        try {
            return runner.run(input, TfjsSameDiffImporter.OUTPUT).get(TfjsSameDiffImporter.OUTPUT);
        } finally {
            if (input != nchw) {
                input.close();
            }
        }
    }

    /**
     * One image of 8-bit RGB, {@code rgb} holding height×width×3 interleaved values 0..255 (row-major, like
     * {@code BufferedImage} RGB), as the model input [1, 3, height, width] in 0..{@link #inputScale()}.
     */
    public INDArray inputFromRgb(int[] rgb, int height, int width) {
        int plane = height * width;
        if (channels != 3 || rgb.length != plane * 3) {
            throw new IllegalArgumentException("expected " + height + "×" + width + "×3 RGB values for a "
                    + channels + "-channel model, got " + rgb.length);
        }
        float k = valueScale / 255f;
        float[] data = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                data[c * plane + p] = rgb[p * 3 + c] * k;
            }
        }
        return Nd4j.create(data, new long[]{1, 3, height, width}, 'c');
    }

    /**
     * An output [1, 3, H, W] as interleaved 8-bit RGB (H×W×3, row-major): scaled to 0..255, rounded to the
     * nearest integer and clamped.
     */
    public int[] toRgb(INDArray output) {
        long[] s = output.shape();
        if (s.length != 4 || s[0] != 1 || s[1] != 3) {
            throw new IllegalArgumentException("expected an output [1, 3, H, W], got " + Arrays.toString(s));
        }
        int plane = Math.toIntExact(s[2] * s[3]);
        float[] data;
        if (!output.isView() && output.ordering() == 'c' && output.data().length() == output.length()) {
            data = output.data().asFloat();
        } else {
            try (INDArray copy = output.dup('c')) {
                data = copy.data().asFloat();
            }
        }
        float k = 255f / valueScale;
        int[] rgb = new int[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                rgb[p * 3 + c] = Math.max(0, Math.min(255, Math.round(data[c * plane + p] * k)));
            }
        }
        return rgb;
    }

    /** Frees the arrays kept between calls (about one tile's working set); the graph stays usable. */
    public void releaseMemory() {
        runner.releasePool();
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
        p.setProperty("fingerprint", fingerprint);
        p.setProperty("channels", Integer.toString(channels));
        p.setProperty("scale", Integer.toString(scale));
        p.setProperty("architecture", architecture);
        p.setProperty("valueScale", Float.toString(valueScale));
        GraphFile.save(file, MAGIC, FORMAT_VERSION, p, sd);
    }

    /** Reads a file written by {@link #save}; {@link IOException} if it is not one or has another format version. */
    public static SuperResGraph load(Path file) throws IOException {
        GraphFile.Contents c = GraphFile.load(file, MAGIC, FORMAT_VERSION);
        Properties p = c.header();
        SameDiff sd = c.graph();
        if (!sd.hasVariable(TfjsSameDiffImporter.INPUT) || !sd.hasVariable(TfjsSameDiffImporter.OUTPUT)) {
            throw new IOException(file + " lacks the graph's input or output variable");
        }
        try {
            return new SuperResGraph(sd, p.getProperty("source", file.toString()), p.getProperty("fingerprint", ""),
                    Integer.parseInt(p.getProperty("channels")), Integer.parseInt(p.getProperty("scale")),
                    p.getProperty("architecture", ""), Float.parseFloat(p.getProperty("valueScale")));
        } catch (RuntimeException e) {
            throw new IOException(file + " has an incomplete header: " + p, e);
        }
    }

    @Override
    public String toString() {
        return "SuperResGraph[" + source + ", " + architecture + " x" + scale + ", values 0.." + (int) valueScale
                + ", " + sd.getVariables().size() + " variables]";
    }
}
