package dev.pixelwise.zoo.tflite;

import dev.pixelwise.zoo.GraphImporter;
import dev.pixelwise.zoo.ImportedGraph;
import dev.pixelwise.zoo.ModelManifest;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link TfliteModel} into an ND4J {@link SameDiff} graph that computes the float pass of the
 * model, the same numbers as the test suite's {@code TfliteReferenceInterpreter}: weights and biases are dequantised once
 * at import (real = scale × (q − zero point)), activations stay float32 throughout and are never
 * re-quantised, so QUANTIZE and DEQUANTIZE are identities.
 *
 * <h2>Layout</h2>
 * The graph's input is the placeholder {@value #INPUT}, float32 [N, C, H, W] (NCHW) holding the
 * <em>real</em> input values (for the Coral models (p − 128) / 128, see {@link TfliteGraph#inputFromRgb});
 * N is free, so batches work. Inside, activations are <b>NHWC</b>, TFLite's own layout: one transpose after
 * the input, and rank-4 outputs (DeepLab's logits) are transposed back to NCHW. Why NHWC: ND4J's
 * convolutions run on oneDNN, whose fastest float kernels on AVX-512 (brgconv) read and write NHWC; an
 * NCHW graph paid three reorders of the activations per convolution (input in, output in, output back).
 * Measured with bench/profile.sh on MobileNetV2 (AMD EPYC, 2 cores): 20.6 → 12.0 ms per image, DeepLabV3
 * at 513² about half the time, the outputs bit for bit the same (the same kernels run on the same
 * numbers). NHWC is also the layout {@code dev.pixelwise.zoo.OneDnnConvolutions} runs fused. The system
 * property {@code pixelwise.tflite.nchw=true} still builds the NCHW graph (for before/after measurements;
 * it applies to imports, a cached graph keeps the layout it was made with).
 * CONV_2D filters are moved once at import from TFLite's [out, kh, kw, in] to OIYX [out, in, kh, kw];
 * DEPTHWISE_CONV_2D filters from [1, kh, kw, in·mult] to ND4J's [kh, kw, in, mult]. An operator that needs
 * the other layout (a RESHAPE that really reorders elements) gets a transpose, made once and only where
 * needed. RESIZE_BILINEAR is computed as two matrix products with constant interpolation matrices (see
 * {@code resizeBilinear}), so DeepLab runs without leaving the graph's layout from input to class map.
 * TFLite's SAME padding (ceil(in / stride) outputs, the smaller half of the padding before, kernel
 * extent (k − 1)·d + 1 when dilated) is ND4J's {@link PaddingMode#SAME}; {@code SameDiffOpsTest} checks
 * this against the reference kernels, including the even-size stride-2 case with all padding after.
 *
 * <h2>Names</h2>
 * Graph outputs get readable names (NCHW when rank 4), the others are called "t&lt;tensor index&gt;" (in the inner layout):
 * <ul>
 * <li>a graph output made by SOFTMAX: {@value #PROBABILITIES}, and the SOFTMAX input {@value #LOGITS}
 *     (MobileNet: [N, 1001] each);</li>
 * <li>a graph output made by ARG_MAX: {@value #CLASSES} (DeepLab: int64 [N, 513, 513], the resize to
 *     513×513 and the arg-max run inside the graph), and, walking back from its input through
 *     RESIZE_BILINEAR / QUANTIZE / DEQUANTIZE, the first other tensor as {@value #LOGITS}
 *     (DeepLab: [N, 21, 33, 33] NCHW, before any resize);</li>
 * <li>any other graph output: "output" ("output1", … when there are several).</li>
 * </ul>
 * An importer holds no state; one instance may be shared.
 */
public final class TfliteImporter implements GraphImporter<TfliteGraph> {

    /** Name of the graph's input placeholder: float32 NCHW [N, C, H, W] real values. */
    public static final String INPUT = "input";
    /** Softmax output of a classifier, [N, classes]. */
    public static final String PROBABILITIES = "probabilities";
    /** Scores before softmax / arg-max: [N, classes] for classifiers, NCHW [N, classes, h, w] for segmenters. */
    public static final String LOGITS = "logits";
    /** Arg-max class map of a segmenter, int64 (or int32 if the model says so) [N, H, W]. */
    public static final String CLASSES = "classes";

    /** Operator names this importer translates. */
    public static final Set<String> SUPPORTED_OPS = Set.of(
            "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "AVERAGE_POOL_2D", "RESHAPE", "SOFTMAX",
            "CONCATENATION", "RESIZE_BILINEAR", "QUANTIZE", "DEQUANTIZE", "ARG_MAX");

    /**
     * Builds the SameDiff graph of {@code model}. Throws {@link TfliteUnsupportedOperatorException} naming
     * every operator outside {@link #SUPPORTED_OPS} before building anything, and
     * {@link UnsupportedOperationException} for a supported operator used in a way this importer does not
     * translate (e.g. a fused TANH … SIGN_BIT, or a RESHAPE that moves the batch axis).
     */
    public TfliteGraph importModel(TfliteModel model) {
        return new Builder(model, "").build();
    }

    /** The model's .tflite file (a TFLite model has no variants). */
    @Override
    public String sourceFile(ModelManifest model, String variant) {
        return model.files().stream().map(ModelManifest.ModelFile::name).filter(n -> n.endsWith(".tflite"))
                .findFirst().orElseThrow();
    }

    /** Beside the .tflite file: {@code <name>.tflite.samediff.fb}. */
    @Override
    public Path cacheFile(Path tflite) {
        return tflite.resolveSibling(tflite.getFileName() + ".samediff.fb");
    }

    /**
     * The graph of the .tflite file {@code tflite}, from {@code cacheFile} when that holds a graph made
     * from a file with the same sha256 by the same cache format, otherwise imported and then written to
     * {@code cacheFile} (atomically: a temporary file in the same folder, then a rename). A damaged or
     * stale cache file is replaced. The parent folder of {@code cacheFile} is created if missing; if the
     * cache cannot be written the imported graph is still returned (with a warning in the log).
     *
     * <p>Measured with ND4J 1.0.0-M2.1: loading a cached graph is not faster than importing in a fresh
     * JVM, because the first SameDiff load initialises ND4J's op-class registry (≈0.9 s), which importing
     * never needs (MobileNetV2: import ≈0.3 s, load ≈1.1 s of which ≈0.26 s is the file itself).
     */
    @Override
    public TfliteGraph loadOrImport(Path tflite, Path cacheFile) throws IOException {
        byte[] bytes = Files.readAllBytes(tflite);
        String sha256 = TfliteGraph.sha256(bytes);
        return ImportedGraph.loadOrImport(cacheFile, sha256, TfliteGraph::load,
                () -> new Builder(TfliteModel.read(bytes, tflite.toString()), sha256).build());
    }

    /** One TFLite tensor's value in the graph; rank-4 tensors may exist in NCHW, NHWC or both. */
    private static final class Value {
        final int[] shape; // TFLite (NHWC) shape
        SDVariable nchw;
        SDVariable nhwc;
        SDVariable plain; // rank != 4

        Value(int[] shape) {
            this.shape = shape;
        }

        boolean image() {
            return shape.length == 4;
        }
    }

    private static final class Builder {
        private final TfliteModel model;
        private final SameDiff sd = SameDiff.create();
        private final Value[] values;
        /** Constants made from model tensors, by SameDiff name ("w12" filter, "b7" bias, "c3_b" broadcast operand). */
        private final Map<String, SDVariable> constants = new HashMap<>();
        private final String sha256;
        /** Activations between operators in NHWC (true), or NCHW with {@code -Dpixelwise.tflite.nchw=true} (see the class comment). */
        private final boolean nhwcInside = !Boolean.getBoolean("pixelwise.tflite.nchw");

        Builder(TfliteModel model, String sha256) {
            this.model = model;
            this.sha256 = sha256;
            this.values = new Value[model.tensors().size()];
        }

        TfliteGraph build() {
            model.requireSupported(SUPPORTED_OPS); // names every unsupported operator before any work
            int[] inputs = model.inputIndices();
            if (inputs.length != 1) {
                throw new UnsupportedOperationException(model.source() + " has " + inputs.length
                        + " inputs; only single-image models are imported");
            }
            TfliteTensor in = model.tensor(inputs[0]);
            if (in.rank() != 4) {
                throw new UnsupportedOperationException("input " + in + " is not an NHWC image");
            }
            int h = in.dim(1), w = in.dim(2), c = in.dim(3);
            Value input = new Value(in.shape());
            input.nchw = sd.placeHolder(INPUT, DataType.FLOAT, -1, c, h, w);
            values[in.index()] = input;

            for (TfliteOperator op : model.operators()) {
                try {
                    translate(op);
                } catch (UnsupportedOperationException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot import operator " + op + ": " + e.getMessage(), e);
                }
            }

            Map<String, Integer> aliases = aliases();
            List<String> outputNames = new ArrayList<>();
            Set<String> renamed = new HashSet<>();
            for (Map.Entry<String, Integer> e : aliases.entrySet()) {
                Value v = value(e.getValue());
                SDVariable var = v.image() ? nchw(e.getValue()) : v.plain;
                if (var.isPlaceHolder() || var.isConstant() || renamed.contains(var.name())) {
                    sd.identity(e.getKey(), var); // shared with another name: give this one its own node
                } else {
                    sd.renameVariable(var.name(), e.getKey());
                }
                renamed.add(e.getKey());
                outputNames.add(e.getKey());
            }
            float scale = Float.NaN, zeroPoint = Float.NaN;
            if (in.quantization().isPresent() && !in.quantization().get().isPerChannel()) {
                scale = in.quantization().get().scale();
                zeroPoint = in.quantization().get().zeroPoint();
            }
            return new TfliteGraph(sd, model.source(), sha256, c, h, w, scale, zeroPoint, outputNames);
        }

        /** Output name → tensor index, in the order described in the class comment. */
        private Map<String, Integer> aliases() {
            Map<Integer, TfliteOperator> producer = new HashMap<>();
            for (TfliteOperator op : model.operators()) {
                for (int o : op.outputs()) {
                    producer.put(o, op);
                }
            }
            Map<String, Integer> names = new LinkedHashMap<>();
            int[] outputs = model.outputIndices();
            for (int out : outputs) {
                TfliteOperator p = producer.get(out);
                String kind = p == null ? "" : p.name();
                if (kind.equals("SOFTMAX")) {
                    put(names, PROBABILITIES, out);
                    put(names, LOGITS, p.input(0));
                } else if (kind.equals("ARG_MAX")) {
                    put(names, CLASSES, out);
                    int t = p.input(0);
                    while (producer.get(t) != null && Set.of("RESIZE_BILINEAR", "QUANTIZE", "DEQUANTIZE")
                            .contains(producer.get(t).name())) {
                        t = producer.get(t).input(0);
                    }
                    put(names, LOGITS, t);
                } else {
                    put(names, "output", out); // output, output1, output2, ...
                }
            }
            return names;
        }

        private static void put(Map<String, Integer> names, String name, int tensor) {
            String unique = name;
            for (int i = 1; names.containsKey(unique); i++) {
                unique = name + i;
            }
            if (!names.containsValue(tensor)) {
                names.put(unique, tensor);
            }
        }

        // ---------------------------------------------------------------- operators

        private void translate(TfliteOperator op) {
            int out = op.output(0);
            switch (op.name()) {
                case "CONV_2D" -> conv2d(op, out);
                case "DEPTHWISE_CONV_2D" -> depthwiseConv2d(op, out);
                case "ADD" -> add(op, out);
                case "AVERAGE_POOL_2D" -> averagePool(op, out);
                case "RESHAPE" -> reshape(op, out);
                case "SOFTMAX" -> softmax(op, out);
                case "CONCATENATION" -> concatenation(op, out);
                case "RESIZE_BILINEAR" -> resizeBilinear(op, out);
                case "QUANTIZE", "DEQUANTIZE" -> values[out] = value(op.input(0)); // float pass: identity
                case "ARG_MAX" -> argMax(op, out);
                default -> throw new TfliteUnsupportedOperatorException(Map.of(op.name(), 1));
            }
        }

        private void conv2d(TfliteOperator op, int out) {
            OperatorOptions.Conv2D o = op.options(OperatorOptions.Conv2D.class);
            TfliteTensor filter = model.tensor(op.input(1));
            Kernel k = Kernel.of(filter, o.dilationH(), o.dilationW()); // [out, kh, kw, in]
            SDVariable weights = constants.computeIfAbsent("w" + filter.index(), name -> sd.constant(name,
                    Nd4j.create(k.values, new long[]{k.outer, k.kh, k.kw, k.inner}, 'c')
                            .permute(0, 3, 1, 2).dup('c'))); // → OIYX [out, in, kh, kw]
            convolve(op, out, o, k, weights, filter.dim(0));
        }

        private void depthwiseConv2d(TfliteOperator op, int out) {
            OperatorOptions.DepthwiseConv2D o = op.options(OperatorOptions.DepthwiseConv2D.class);
            TfliteTensor filter = model.tensor(op.input(1));
            int[] fs = filter.shape(); // [1, kh, kw, in * mult]
            int cin = value(op.input(0)).shape[3];
            if (fs[0] != 1 || fs[3] % cin != 0) {
                throw new UnsupportedOperationException("depthwise filter " + filter + " does not fit "
                        + cin + " input channels");
            }
            int mult = fs[3] / cin;
            Kernel k = Kernel.of(filter, o.dilationH(), o.dilationW()); // [1, kh, kw, in * mult]
            // Output channel ic·mult + m of TFLite reads input channel ic: exactly ND4J's [kh, kw, in, mult].
            SDVariable weights = constants.computeIfAbsent("w" + filter.index(), name -> sd.constant(name,
                    Nd4j.create(k.values, new long[]{k.kh, k.kw, cin, mult}, 'c')));
            convolve(op, out, o, k, weights, fs[3]);
        }

        /**
         * The part CONV_2D and DEPTHWISE_CONV_2D share once their weights are laid out (OIYX and YXIO):
         * the NCHW convolution with the operator's strides and padding, its optional bias of
         * {@code channels} values, and the fused activation.
         */
        private void convolve(TfliteOperator op, int out, OperatorOptions.Convolution o, Kernel k, SDVariable weights,
                              int channels) {
            boolean depthwise = o instanceof OperatorOptions.DepthwiseConv2D;
            Conv2DConfig config = Conv2DConfig.builder()
                    .kH(k.kh).kW(k.kw).sH(o.strideH()).sW(o.strideW()).dH(k.dh).dW(k.dw)
                    .pH(0).pW(0).paddingMode(padding(o.padding()))
                    .dataFormat(nhwcInside ? Conv2DConfig.NHWC : Conv2DConfig.NCHW)
                    .weightsFormat(depthwise ? WeightsFormat.YXIO : WeightsFormat.OIYX)
                    .build();
            SDVariable x = image(op.input(0));
            SDVariable bias = bias(op, channels);
            String name = preActivationName(out, o.activation());
            SDVariable y;
            if (depthwise) {
                y = bias == null ? sd.cnn.depthWiseConv2d(name, x, weights, config)
                        : sd.cnn.depthWiseConv2d(name, x, weights, bias, config);
            } else {
                y = bias == null ? sd.cnn.conv2d(name, x, weights, config)
                        : sd.cnn.conv2d(name, x, weights, bias, config);
            }
            produceImage(out, activate(out, y, o.activation()));
        }

        private SDVariable bias(TfliteOperator op, int channels) {
            int index = op.input(2);
            if (index == TfliteOperator.ABSENT) {
                return null;
            }
            TfliteTensor b = model.tensor(index);
            if (b.elementCount() != channels) {
                throw new IllegalStateException("bias " + b + " does not have " + channels + " values");
            }
            return constants.computeIfAbsent("b" + index, name -> sd.constant(name,
                    Nd4j.create(TensorValues.dequantize(b), new long[]{channels}, 'c')));
        }

        private void add(TfliteOperator op, int out) {
            FusedActivation act = op.options(OperatorOptions.Elementwise.class).activation();
            int[] outShape = model.tensor(out).shape();
            String name = preActivationName(out, act);
            if (outShape.length == 4) {
                SDVariable y = operandImage(op.input(0)).add(name, operandImage(op.input(1)));
                produceImage(out, activate(out, y, act));
            } else {
                SDVariable y = plain(op.input(0)).add(name, plain(op.input(1)));
                producePlain(out, activate(out, y, act));
            }
        }

        /** An ADD operand for a rank-4 result: an activation in the inner layout, or a constant broadcast like TFLite's. */
        private SDVariable operandImage(int index) {
            TfliteTensor t = model.tensor(index);
            if (t.rank() == 4) {
                return image(index); // an activation, or a rank-4 constant (laid out once by value())
            }
            if (!t.hasData()) {
                throw new UnsupportedOperationException("rank-" + t.rank() + " activation " + t
                        + " combined with an image tensor");
            }
            int[] s = t.shape();
            long[] nhwc = {1, 1, 1, 1}; // right-aligned like numpy broadcasting
            for (int i = 0; i < s.length; i++) {
                nhwc[4 - s.length + i] = s[i];
            }
            INDArray broadcast = Nd4j.create(TensorValues.dequantize(t), nhwc, 'c');
            return constants.computeIfAbsent("c" + index + "_b", name -> sd.constant(name,
                    nhwcInside ? broadcast : broadcast.permute(0, 3, 1, 2).dup('c')));
        }

        private void averagePool(TfliteOperator op, int out) {
            OperatorOptions.Pool2D o = op.options(OperatorOptions.Pool2D.class);
            Pooling2DConfig config = Pooling2DConfig.builder()
                    .kH(o.filterHeight()).kW(o.filterWidth()).sH(o.strideH()).sW(o.strideW())
                    .pH(0).pW(0).dH(1).dW(1).paddingMode(padding(o.padding()))
                    .type(Pooling2D.Pooling2DType.AVG)
                    .divisor(Pooling2D.Divisor.EXCLUDE_PADDING).extra(0) // TFLite: mean over in-image pixels
                    .isNHWC(nhwcInside).build();
            String name = preActivationName(out, o.activation());
            SDVariable y = sd.cnn.avgPooling2d(name, image(op.input(0)), config);
            produceImage(out, activate(out, y, o.activation()));
        }

        private void reshape(TfliteOperator op, int out) {
            int[] inShape = value(op.input(0)).shape;
            int[] outShape = model.tensor(out).shape();
            if (inShape.length == 0 || outShape.length == 0 || inShape[0] != outShape[0]) {
                throw new UnsupportedOperationException("RESHAPE " + Arrays.toString(inShape) + " → "
                        + Arrays.toString(outShape) + " does not keep the batch axis");
            }
            SDVariable source;
            if (inShape.length == 4) {
                Value v = value(op.input(0));
                // NCHW and NHWC hold the same element order when H·W = 1 or C = 1 (e.g. MobileNet's [N,1,1,1001]).
                source = sameOrder(inShape) ? (v.nchw != null ? v.nchw : v.nhwc) : nhwc(op.input(0));
            } else {
                source = plain(op.input(0));
            }
            String name = "t" + out;
            if (outShape.length == 4) {
                if (sameOrder(outShape) && !nhwcInside) {
                    produceNchw(out, sd.reshape(name, source, -1, outShape[3], outShape[1], outShape[2]));
                } else {
                    Value v = newValue(out);
                    v.nhwc = sd.reshape(name, source, -1, outShape[1], outShape[2], outShape[3]);
                }
            } else {
                long[] target = new long[outShape.length];
                target[0] = -1;
                for (int i = 1; i < outShape.length; i++) {
                    target[i] = outShape[i];
                }
                producePlain(out, sd.reshape(name, source, target));
            }
        }

        private static boolean sameOrder(int[] nhwc) {
            return nhwc[1] * nhwc[2] == 1 || nhwc[3] == 1;
        }

        private void softmax(TfliteOperator op, int out) {
            float beta = op.options(OperatorOptions.Softmax.class).beta();
            Value in = value(op.input(0));
            SDVariable x = in.image() ? image(op.input(0)) : plain(op.input(0));
            int axis = in.image() ? (nhwcInside ? 3 : 1) : in.shape.length - 1; // TFLite: the last (channel) axis
            if (beta != 1f) {
                x = x.mul("t" + out + "_scaled", beta);
            }
            SDVariable y = sd.nn.softmax("t" + out, x, axis);
            if (in.image()) {
                produceImage(out, y);
            } else {
                producePlain(out, y);
            }
        }

        private void concatenation(TfliteOperator op, int out) {
            OperatorOptions.Concatenation o = op.options(OperatorOptions.Concatenation.class);
            int rank = model.tensor(out).rank();
            int axis = o.axis() < 0 ? o.axis() + rank : o.axis();
            int[] in = op.inputs();
            SDVariable[] parts = new SDVariable[in.length];
            String name = preActivationName(out, o.activation());
            if (rank == 4) {
                for (int i = 0; i < in.length; i++) {
                    parts[i] = operandImage(in[i]);
                }
                SDVariable y = sd.concat(name, nhwcInside ? axis : new int[]{0, 2, 3, 1}[axis], parts);
                produceImage(out, activate(out, y, o.activation()));
            } else {
                for (int i = 0; i < in.length; i++) {
                    parts[i] = plain(in[i]);
                }
                producePlain(out, activate(out, sd.concat(name, axis, parts), o.activation()));
            }
        }

        /**
         * RESIZE_BILINEAR as two products with constant interpolation matrices, out = R_h · x · R_wᵀ per
         * channel (bilinear interpolation is separable), so it runs in the graph's layout and survives save/load: ND4J
         * 1.0.0-M2.1's own resize_bilinear op (NHWC) computes the same but a saved graph holding it cannot
         * be loaded ("Error setting property for function ...ResizeBilinear": its Integer height/width).
         */
        private void resizeBilinear(TfliteOperator op, int out) {
            OperatorOptions.ResizeBilinear o = op.options(OperatorOptions.ResizeBilinear.class);
            int[] size = TensorValues.ints(model.tensor(op.input(1))); // [height, width]
            Value in = value(op.input(0));
            int h = in.shape[1], w = in.shape[2];
            if (h == size[0] && w == size[1]) {
                values[out] = in; // same size: every sampling mode returns the input
                return;
            }
            INDArray ry = interpolation(h, size[0], o.alignCorners(), o.halfPixelCenters());        // [outH, h]
            INDArray rxT = interpolation(w, size[1], o.alignCorners(), o.halfPixelCenters())
                    .transpose().dup('c');                                                           // [w, outW]
            if (nhwcInside) { // the same products in the same order (along W, then H) from NHWC
                SDVariable alongW = sd.tensorMmul("t" + out + "_w", nhwc(op.input(0)),
                        sd.constant("t" + out + "_rxT", rxT), new int[]{2}, new int[]{0});           // [N, h, C, outW]
                SDVariable both = sd.tensorMmul("t" + out + "_hw", sd.constant("t" + out + "_ry", ry), alongW,
                        new int[]{1}, new int[]{1});                                                 // [outH, N, C, outW]
                newValue(out).nhwc = sd.permute("t" + out, both, 1, 0, 3, 2);
                return;
            }
            SDVariable alongW = sd.tensorMmul("t" + out + "_w", nchw(op.input(0)),
                    sd.constant("t" + out + "_rxT", rxT), new int[]{3}, new int[]{0});               // [N, C, h, outW]
            SDVariable both = sd.tensorMmul("t" + out + "_hw", sd.constant("t" + out + "_ry", ry), alongW,
                    new int[]{1}, new int[]{2});                                                     // [outH, N, C, outW]
            produceNchw(out, sd.permute("t" + out, both, 1, 2, 0, 3));
        }

        /**
         * The [out, in] matrix of 1-D linear interpolation weights with TFLite's sampling positions
         * (the reference kernel's arithmetic: align_corners scale (in − 1) / (out − 1), half-pixel centres,
         * edge clamping), so that bilinear = R_h · x · R_wᵀ.
         */
        static INDArray interpolation(int in, int out, boolean alignCorners, boolean halfPixelCenters) {
            float scale = alignCorners && out > 1 ? (in - 1) / (float) (out - 1) : in / (float) out;
            float[] m = new float[out * in];
            for (int o = 0; o < out; o++) {
                float s = halfPixelCenters ? (o + 0.5f) * scale - 0.5f : o * scale;
                int i0 = Math.max((int) Math.floor(s), 0);
                int i1 = Math.min((int) Math.ceil(s), in - 1);
                float d = s - i0;
                m[o * in + i0] += 1 - d;
                m[o * in + i1] += d;
            }
            return Nd4j.create(m, new long[]{out, in}, 'c');
        }

        private void argMax(TfliteOperator op, int out) {
            OperatorOptions.ArgMax o = op.options(OperatorOptions.ArgMax.class);
            int axis = TensorValues.ints(model.tensor(op.input(1)))[0];
            Value in = value(op.input(0));
            int rank = in.shape.length;
            axis = axis < 0 ? axis + rank : axis;
            SDVariable x;
            if (!in.image()) {
                x = in.plain;
            } else if (in.nhwc != null) {
                x = in.nhwc;
            } else {
                x = in.nchw;
                axis = new int[]{0, 2, 3, 1}[axis];
            }
            SDVariable y = sd.argmax("t" + out, x, false, axis);
            DataType type = o.outputType() == TensorType.INT32 ? DataType.INT32 : DataType.INT64;
            if (y.dataType() != type) {
                y.rename("t" + out + "_raw");
                y = sd.castTo("t" + out, y, type);
            }
            producePlain(out, y);
        }

        // ---------------------------------------------------------------- helpers

        /**
         * A dequantised [outer, kh, kw, inner] filter. ND4J 1.0.0-M2.1's oneDNN build cannot run dilated
         * convolutions ("could not create a descriptor for a dilated convolution forward propagation
         * primitive", conv2d and depthwise_conv2d alike), so a dilated filter is spread out here into the
         * dense (k − 1)·d + 1 kernel with zeros between the taps and run undilated: the same sums exactly
         * (the extra terms are 0 × x) and the same SAME padding, which TFLite computes from that extent.
         */
        private record Kernel(float[] values, int outer, int kh, int kw, int inner, int dh, int dw) {
            static Kernel of(TfliteTensor filter, int dilationH, int dilationW) {
                int[] s = filter.shape();
                float[] w = TensorValues.dequantize(filter);
                if (dilationH == 1 && dilationW == 1) {
                    return new Kernel(w, s[0], s[1], s[2], s[3], 1, 1);
                }
                int outer = s[0], kh = s[1], kw = s[2], inner = s[3];
                int eh = (kh - 1) * dilationH + 1, ew = (kw - 1) * dilationW + 1;
                float[] dense = new float[outer * eh * ew * inner];
                for (int o = 0; o < outer; o++) {
                    for (int y = 0; y < kh; y++) {
                        for (int x = 0; x < kw; x++) {
                            System.arraycopy(w, ((o * kh + y) * kw + x) * inner, dense,
                                    ((o * eh + y * dilationH) * ew + x * dilationW) * inner, inner);
                        }
                    }
                }
                return new Kernel(dense, outer, eh, ew, inner, 1, 1);
            }
        }

        private static PaddingMode padding(Padding p) {
            return p == Padding.SAME ? PaddingMode.SAME : PaddingMode.VALID;
        }

        private static String preActivationName(int out, FusedActivation act) {
            return act == FusedActivation.NONE ? "t" + out : "t" + out + "_linear";
        }

        private SDVariable activate(int out, SDVariable x, FusedActivation act) {
            String name = "t" + out;
            return switch (act) {
                case NONE -> x;
                case RELU -> sd.nn.relu(name, x, 0);
                case RELU6 -> sd.nn.relu6(name, x, 0);
                case RELU_N1_TO_1 -> sd.clipByValue(name, x, -1, 1);
                case TANH -> sd.math.tanh(name, x);
                case SIGN_BIT -> throw new UnsupportedOperationException("fused activation SIGN_BIT");
            };
        }

        private Value newValue(int index) {
            Value v = new Value(model.tensor(index).shape());
            values[index] = v;
            return v;
        }

        private void produceNchw(int index, SDVariable var) {
            newValue(index).nchw = var;
        }

        /** A rank-4 activation computed in the inner layout. */
        private void produceImage(int index, SDVariable var) {
            if (nhwcInside) {
                newValue(index).nhwc = var;
            } else {
                newValue(index).nchw = var;
            }
        }

        /** A rank-4 value in the inner layout (transposed once, where first needed, if it exists only in the other). */
        private SDVariable image(int index) {
            return nhwcInside ? nhwc(index) : nchw(index);
        }

        private void producePlain(int index, SDVariable var) {
            newValue(index).plain = var;
        }

        private Value value(int index) {
            Value v = values[index];
            if (v != null) {
                return v;
            }
            TfliteTensor t = model.tensor(index);
            if (!t.hasData()) {
                throw new IllegalStateException("tensor " + t + " is read before any operator computed it");
            }
            v = new Value(t.shape()); // a constant used as an activation
            long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
            INDArray data = Nd4j.create(TensorValues.dequantize(t), shape, 'c');
            if (v.image() && nhwcInside) {
                v.nhwc = sd.constant("c" + index, data);
            } else if (v.image()) {
                v.nchw = sd.constant("c" + index, data.permute(0, 3, 1, 2).dup('c'));
            } else {
                v.plain = sd.constant("c" + index, data);
            }
            values[index] = v;
            return v;
        }

        private SDVariable nchw(int index) {
            Value v = value(index);
            if (v.nchw == null) {
                v.nchw = sd.permute(v.nhwc.name() + "_nchw", v.nhwc, 0, 3, 1, 2);
            }
            return v.nchw;
        }

        private SDVariable nhwc(int index) {
            Value v = value(index);
            if (v.nhwc == null) {
                v.nhwc = sd.permute(v.nchw.name() + "_nhwc", v.nchw, 0, 2, 3, 1);
            }
            return v.nhwc;
        }

        private SDVariable plain(int index) {
            Value v = value(index);
            if (v.image()) {
                throw new UnsupportedOperationException("tensor " + model.tensor(index)
                        + " is an image where a rank-" + v.shape.length + " operand was expected");
            }
            return v.plain;
        }
    }
}
