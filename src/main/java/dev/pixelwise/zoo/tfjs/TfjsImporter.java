package dev.pixelwise.zoo.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pixelwise.zoo.GraphImporter;
import dev.pixelwise.zoo.ImportedGraph;
import dev.pixelwise.zoo.ModelManifest;
import dev.pixelwise.zoo.tfjs.TfjsLayersModel.Layer;
import dev.pixelwise.zoo.tfjs.TfjsLayersModel.Weight;
import org.jboss.logging.Logger;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.DataFormat;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link TfjsLayersModel} (a Keras functional model converted to TF.js layers format, here the
 * UpscalerJS ESRGAN generators esrgan-slim / -medium / -thick, x2 x3 x4 x8) into an ND4J {@link SameDiff}
 * graph, one op per layer.
 *
 * <h2>Layout</h2>
 * The graph works in <b>NCHW</b> (oneDNN's fast path): input placeholder {@value #INPUT}, float32
 * [N, C, H, W] with N, H and W free; output {@value #OUTPUT}, [N, C', H·s, W·s]. Keras works in NHWC
 * (channels_last), so:
 * <ul>
 * <li>Conv2D kernels are moved once at import from Keras' [kh, kw, in, out] to OIYX [out, in, kh, kw];
 *     Keras "same" padding is TF's SAME (ceil(in / stride) outputs, the smaller half of the padding before),
 *     which is ND4J's {@link PaddingMode#SAME}; a dilated kernel is spread out into the dense
 *     (k − 1)·d + 1 kernel with zeros between the taps (ND4J 1.0.0-M2.1's oneDNN build cannot run dilated
 *     convolutions, see {@code dev.pixelwise.zoo.tflite.TfliteImporter}); activation linear or relu;</li>
 * <li>Concatenate's NHWC axis 3 (or −1) becomes NCHW axis 1;</li>
 * <li>PixelShuffle&lt;N&gt;x (UpscalerJS' {@code tf.depthToSpace(x, N, 'NHWC')}) takes input channel
 *     (by · N + bx) · C + c to output pixel offset (by, bx), channel c. ND4J's depth_to_space in NCHW uses
 *     the same channel order as TF's, so it is that op with data format NCHW (checked against a direct NHWC
 *     computation in the tests);</li>
 * <li>UpSampling2D (nearest) is ND4J's upsampling2d in NCHW, except when a 3×3 SAME stride-1 Conv2D reads it
 *     (slim and medium end so): that pair becomes one low-resolution convolution and depth_to_space
 *     ({@code convOfNearest}); Add sums its inputs; Activation applies relu
 *     or nothing; MultiplyBeta multiplies by its config's {@code beta} (0.2 when absent, the constant of
 *     UpscalerJS' esrgan.js).</li>
 * </ul>
 * The twelve UpscalerJS files use exactly InputLayer, Conv2D (3×3 / 5×5 "same", 1×1 "same" or "valid", stride
 * 1, no dilation, activation linear), Activation (relu), Concatenate (axis 3), Add (two inputs),
 * UpSampling2D (nearest, size = scale; slim, medium), MultiplyBeta (beta 0.2) and PixelShuffle2x / 3x / 4x /
 * 8x (config scale = the class name's; thick). A Keras Lambda layer is refused like any other unsupported
 * class: its config holds marshalled Python bytecode, not something to translate.
 *
 * <h2>Value range</h2>
 * {@link #valueScale}: the UpscalerJS packages declare (dist/.../esrgan.js) inputRange = outputRange = [0, 255]
 * for architecture "rdn" (esrgan-slim, esrgan-medium) and [0, 1] for "rrdn" (esrgan-thick). model.json does
 * not carry it, so it is told apart by structure: rrdn is the one with the custom MultiplyBeta and
 * PixelShuffle layers.
 *
 * <p>An importer holds no state; one instance may be shared.
 */
public final class TfjsImporter implements GraphImporter<TfjsGraph> {

    private static final Logger LOG = Logger.getLogger(TfjsImporter.class);

    /** Name of the graph's input placeholder: float32 NCHW [N, C, H, W]. */
    public static final String INPUT = "input";
    /** Name of the graph's output: float32 NCHW [N, C', H·s, W·s]. */
    public static final String OUTPUT = "output";

    /** Layer classes this importer translates ("PixelShuffle&lt;N&gt;x" stands for PixelShuffle2x, 3x, …). */
    public static final List<String> SUPPORTED_LAYERS = List.of("InputLayer", "Conv2D", "Activation",
            "Concatenate", "Add", "UpSampling2D", "MultiplyBeta", "PixelShuffle", "PixelShuffleNx",
            "PixelShuffle<N>x");

    /** Activations of Conv2D and Activation layers this importer translates. */
    public static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("linear", "relu");

    private static final Pattern PIXEL_SHUFFLE = Pattern.compile("PixelShuffle(?:(\\d+)x|Nx)?");
    private static final Set<String> PLAIN_LAYERS = Set.of("InputLayer", "Conv2D", "Activation", "Concatenate",
            "Add", "UpSampling2D", "MultiplyBeta");
    private static final double DEFAULT_BETA = 0.2;

    /** Whether layers of class {@code className} are translated. */
    public static boolean supports(String className) {
        return PLAIN_LAYERS.contains(className) || PIXEL_SHUFFLE.matcher(className).matches();
    }

    /** Throws {@link TfjsUnsupportedLayerException} naming every unsupported layer class of {@code layers}. */
    static void requireSupported(String source, List<Layer> layers) {
        Map<String, List<String>> unsupported = new LinkedHashMap<>();
        for (Layer l : layers) {
            if (!supports(l.className())) {
                unsupported.computeIfAbsent(l.className(), k -> new ArrayList<>()).add(l.name());
            }
        }
        if (!unsupported.isEmpty()) {
            throw new TfjsUnsupportedLayerException(source, unsupported);
        }
    }

    /**
     * Top of the value range of the model's input and output: 1 for UpscalerJS' "rrdn" generators (the ones
     * with MultiplyBeta or PixelShuffle layers, esrgan-thick), 255 for "rdn" (esrgan-slim, esrgan-medium).
     */
    public static float valueScale(TfjsLayersModel model) {
        return architecture(model).equals("rrdn") ? 1f : 255f;
    }

    private static String architecture(TfjsLayersModel model) {
        boolean rrdn = model.layers().stream().anyMatch(l -> l.className().equals("MultiplyBeta")
                || PIXEL_SHUFFLE.matcher(l.className()).matches());
        return rrdn ? "rrdn" : "rdn";
    }

    /**
     * Builds the graph of {@code model}. Throws {@link TfjsUnsupportedLayerException} for unsupported layer
     * classes and {@link UnsupportedOperationException} naming the layer for a supported class used in a
     * way this importer does not translate (e.g. bilinear UpSampling2D, activation "tanh", channels_first).
     */
    public TfjsGraph importModel(TfjsLayersModel model) {
        requireSupported(model.source(), model.layers());
        return new Builder(model).build();
    }

    /** The model.json of one scale, {@code variant} being its folder ("x4"). */
    @Override
    public String sourceFile(ModelManifest model, String variant) {
        return variant + "/model.json";
    }

    /** Beside model.json: {@code model.samediff.fb}. */
    @Override
    public Path cacheFile(Path modelJson) {
        return modelJson.resolveSibling("model.samediff.fb");
    }

    /**
     * The graph of {@code modelJson}, from {@code cacheFile} when that holds a graph made from a model with
     * the same {@link TfjsLayersModel#fingerprint(Path) fingerprint} by the same graph format, otherwise
     * imported and written to {@code cacheFile} (atomically). A damaged or stale cache file is replaced; if
     * it cannot be written the imported graph is still returned (with a warning in the log).
     */
    @Override
    public TfjsGraph loadOrImport(Path modelJson, Path cacheFile) throws IOException {
        return ImportedGraph.loadOrImport(cacheFile, TfjsLayersModel.fingerprint(modelJson), TfjsGraph::load,
                () -> importModel(TfjsLayersModel.read(modelJson)));
    }

    /**
     * A layer output in the graph: NCHW variable, channel count, and the spatial size relative to the model
     * input as the fractions up/down per axis (UpSampling2D and PixelShuffle multiply, strides divide).
     */
    private record Value(SDVariable var, int channels, int upH, int downH, int upW, int downW, Value nearestOf, int nearestBy) {
        Value(SDVariable var, int channels, int upH, int downH, int upW, int downW) {
            this(var, channels, upH, downH, upW, downW, null, 0);
        }

        Value with(SDVariable v, int c) {
            return new Value(v, c, upH, downH, upW, downW);
        }

        Value scaled(SDVariable v, int c, int byH, int byW) {
            return new Value(v, c, upH * byH, downH, upW * byW, downW);
        }
    }

    private static final class Builder {
        private final TfjsLayersModel model;
        private final SameDiff sd = SameDiff.create();
        private final Map<String, Value> values = new HashMap<>();
        private final Set<String> usedWeights = new LinkedHashSet<>();

        Builder(TfjsLayersModel model) {
            this.model = model;
        }

        TfjsGraph build() {
            if (model.inputs().size() != 1 || model.outputs().size() != 1) {
                throw new UnsupportedOperationException(model.source() + " has " + model.inputs().size()
                        + " inputs and " + model.outputs().size() + " outputs; only one image in, one out is imported");
            }
            for (Layer l : model.layers()) {
                List<Value> in = new ArrayList<>();
                for (String name : l.inbound()) {
                    Value v = values.get(name);
                    if (v == null) {
                        throw new IllegalStateException(model.source() + ": layer " + l + " takes '" + name
                                + "', which no earlier layer produced");
                    }
                    in.add(v);
                }
                try {
                    values.put(l.name(), translate(l, in));
                } catch (TfjsUnsupportedLayerException e) {
                    throw e;
                } catch (UnsupportedOperationException e) {
                    throw new UnsupportedOperationException(model.source() + ": layer " + l + ": " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(model.source() + ": cannot import layer " + l + ": "
                            + e.getMessage(), e);
                }
            }
            Value in = values.get(model.inputs().get(0));
            Value out = values.get(model.outputs().get(0));
            if (in == null || out == null || !in.var.isPlaceHolder()) {
                throw new IllegalStateException(model.source() + ": input layer " + model.inputs()
                        + " or output layer " + model.outputs() + " is not among the layers");
            }
            if (out.var.isPlaceHolder() || out.var.isConstant()) {
                sd.identity(OUTPUT, out.var);
            } else {
                sd.renameVariable(out.var.name(), OUTPUT);
            }
            Set<String> unused = new LinkedHashSet<>(model.weights().keySet());
            unused.removeAll(usedWeights);
            if (!unused.isEmpty()) {
                LOG.warnf("%s: %d weights in the manifest are used by no layer: %s", model.source(), unused.size(),
                        unused);
            }
            int scale = 0; // unless the output is a whole multiple of the input, the same along both axes
            if (out.upH % out.downH == 0 && out.upW % out.downW == 0 && out.upH / out.downH == out.upW / out.downW) {
                scale = out.upH / out.downH;
            }
            return new TfjsGraph(sd, model.source(), model.fingerprint(), in.channels, scale,
                    architecture(model), valueScale(model));
        }

        private Value translate(Layer l, List<Value> in) {
            String cls = l.className();
            if (cls.equals("InputLayer")) {
                return input(l);
            }
            if (in.isEmpty()) {
                throw new IllegalStateException("no inbound layers");
            }
            Value x = in.get(0);
            switch (cls) {
                case "Conv2D":
                    return conv2d(l, single(in));
                case "Activation":
                    String activation = l.config().path("activation").asText("linear");
                    return x.with(activate(op(l), single(in).var, activation), x.channels);
                case "Concatenate":
                    return concatenate(l, in);
                case "Add":
                    return add(l, in);
                case "UpSampling2D":
                    return upSampling(l, single(in));
                case "MultiplyBeta":
                    double beta = l.config().path("beta").asDouble(DEFAULT_BETA);
                    return x.with(single(in).var.mul(op(l), beta), x.channels);
                default:
                    Matcher m = PIXEL_SHUFFLE.matcher(cls);
                    if (m.matches()) {
                        return pixelShuffle(l, single(in), m.group(1));
                    }
                    throw new TfjsUnsupportedLayerException(model.source(), Map.of(cls, List.of(l.name())));
            }
        }

        /**
         * The SameDiff name of a layer's result: the layer name, except that names the graph reserves for its
         * placeholder and output get a suffix (the output layer is renamed {@value #OUTPUT} at the end).
         */
        private static String op(Layer l) {
            return l.name().equals(INPUT) || l.name().equals(OUTPUT) ? l.name() + "_layer" : l.name();
        }

        private static Value single(List<Value> in) {
            if (in.size() != 1) {
                throw new IllegalStateException("expected one inbound layer, got " + in.size());
            }
            return in.get(0);
        }

        private Value input(Layer l) {
            JsonNode shape = l.config().has("batch_input_shape") ? l.config().get("batch_input_shape")
                    : l.config().path("batch_shape");
            if (shape.size() != 4) {
                throw new UnsupportedOperationException("input shape " + shape + " is not an image [N, H, W, C]");
            }
            int c = shape.get(3).asInt(-1);
            if (c < 1) {
                throw new UnsupportedOperationException("input shape " + shape + " does not fix the channel count");
            }
            long h = shape.get(1).isNull() ? -1 : shape.get(1).asLong();
            long w = shape.get(2).isNull() ? -1 : shape.get(2).asLong();
            SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, c, h, w);
            return new Value(x, c, 1, 1, 1, 1);
        }

        private Value conv2d(Layer l, Value x) {
            JsonNode c = l.config();
            requireChannelsLast(c);
            if (c.path("groups").asInt(1) != 1) {
                throw new UnsupportedOperationException("grouped convolution (groups " + c.get("groups") + ")");
            }
            int filters = c.path("filters").asInt();
            int[] k = pair(c, "kernel_size", 0);
            int[] stride = pair(c, "strides", 1);
            int[] dilation = pair(c, "dilation_rate", 1);
            String padding = c.path("padding").asText("valid");
            if (!padding.equals("same") && !padding.equals("valid")) {
                throw new UnsupportedOperationException("padding '" + padding + "'");
            }
            if (stride[0] < 1 || stride[1] < 1 || dilation[0] < 1 || dilation[1] < 1) {
                throw new UnsupportedOperationException("strides " + Arrays.toString(stride) + ", dilation "
                        + Arrays.toString(dilation));
            }
            String activation = c.path("activation").asText("linear");
            requireActivation(activation);
            Weight kernel = weight(l.name() + "/kernel", k[0], k[1], x.channels, filters);
            int eh = (k[0] - 1) * dilation[0] + 1, ew = (k[1] - 1) * dilation[1] + 1;
            float[] weights = oiyx(kernel, dilation[0], dilation[1]);
            float[] bias = c.path("use_bias").asBoolean(true) ? weight(l.name() + "/bias", filters).values() : null;
            String name = activation.equals("linear") ? op(l) : op(l) + "/linear";
            SDVariable y;
            if (x.nearestOf() != null && eh == 3 && ew == 3 && stride[0] == 1 && stride[1] == 1 && padding.equals("same")) {
                y = convOfNearest(name, x, weights, bias == null ? new float[filters] : bias, filters);
            } else {
                SDVariable w = sd.constant(l.name() + "/kernel", Nd4j.create(weights, new long[]{filters, x.channels, eh, ew}, 'c'));
                Conv2DConfig config = Conv2DConfig.builder()
                        .kH(eh).kW(ew).sH(stride[0]).sW(stride[1]).dH(1).dW(1).pH(0).pW(0)
                        .paddingMode(padding.equals("same") ? PaddingMode.SAME : PaddingMode.VALID)
                        .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX).build();
                y = bias == null ? sd.cnn.conv2d(name, x.var, w, config)
                        : sd.cnn.conv2d(name, x.var, w, sd.constant(l.name() + "/bias", Nd4j.create(bias, new long[]{filters}, 'c')), config);
            }
            y = activate(op(l), y, activation);
            return new Value(y, filters, x.upH, x.downH * stride[0], x.upW, x.downW * stride[1]);
        }

        /**
         * A 3×3 SAME convolution of a nearest-neighbour upsampling by s, computed at the low resolution: one
         * 3×3 convolution with s² times the filters (one set per output phase (py, px), each tap's weight the
         * sum of the original taps that land on the same low-resolution pixel), then depth_to_space(s), whose
         * NCHW channel order ((py·s + px)·filters + o) this follows. The same sums up to float rounding (taps
         * added before multiplying), and the zero padding agrees at every border. Why: slim and medium end
         * in this pair, and at s² the pixels the convolution ran on 3 output channels at 17 GFLOP/s (48 → 3
         * at 640², a 160² tile at ×4: 63 ms, plus 21 ms of upsampling, of about 250 ms per tile). {@code k}: the
         * convolution's OIYX weights [filters, in, 3, 3]; {@code b}: its bias.
         */
        private SDVariable convOfNearest(String name, Value up, float[] k, float[] b, int filters) {
            int s = up.nearestBy();
            int cin = up.channels();
            double[] sum = new double[s * s * filters * cin * 9];
            float[] lowBias = new float[s * s * filters];
            for (int py = 0; py < s; py++) {
                for (int px = 0; px < s; px++) {
                    int phase = py * s + px;
                    for (int o = 0; o < filters; o++) {
                        lowBias[phase * filters + o] = b[o];
                        for (int i = 0; i < cin; i++) {
                            for (int dy = -1; dy <= 1; dy++) {
                                for (int dx = -1; dx <= 1; dx++) {
                                    int ly = Math.floorDiv(py + dy, s) + 1, lx = Math.floorDiv(px + dx, s) + 1;
                                    sum[(((phase * filters + o) * cin + i) * 3 + ly) * 3 + lx] +=
                                            k[((o * cin + i) * 3 + dy + 1) * 3 + dx + 1];
                                }
                            }
                        }
                    }
                }
            }
            float[] lowKernel = new float[sum.length];
            for (int j = 0; j < sum.length; j++) {
                lowKernel[j] = (float) sum[j];
            }
            SDVariable lw = sd.constant(name + "/low_kernel", Nd4j.create(lowKernel, new long[]{(long) s * s * filters, cin, 3, 3}, 'c'));
            SDVariable lb = sd.constant(name + "/low_bias", Nd4j.create(lowBias, new long[]{(long) s * s * filters}, 'c'));
            Conv2DConfig config = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).dH(1).dW(1).pH(0).pW(0)
                    .paddingMode(PaddingMode.SAME).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.OIYX).build();
            SDVariable low = sd.cnn.conv2d(name + "/low", up.nearestOf().var(), lw, lb, config);
            return sd.cnn.depthToSpace(name, low, s, DataFormat.NCHW);
        }

        /**
         * Keras [kh, kw, in, out] → OIYX [out, in, eh, ew], spread to the dense extent e = (k − 1)·d + 1 with
         * zeros between the taps when dilated (the same sums, and the same SAME padding, which TF computes
         * from that extent).
         */
        private static float[] oiyx(Weight kernel, int dh, int dw) {
            int kh = kernel.shape()[0], kw = kernel.shape()[1], cin = kernel.shape()[2], cout = kernel.shape()[3];
            int eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
            float[] src = kernel.values();
            float[] dst = new float[cout * cin * eh * ew];
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int i = 0; i < cin; i++) {
                        int from = ((y * kw + x) * cin + i) * cout;
                        for (int o = 0; o < cout; o++) {
                            dst[((o * cin + i) * eh + y * dh) * ew + x * dw] = src[from + o];
                        }
                    }
                }
            }
            return dst;
        }

        private Value concatenate(Layer l, List<Value> in) {
            int axis = l.config().path("axis").asInt(-1);
            if (axis < -4 || axis > 3) {
                throw new UnsupportedOperationException("axis " + axis + " of a rank-4 tensor");
            }
            int nchwAxis = new int[]{0, 2, 3, 1}[axis < 0 ? axis + 4 : axis];
            if (nchwAxis != 1) {
                throw new UnsupportedOperationException("concatenation along axis " + axis
                        + "; only the channel axis (3 or -1) is supported");
            }
            SDVariable[] parts = new SDVariable[in.size()];
            int channels = 0;
            for (int i = 0; i < parts.length; i++) {
                parts[i] = in.get(i).var;
                channels += in.get(i).channels;
                requireSameSize(in.get(0), in.get(i));
            }
            return in.get(0).with(sd.concat(op(l), 1, parts), channels);
        }

        private Value add(Layer l, List<Value> in) {
            SDVariable sum = in.get(0).var;
            for (int i = 1; i < in.size(); i++) {
                if (in.get(i).channels != in.get(0).channels) {
                    throw new UnsupportedOperationException("adds " + in.get(0).channels + " and "
                            + in.get(i).channels + " channels");
                }
                requireSameSize(in.get(0), in.get(i));
                sum = sum.add(i == in.size() - 1 ? op(l) : op(l) + "/" + i, in.get(i).var);
            }
            return in.size() == 1 ? in.get(0).with(sd.identity(op(l), sum), in.get(0).channels)
                    : in.get(0).with(sum, in.get(0).channels);
        }

        private Value upSampling(Layer l, Value x) {
            JsonNode c = l.config();
            requireChannelsLast(c);
            String interpolation = c.path("interpolation").asText("nearest");
            if (!interpolation.equals("nearest")) {
                throw new UnsupportedOperationException("interpolation '" + interpolation + "'; only nearest");
            }
            int[] size = pair(c, "size", 2);
            if (size[0] < 1 || size[1] < 1) {
                throw new UnsupportedOperationException("size " + Arrays.toString(size));
            }
            Value up = x.scaled(sd.cnn.upsampling2d(op(l), x.var, size[0], size[1], true), x.channels, size[0], size[1]);
            return size[0] == size[1] && size[0] > 1
                    ? new Value(up.var, up.channels, up.upH, up.downH, up.upW, up.downW, x, size[0]) : up;
        }

        /** Block size from config "scale", else from the class name (PixelShuffle4x → 4); both must agree. */
        private Value pixelShuffle(Layer l, Value x, String fromName) {
            JsonNode scale = l.config().path("scale");
            if (scale.isMissingNode() && fromName == null) {
                throw new UnsupportedOperationException("no block size (config 'scale' or a class name like PixelShuffle4x)");
            }
            int block = scale.isMissingNode() ? Integer.parseInt(fromName) : scale.asInt();
            if (fromName != null && block != Integer.parseInt(fromName)) {
                throw new UnsupportedOperationException("config scale " + block + " contradicts the class name");
            }
            if (block < 1 || x.channels % (block * block) != 0) {
                throw new UnsupportedOperationException(x.channels + " channels cannot be shuffled with block "
                        + block);
            }
            return x.scaled(sd.cnn.depthToSpace(op(l), x.var, block, DataFormat.NCHW),
                    x.channels / (block * block), block, block);
        }

        private SDVariable activate(String name, SDVariable x, String activation) {
            requireActivation(activation);
            return switch (activation) {
                case "relu" -> sd.nn.relu(name, x, 0);
                default -> x.name().equals(name) ? x : sd.identity(name, x);
            };
        }

        private static void requireActivation(String activation) {
            if (!SUPPORTED_ACTIVATIONS.contains(activation)) {
                throw new UnsupportedOperationException("activation '" + activation + "'; supported: "
                        + String.join(", ", SUPPORTED_ACTIVATIONS));
            }
        }

        private static void requireChannelsLast(JsonNode config) {
            String format = config.path("data_format").asText("channels_last");
            if (!format.equals("channels_last")) {
                throw new UnsupportedOperationException("data_format " + format);
            }
        }

        private static void requireSameSize(Value a, Value b) {
            if ((long) a.upH * b.downH != (long) b.upH * a.downH || (long) a.upW * b.downW != (long) b.upW * a.downW) {
                throw new UnsupportedOperationException("combines layer outputs of different spatial scales");
            }
        }

        /** A Keras int-or-pair setting, e.g. kernel_size 3 or [3, 3]; {@code fallback} (if > 0) when absent. */
        private static int[] pair(JsonNode config, String key, int fallback) {
            JsonNode n = config.path(key);
            if (n.isMissingNode() || n.isNull()) {
                if (fallback <= 0) {
                    throw new IllegalStateException("config has no " + key);
                }
                return new int[]{fallback, fallback};
            }
            if (n.isInt()) {
                return new int[]{n.asInt(), n.asInt()};
            }
            if (n.isArray() && n.size() == 2) {
                return new int[]{n.get(0).asInt(), n.get(1).asInt()};
            }
            throw new IllegalStateException(key + " " + n + " is not an int or a pair");
        }

        private Weight weight(String name, int... shape) {
            Weight w = model.weight(name);
            if (!Arrays.equals(w.shape(), shape)) {
                throw new IllegalStateException("weight " + name + " has shape " + Arrays.toString(w.shape())
                        + ", the layer needs " + Arrays.toString(shape));
            }
            usedWeights.add(name);
            return w;
        }
    }
}
