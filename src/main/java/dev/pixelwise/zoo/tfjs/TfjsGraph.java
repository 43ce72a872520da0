package dev.pixelwise.zoo.tfjs;

import dev.pixelwise.zoo.GraphFile;
import dev.pixelwise.zoo.ImportedGraph;
import dev.pixelwise.zoo.Precision;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

/**
 * An imported super-resolution generator as an ND4J {@link SameDiff} graph, for inference only: placeholder
 * {@value TfjsImporter#INPUT}, float32 NCHW [N, C, H, W] (C = {@link #channels()}, H and W free),
 * and output {@value TfjsImporter#OUTPUT}, float32 NCHW [N, C, H·s, W·s] with s = {@link #scale()}.
 *
 * <h2>Value range</h2>
 * Input and output are in the model's own range, 0..{@link #inputScale()}: 0..255 for the UpscalerJS
 * "rdn" models (esrgan-slim, esrgan-medium), 0..1 for "rrdn" (esrgan-thick), as the packages' esrgan.js
 * declares ({@code inputRange} / {@code outputRange}). The output is the raw network output, not clipped
 * (a little below 0 and above the top occur). {@link #inputFromRgb} and {@link #toRgb} convert from and to
 * 8-bit RGB.
 *
 * <h2>Threads and memory</h2>
 * See {@link ImportedGraph}; the runner's array pool holds about one tile's working set between calls,
 * which {@link #releaseMemory()} frees.
 *
 * <h2>File format</h2>
 * {@link #save} writes a small header (magic, format version, then {@link Properties} text: source,
 * model fingerprint, channels, scale, architecture, value scale) followed by SameDiff's FlatBuffers
 * serialisation ({@link SameDiff#asFlatBuffers(boolean)} without training state, what
 * {@code SameDiff.save(file, false)} writes). {@link #load} reads it back.
 */
public final class TfjsGraph extends ImportedGraph {

    private static final String MAGIC = "pixelwise-tfjs-superres-graph";
    /** Bump when the importer produces a different graph for the same model, to invalidate caches. */
    static final int FORMAT_VERSION = 2; // 2: nearest upsampling + 3×3 convolution computed at the low resolution

    private final int channels;
    private final int scale;
    private final String architecture;
    private final float valueScale;

    TfjsGraph(SameDiff sd, String source, String fingerprint, int channels, int scale, String architecture,
                  float valueScale) {
        super(MAGIC, FORMAT_VERSION, sd, TfjsImporter.INPUT, source, fingerprint);
        this.channels = channels;
        this.scale = scale;
        this.architecture = architecture;
        this.valueScale = valueScale;
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

    /**
     * Upscales {@code nchw} (float32 [N, C, H, W] in 0..{@link #inputScale()}) to [N, C, H·s, W·s]. The caller
     * owns the result (close it when done); the input is not modified.
     */
    public INDArray output(INDArray nchw) {
        return output(nchw, Precision.FP32);
    }

    /** As {@link #output(INDArray)}, the convolutions computing in {@code precision}. */
    public INDArray output(INDArray nchw, Precision precision) {
        long[] s = nchw.shape();
        if (s.length != 4 || s[0] < 1 || s[1] != channels || s[2] < 1 || s[3] < 1) {
            throw new IllegalArgumentException(source() + " takes NCHW [N, " + channels + ", H, W], got "
                    + Arrays.toString(s));
        }
        return run(nchw, precision, TfjsImporter.OUTPUT).get(TfjsImporter.OUTPUT);
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

    // ---------------------------------------------------------------- persistence

    @Override
    protected Properties header() {
        Properties p = new Properties();
        p.setProperty("source", source());
        p.setProperty("fingerprint", fingerprint());
        p.setProperty("channels", Integer.toString(channels));
        p.setProperty("scale", Integer.toString(scale));
        p.setProperty("architecture", architecture);
        p.setProperty("valueScale", Float.toString(valueScale));
        return p;
    }

    /** Reads a file written by {@link #save}; {@link IOException} if it is not one or has another format version. */
    public static TfjsGraph load(Path file) throws IOException {
        GraphFile.Contents c = GraphFile.load(file, MAGIC, FORMAT_VERSION);
        Properties p = c.header();
        SameDiff sd = c.graph();
        if (!sd.hasVariable(TfjsImporter.INPUT) || !sd.hasVariable(TfjsImporter.OUTPUT)) {
            throw new IOException(file + " lacks the graph's input or output variable");
        }
        try {
            return new TfjsGraph(sd, p.getProperty("source", file.toString()), p.getProperty("fingerprint", ""),
                    Integer.parseInt(p.getProperty("channels")), Integer.parseInt(p.getProperty("scale")),
                    p.getProperty("architecture", ""), Float.parseFloat(p.getProperty("valueScale")));
        } catch (RuntimeException e) {
            throw new IOException(file + " has an incomplete header: " + p, e);
        }
    }

    @Override
    public String toString() {
        return "TfjsGraph[" + source() + ", " + architecture + " x" + scale + ", values 0.." + (int) valueScale
                + ", " + sameDiff().getVariables().size() + " variables]";
    }
}
