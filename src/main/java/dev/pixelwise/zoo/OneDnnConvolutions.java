package dev.pixelwise.zoo;

import dev.pixelwise.zoo.ArrayPool.Key;
import dev.pixelwise.zoo.GraphPlanner.Step;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.jboss.logging.Logger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.shape.Concat;
import org.nd4j.linalg.api.ops.impl.shape.Permute;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.algorithm;
import static org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * The convolutions of one {@link GraphRunner} plan run as oneDNN primitives made once, with the
 * ReLU6 or ReLU, or the residual ADD, that follows a convolution fused into it (oneDNN post-ops), instead
 * of through ND4J's conv2d / depthwise_conv2d ops.
 *
 * <p>Why: ND4J 1.0.0-M2.1 runs its convolutions on oneDNN too, but every call builds the primitive
 * descriptor again, reorders the weights into oneDNN's blocked layout again, and the ReLU6 and ADD
 * after it are separate ops that each read and write the whole activation. Measured with
 * bench/profile.sh on MobileNetV2 (AMD EPYC, 2 cores): of 8.6 ms in conv2d ops, 3.3 ms were the
 * convolution primitives, 1.6 ms weight reorders and 3.7 ms set-up outside the primitives; ReLU6 and
 * ADD another 1.2 ms. Here the primitives, their descriptors and the reordered weights are made on a
 * plan's first fused call (in each precision) and kept ({@link Weights}: shared by the runner's plans);
 * a call only points the primitives at the plan's arrays.
 *
 * <p>NHWC convolutions (the TFLite graphs) give the same numbers as ND4J, bit for bit: the binding is
 * oneDNN 2.3, the version built into ND4J 1.0.0-M2.1's onednn natives, the activations stay ND4J arrays in NHWC (oneDNN's {@code acdb}, the layout ND4J's own
 * calls chose), so the same kernels run on the same data. The post-ops compute what ND4J's ops did: a
 * clip to [0, 6] (or [0, max]) is relu6 (relu); a sum post-op into the residual's own array, whose last
 * reader the ADD was, is the ADD (fl(conv + bias) + residual, the same rounding). The tests compare with
 * ND4J's ops. Measured and not used: the residual as a binary post-op (oneDNN 2.3 then leaves brgconv for
 * the projection convolutions: 8× slower and up to 8e-6 off); oneDNN 2.5.2 (the JavaCPP 1.5.7 binding)
 * differed by up to 5e-6 even without post-ops. {@link #fusable} decides which steps qualify; everything
 * else runs through ND4J as before. Set {@code -Dpixelwise.zoo.onednn-fusion=false} to run every op
 * through ND4J.
 *
 * <p>NCHW convolutions (the ESRGAN graphs) keep their activations in oneDNN's nChw16c layout between them
 * ({@link #blocked}); there another kernel sums in another order than ND4J's (within 1e-6; it is the one
 * PyTorch runs, whose outputs they now equal). With {@link Precision#BF16} every convolution reads its input
 * and weights as bfloat16 (the input through a reorder into the runner's scratch memory). With
 * {@link Precision#INT8} a convolution whose input has a calibrated range ({@link Int8Ranges}) reads it as u8 or
 * s8 (the reorder into scratch applies the scale) and its weights as s8 with a scale per output channel, and
 * writes float32. oneDNN 2.3's int8 kernels take NHWC only (nChw16c gives its reference code), so the output
 * comes back into nChw16c through a reorder too: esrgan-thick ×4 on 64² (bench/profile.sh), the convolutions
 * ran at 540–720 GFLOP/s, input reorders took 15 % of the pass and output reorders 7.5 %.
 *
 * <p>Not thread-safe: its runner's lock guards it (one oneDNN stream per instance).
 */
final class OneDnnConvolutions implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OneDnnConvolutions.class);

    /** Read once: the fast path is on unless {@code pixelwise.zoo.onednn-fusion=false}. */
    static final boolean ENABLED = !"false".equals(System.getProperty("pixelwise.zoo.onednn-fusion"));

    private static volatile Boolean available;
    private static engine cpu;

    /** A convolution with what is fused into it: steps {@code conv} .. {@code last}, writing {@code output}. */
    static final class Group {
        final int conv;
        final int last;
        final String input;
        final String output;
        /** The fused activation's op name, "relu6" or "relu", or null. */
        final String activation;
        /**
         * The other operand of a fused residual ADD, or null: its array becomes the destination, and the
         * convolution adds into it (a sum post-op), so the ADD's output lives where this operand was.
         */
        final String residual;
        /**
         * The variable whose array the convolution reads: its input, or the NCHW graph input that a permute to
         * NHWC, now skipped, made its input from ({@link #permuted()}); oneDNN's reorder does that permute.
         */
        String source;
        // made on first use
        convolution_forward primitive;
        memory src;
        memory dst;
        IntMemoryMap args;
        long srcAt; // the addresses src and dst point at: a repeated call usually gets the same pooled arrays
        long dstAt;
        /** NCHW only: whether the input and the output live in oneDNN's nChw16c blocked layout ({@link #blocked}). */
        boolean srcBlocked;
        boolean dstBlocked;
        /** Whether it computes in int8 (u8 or s8 input, s8 weights; {@link Precision#INT8} with a calibrated range). */
        boolean int8;
        // when the primitive wants other layouts (or bf16) than the arrays have: reorders through the runner's
        // scratch memory (Weights.scratch), which these point into on every call
        reorder srcReorder;
        memory srcScratch;
        long srcScratchBytes;
        reorder dstReorder;
        memory dstScratch;
        long dstScratchBytes;
        reorder dstPreload; // a residual's values into the scratch destination before a sum post-op

        Group(int conv, int last, String input, String output, String activation, String residual) {
            this.conv = conv;
            this.last = last;
            this.input = input;
            this.output = output;
            this.activation = activation;
            this.residual = residual;
            this.source = input;
        }

        /** Whether it reads the NCHW graph input in place of its permuted input ({@link #source}). */
        boolean permuted() {
            return !source.equals(input);
        }

        /** What the profile calls it: "conv2d+relu6 (oneDNN)" and the like. */
        String kind(String op) {
            return op + (activation != null ? "+" + activation : "") + (residual != null ? "+add" : "")
                    + " (oneDNN" + (permuted() ? ", permuted input" : "") + (srcBlocked || dstBlocked ? ", nChw16c" : "") + (int8 ? ", int8" : "") + ")";
        }
    }

    private final List<Step> program;
    private final Map<String, INDArray> constants;
    private final Map<Integer, Group> byConv = new HashMap<>();
    private final Set<Integer> absorbed = new HashSet<>();
    /** Variables that live in oneDNN's nChw16c layout (NCHW graphs, batch 1; see {@link #blocked}). */
    private final Set<String> blockedVars = new HashSet<>();
    /** Per step that cannot read the blocked layout: which of its inputs must be reordered to NCHW first. */
    private final Map<Integer, int[]> plainBefore = new HashMap<>();
    /** nChw16c → NCHW reorders by shape, for {@link #toPlain}. */
    private final Map<List<Long>, PlainReorder> plainReorders = new HashMap<>();

    /** A reorder primitive and the two memories it runs between, pointed at the arrays of each call. */
    private record PlainReorder(memory from, memory to, reorder primitive) {
    }
    private final List<Pointer> owned = new ArrayList<>();
    private stream stream;

    private final Weights weights;
    private final Precision precision;
    /** {@link Precision#INT8}'s calibrated input ranges (null: none; a convolution without one computes in float32). */
    private final Int8Ranges ranges;
    /** Shown every convolution's input before it runs, or null: how {@link GraphRunner#calibrate} sees ranges. */
    private BiConsumer<String, INDArray> observer;

    private OneDnnConvolutions(List<Step> program, Map<String, INDArray> constants, Weights weights, Precision precision,
                               Int8Ranges ranges) {
        this.program = program;
        this.constants = constants;
        this.weights = weights;
        this.precision = precision;
        this.ranges = ranges;
    }

    void observe(BiConsumer<String, INDArray> observer) {
        this.observer = observer;
    }

    /**
     * A runner's weights in the layouts its primitives asked for, shared by its plans: a classifier sees
     * batches of 1 to 8 images, a plan each, and MobileNetV2's weights are 14 MB. Keyed by the weights'
     * variable and the layout (oneDNN's memory descriptor, byte for byte); freed with the runner.
     */
    static final class Weights implements AutoCloseable {
        private final Map<String, memory> reordered = new HashMap<>();
        private final List<Pointer> owned = new ArrayList<>();
        private final BytePointer[] scratch = new BytePointer[2];

        /**
         * At least {@code bytes} of scratch memory in slot 0 (a primitive's input) or 1 (its output), 64-byte
         * aligned, shared by every convolution of the runner's plans: calls run one at a time, and a
         * convolution's own would cost its input's size each (about 1 GB for esrgan-thick's plan of a 160²
         * tile in bf16). Grows as asked; the address may change, so callers point at it on every call.
         */
        Pointer scratch(int slot, long bytes) {
            BytePointer p = scratch[slot];
            if (p == null || p.capacity() < bytes + 64) {
                if (p != null) {
                    p.close();
                }
                p = new BytePointer(bytes + 64);
                scratch[slot] = p;
            }
            long at = p.address();
            return new Address((at + 63) & ~63L);
        }

        memory get(String name, INDArray w, memory.desc user, memory.desc layout, primitive_attr scales, stream stream) {
            dnnl_memory_desc_t d = layout.data();
            byte[] bytes = new byte[(int) d.sizeof()];
            new BytePointer(d).get(bytes);
            return reordered.computeIfAbsent(name + "@" + Base64.getEncoder().encodeToString(bytes), k -> {
                memory from = own(new memory(user, cpu, new Address(address(w))));
                memory to = own(new memory(layout, cpu));
                own(scales == null ? new reorder(from, to) : new reorder(from, to, scales)).execute(stream, from, to);
                stream._wait();
                return to;
            });
        }

        private <P extends Pointer> P own(P p) {
            owned.add(p);
            return p;
        }

        @Override
        public void close() {
            for (int i = owned.size() - 1; i >= 0; i--) {
                owned.get(i).close();
            }
            owned.clear();
            reordered.clear();
            for (int i = 0; i < scratch.length; i++) {
                if (scratch[i] != null) {
                    scratch[i].close();
                    scratch[i] = null;
                }
            }
        }
    }

    /**
     * The fusable convolutions of a plan, or null when there are none (or oneDNN's library is not
     * available here, or the fast path is off).
     *
     * @param shapes  every step's output shapes (the plan's)
     * @param outputs the variables the caller asked for (never fused away)
     * @param weights the runner's reordered weights, which its plans share
     * @param precision what the convolutions compute in: {@link Precision#BF16} reads input and weights as
     *                  bfloat16 (the input through a reorder into scratch memory), accumulates and writes float32
     */
    static OneDnnConvolutions of(List<Step> program, List<List<Key>> shapes, Map<String, INDArray> constants,
                                 List<String> outputs, Set<String> placed, Weights weights, Precision precision,
                                 Int8Ranges ranges) {
        if (!ENABLED || !available()) {
            return null;
        }
        Map<String, List<Integer>> readers = new HashMap<>();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < program.size(); i++) {
            for (String in : program.get(i).inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            for (int o = 0; o < program.get(i).outputs().size(); o++) {
                producer.put(program.get(i).outputs().get(o), i);
            }
        }
        OneDnnConvolutions fused = new OneDnnConvolutions(program, constants, weights, precision, ranges);
        for (int i = 0; i < program.size(); i++) {
            Step s = program.get(i);
            if (!fusable(s, constants) || shapes.get(i).size() != 1) {
                continue;
            }
            String c = s.outputs().get(0);
            List<Integer> r = readers.getOrDefault(c, List.of());
            Group g = new Group(i, i, s.inputs().get(0), c, null, null);
            if (!outputs.contains(c) && r.size() == 1) { // the convolution's output is read by one op alone
                int k = r.get(0);
                Step next = program.get(k);
                String name = next.op().opName();
                if ((name.equals("relu6") || name.equals("relu")) && next.inputs().size() == 1
                        && next.outputs().size() == 1 && cutoff(next) == 0) {
                    g = new Group(i, k, g.input, next.outputs().get(0), name, null);
                } else if (name.equals("add") && next.inputs().size() == 2 && next.outputs().size() == 1) {
                    String other = next.inputs().get(next.inputs().get(0).equals(c) ? 1 : 0);
                    String sum = next.outputs().get(0);
                    Integer made = producer.get(other);
                    int conv = i;
                    boolean free = made != null && made < i && !other.equals(c) // computed here, not the caller's input
                            && readers.get(other).stream().allMatch(j -> j < conv || j == k) // nothing reads it in between
                            && !outputs.contains(other) && !outputs.contains(sum)
                            && !placed.contains(other) && !placed.contains(sum) // not inside a shared buffer
                            && shapes.get(made).get(program.get(made).outputs().indexOf(other)).equals(shapes.get(i).get(0))
                            && shapes.get(k).get(0).equals(shapes.get(i).get(0));
                    if (free) {
                        g = new Group(i, k, g.input, sum, null, other);
                    }
                }
            }
            Integer permute = producer.get(g.input);
            if (permute != null && Conv.of(s).nhwc() && toNhwc(program.get(permute), producer, constants)
                    && readers.get(g.input).size() == 1 && !outputs.contains(g.input) && !placed.contains(g.input)) {
                g.source = program.get(permute).inputs().get(0);
                fused.absorbed.add(permute);
            }
            fused.byConv.put(i, g);
            if (g.last != i) {
                fused.absorbed.add(g.last);
            }
        }
        fused.blocked(shapes, outputs);
        return fused.byConv.isEmpty() ? null : fused;
    }

    /**
     * Chooses which variables of an NCHW graph live in oneDNN's nChw16c blocked layout, and drops the NCHW
     * convolutions that would gain nothing.
     *
     * <p>Why: oneDNN's fast float kernels do not read plain NCHW. Through ND4J's conv2d every ESRGAN
     * convolution reordered its input to NHWC and its output back (bench/profile.sh, esrgan-thick ×4:
     * 20 % of the pass), and NHWC is no home for the activations between them: the dense blocks'
     * concatenations along channels are contiguous only with the channels outermost, and oneDNN 2.3's
     * NHWC kernel falls back to its reference code (over 50× slower) when reading a channel slice of a
     * wider buffer. nChw16c with batch 1 keeps both: a channel slice that starts at a multiple of 16 is a
     * contiguous block, so the in-place concatenations stay, and oneDNN's avx512 kernel for it runs as
     * fast as the NHWC one (230 GFLOP/s on both, 160² tiles of ESRGAN's layers, 2 cores).
     *
     * <p>A variable is blocked with every variable it meets through an element-wise op or a channel
     * concatenation (those ops compute the same on either layout, position by position), when all of them
     * are float [1, C, H, W] with C a multiple of 16, made by a fused convolution or such an op, and none is
     * asked for. Any other op that reads a blocked variable gets an NCHW copy first ({@link #plainInputs}).
     * The numbers are not ND4J's bit for bit (another kernel sums in another order; measured below 1e-6 of
     * the values on ESRGAN); the NHWC path keeps ND4J's kernels and its bits.
     */
    private void blocked(List<List<Key>> shapes, List<String> outputs) {
        Map<String, Key> key = new HashMap<>();
        Map<String, String> parent = new HashMap<>();
        Set<String> made = new HashSet<>(); // by an NCHW group or a layout-free op
        for (int i = 0; i < program.size(); i++) {
            for (int o = 0; o < program.get(i).outputs().size(); o++) {
                key.put(program.get(i).outputs().get(o), shapes.get(i).get(o));
            }
        }
        for (Group g : byConv.values()) {
            if (!Conv.of(program.get(g.conv)).nhwc()) {
                made.add(g.output);
                if (g.residual != null) {
                    union(parent, g.residual, g.output);
                }
            }
        }
        for (int i = 0; i < program.size(); i++) {
            Step s = program.get(i);
            if (absorbed.contains(i) || byConv.containsKey(i) || !layoutFree(s, key)) {
                continue;
            }
            made.addAll(s.outputs());
            for (String in : s.inputs()) {
                if (!constants.containsKey(in)) {
                    union(parent, in, s.outputs().get(0));
                }
            }
        }
        Set<String> names = new HashSet<>(key.keySet());
        names.addAll(parent.keySet()); // the graph's input too, when an op joins it to the rest
        names.addAll(parent.values());
        Map<String, Boolean> fits = new HashMap<>();
        for (String v : names) {
            Key k = key.get(v);
            boolean ok = k != null && made.contains(v) && !outputs.contains(v) && k.type() == DataType.FLOAT
                    && k.order() == 'c' && k.shape().length == 4 && k.shape()[0] == 1 && k.shape()[1] % 16 == 0;
            fits.merge(find(parent, v), ok, Boolean::logicalAnd);
        }
        for (String v : key.keySet()) {
            if (fits.getOrDefault(find(parent, v), false) && made.contains(v)) {
                blockedVars.add(v);
            }
        }
        for (Iterator<Map.Entry<Integer, Group>> it = byConv.entrySet().iterator(); it.hasNext(); ) {
            Group g = it.next().getValue();
            if (Conv.of(program.get(g.conv)).nhwc()) {
                continue;
            }
            g.srcBlocked = blockedVars.contains(g.input);
            g.dstBlocked = blockedVars.contains(g.output);
            if (!g.srcBlocked && !g.dstBlocked) { // plain in, plain out: ND4J's conv2d does as well
                absorbed.remove(g.last);
                it.remove();
            }
        }
        for (int i = 0; i < program.size(); i++) {
            Step s = program.get(i);
            if (absorbed.contains(i) || byConv.containsKey(i) || layoutFree(s, key)) {
                continue;
            }
            List<Integer> reorder = new ArrayList<>();
            for (int a = 0; a < s.inputs().size(); a++) {
                if (blockedVars.contains(s.inputs().get(a))) {
                    reorder.add(a);
                }
            }
            if (!reorder.isEmpty()) {
                plainBefore.put(i, reorder.stream().mapToInt(Integer::intValue).toArray());
            }
        }
    }

    /**
     * An op that computes the same whichever layout its arrays share: a scalar op or ReLU (6) on one
     * variable, an ADD / multiply / subtract of two variables of one shape, a concatenation along channels
     * of rank-4 arrays (with batch 1 each input is one contiguous block in either layout).
     */
    private boolean layoutFree(Step s, Map<String, Key> key) {
        if (s.outputs().size() != 1) {
            return false;
        }
        String name = s.op().opName();
        List<String> vars = s.inputs().stream().filter(in -> !constants.containsKey(in)).toList();
        if (s.op() instanceof BaseScalarOp || name.equals("relu6") || name.equals("relu")) {
            return s.inputs().size() == 1 && vars.size() == 1;
        }
        if (name.equals("add") || name.equals("multiply") || name.equals("subtract")) {
            Key out = key.get(s.outputs().get(0));
            return vars.size() == 2 && s.inputs().size() == 2 && out != null
                    && vars.stream().allMatch(v -> out.equals(key.get(v)));
        }
        if (s.op() instanceof Concat concat) {
            long[] iArgs = concat.iArgs();
            Key out = key.get(s.outputs().get(0));
            return out != null && out.shape().length == 4 && iArgs.length == 1 && (iArgs[0] == 1 || iArgs[0] == -3)
                    && vars.size() == s.inputs().size();
        }
        return false;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a), rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(ra, rb);
        }
    }

    private static String find(Map<String, String> parent, String v) {
        String r = v;
        while (parent.containsKey(r)) {
            r = parent.get(r);
        }
        return r;
    }

    /** The inputs of step {@code i} that are blocked while the step reads NCHW only (null: none). */
    int[] plainInputs(int i) {
        return plainBefore.get(i);
    }

    /** Copies blocked array {@code from} (nChw16c, [1, C, H, W]) into {@code to} as plain NCHW. */
    void toPlain(INDArray from, INDArray to) {
        PlainReorder r = plainReorders.computeIfAbsent(Arrays.stream(from.shape()).boxed().toList(), shape -> {
            if (stream == null) {
                stream = keep(new stream(cpu));
            }
            long[] dims = from.shape();
            memory blocked = keep(new memory(keep(new memory.desc(dims, memory.data_type.f32, memory.format_tag.nChw16c)), cpu,
                    new Address(address(from))));
            memory plain = keep(new memory(keep(new memory.desc(dims, memory.data_type.f32, memory.format_tag.nchw)), cpu,
                    new Address(address(to))));
            return new PlainReorder(blocked, plain, keep(new reorder(blocked, plain)));
        });
        r.from().set_data_handle(new Address(address(from)));
        r.to().set_data_handle(new Address(address(to)));
        r.primitive().execute(stream, r.from(), r.to());
        stream._wait();
    }

    /**
     * A float32 conv2d (OIYX weights) or depthwise_conv2d (YXIO) in NHWC, or a conv2d in NCHW, stride any,
     * no dilation (the importers spread dilated kernels out), SAME or VALID padding, with constant weights
     * and bias. An NCHW one stays fused only if its input or output is blocked ({@link #blocked}): with the
     * plain reorders into and out of NHWC around the primitive, made once, esrgan-thick ×4 on 64² measured
     * 372 ms against 388 ms through ND4J, within the noise.
     */
    static boolean fusable(Step s, Map<String, INDArray> constants) {
        Conv conv = Conv.of(s);
        if (conv == null || (!conv.nhwc && conv.depthwise) || conv.dh != 1 || conv.dw != 1 || conv.padding == null
                || s.inputs().size() != 3 || s.outputs().size() != 1) {
            return false;
        }
        INDArray w = constants.get(s.inputs().get(1));
        INDArray b = constants.get(s.inputs().get(2));
        return w != null && b != null && w.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT
                && w.rank() == 4 && b.rank() == 1 && w.ordering() == 'c' && !w.isView() && !b.isView();
    }

    /**
     * A convolution's settings from its integer arguments ({@link WindowArgs}), which are what ND4J runs by:
     * a graph read back from its file has a config object whose weights format is the default, not the
     * graph's. conv2d must have OIYX weights; depthwise_conv2d's are always [kh, kw, in, mult].
     */
    record Conv(boolean depthwise, long kh, long kw, long sh, long sw, long dh, long dw, PaddingMode padding, boolean nhwc) {
        static Conv of(Step s) {
            boolean depthwise = s.op() instanceof DepthwiseConv2D;
            if (!(s.op() instanceof Conv2D) && !depthwise) {
                return null;
            }
            WindowArgs w = WindowArgs.of(s.op());
            if (w == null || (!depthwise && w.weightsFormat() != 1) || w.ph() != 0 || w.pw() != 0) {
                return null;
            }
            PaddingMode padding = w.mode() == 1 ? PaddingMode.SAME : w.mode() == 0 ? PaddingMode.VALID : null;
            return new Conv(depthwise, w.kh(), w.kw(), w.sh(), w.sw(), w.dh(), w.dw(), padding, w.channelsLast());
        }
    }

    /**
     * A permute NCHW → NHWC of the graph's input (the TFLite graphs' first step): a convolution reading its output
     * can read the input itself, through a oneDNN reorder into scratch memory, a copy like the permute's. Measured
     * on MobileNetV2 (AMD EPYC, 2 cores): ND4J's permute took 0.11 ms per pass. Only the graph's input: it lives
     * through the whole call, so reading it later than the permute did frees nothing too early.
     */
    private static boolean toNhwc(Step s, Map<String, Integer> producer, Map<String, INDArray> constants) {
        return s.op() instanceof Permute p && Arrays.equals(p.iArgs(), new long[]{0, 2, 3, 1}) && s.inputs().size() == 1
                && s.outputs().size() == 1 && !producer.containsKey(s.inputs().get(0)) && !constants.containsKey(s.inputs().get(0));
    }

    /** The lower bound of a ReLU or ReLU6 op (ND4J's relu(x, cutoff)); NaN when it cannot be read. */
    private static double cutoff(Step relu) {
        if (relu.op() instanceof BaseScalarOp scalar && scalar.scalar() != null) {
            return scalar.scalar().getDouble(0);
        }
        if (relu.op() instanceof DynamicCustomOp custom && custom.tArgs().length > 0) {
            return custom.tArgs()[0];
        }
        return Double.NaN; // unknown: not fused
    }

    /** The group whose convolution is step {@code i}, or null. */
    Group group(int i) {
        return byConv.get(i);
    }

    /** True when step {@code i} is a ReLU or ReLU6 that runs inside a fused convolution. */
    boolean absorbed(int i) {
        return absorbed.contains(i);
    }

    /** Runs group {@code g}: reads {@code x}, writes {@code out} (c order, in the convolution's layout). */
    void execute(Group g, INDArray x, INDArray out) {
        if (observer != null) {
            observer.accept(g.input, x);
        }
        if (g.primitive == null) {
            make(g, x, out);
        }
        long srcAt = address(x), dstAt = address(out);
        if (srcAt != g.srcAt) {
            g.src.set_data_handle(new Address(srcAt));
            g.srcAt = srcAt;
        }
        if (dstAt != g.dstAt) {
            g.dst.set_data_handle(new Address(dstAt));
            g.dstAt = dstAt;
        }
        if (g.srcReorder != null) {
            g.srcScratch.set_data_handle(weights.scratch(0, g.srcScratchBytes));
            g.srcReorder.execute(stream, g.src, g.srcScratch);
        }
        if (g.dstScratch != null) {
            g.dstScratch.set_data_handle(weights.scratch(1, g.dstScratchBytes));
        }
        if (g.dstPreload != null) {
            g.dstPreload.execute(stream, g.dst, g.dstScratch);
        }
        g.primitive.execute(stream, g.args);
        if (g.dstReorder != null) {
            g.dstReorder.execute(stream, g.dstScratch, g.dst);
        }
        stream._wait();
    }

    private void make(Group g, INDArray x, INDArray out) {
        Step s = program.get(g.conv);
        Conv c = Conv.of(s);
        boolean depthwise = c.depthwise();
        INDArray w = constants.get(s.inputs().get(1));
        INDArray b = constants.get(s.inputs().get(2));
        boolean nhwc = c.nhwc();
        boolean xNhwc = nhwc && !g.permuted(); // the array read: the convolution's NHWC input, or the NCHW one permuted
        long n = x.size(0), ih = x.size(xNhwc ? 1 : 2), iw = x.size(xNhwc ? 2 : 3), ic = x.size(xNhwc ? 3 : 1);
        long oh = out.size(nhwc ? 1 : 2), ow = out.size(nhwc ? 2 : 3), oc = out.size(nhwc ? 3 : 1);
        long kh = c.kh(), kw = c.kw(), sh = c.sh(), sw = c.sw();
        long[] padL = {0, 0};
        long[] padR = {(oh - 1) * sh + kh - ih, (ow - 1) * sw + kw - iw};
        if (c.padding() == PaddingMode.SAME) {
            long th = Math.max(padR[0], 0), tw = Math.max(padR[1], 0);
            padL = new long[]{th / 2, tw / 2};
            padR = new long[]{th - th / 2, tw - tw / 2};
        }
        if (stream == null) {
            stream = keep(new stream(cpu));
        }
        memory.desc src = keep(new memory.desc(new long[]{n, ic, ih, iw}, memory.data_type.f32,
                g.permuted() ? memory.format_tag.nchw : layout(nhwc, g.srcBlocked)));
        memory.desc dst = keep(new memory.desc(new long[]{n, oc, oh, ow}, memory.data_type.f32, layout(nhwc, g.dstBlocked)));
        memory.desc bias = keep(new memory.desc(new long[]{oc}, memory.data_type.f32, memory.format_tag.x));
        // bf16: input and weights as bfloat16. int8: the input as u8 (never negative when calibrated) or s8, the
        // weights as s8 with a scale per output channel; an int8 convolution without a calibrated range stays float32
        Int8Ranges.Range range = precision == Precision.INT8 && ranges != null ? ranges.range(g.input) : null;
        memory.data_type srcType = precision == Precision.BF16 ? memory.data_type.bf16 : memory.data_type.f32;
        memory.data_type weightType = srcType;
        float srcScale = 1;
        float[] weightScales = null;
        if (range != null) {
            g.int8 = true;
            srcType = range.unsigned() ? memory.data_type.u8 : memory.data_type.s8;
            weightType = memory.data_type.s8;
            srcScale = range.scale();
            weightScales = weightScales(w, depthwise, oc);
        }
        memory.desc typedSrc = srcType == memory.data_type.f32 && !g.permuted() ? src
                : keep(new memory.desc(new long[]{n, ic, ih, iw}, srcType, layout(nhwc, g.srcBlocked)));
        memory.desc userWeights;
        memory.desc anyWeights;
        if (depthwise) { // ND4J [kh, kw, in, mult]: group g = in, o = mult → oneDNN goihw dims with ND4J's strides
            long mult = w.size(3);
            long[] dims = {ic, mult, 1, kh, kw};
            userWeights = keep(new memory.desc(dims, memory.data_type.f32, new long[]{mult, 1, 1, kw * ic * mult, ic * mult}));
            anyWeights = keep(new memory.desc(dims, weightType, memory.format_tag.any));
        } else {
            long[] dims = {oc, ic, kh, kw};
            userWeights = keep(new memory.desc(dims, memory.data_type.f32, memory.format_tag.oihw));
            anyWeights = keep(new memory.desc(dims, weightType, memory.format_tag.any));
        }
        post_ops ops = keep(new post_ops());
        if (g.residual != null) {
            ops.append_sum(); // scale 1: dst = convolution + dst, dst holding the residual: ND4J's add, in place
        }
        if ("relu6".equals(g.activation)) {
            ops.append_eltwise(1f, algorithm.eltwise_clip, 0f, 6f); // min(max(x, 0), 6): ND4J's relu6
        } else if ("relu".equals(g.activation)) { // a clip, not eltwise_relu: that gives −0 for x < 0 (0 · x), ND4J +0
            ops.append_eltwise(1f, algorithm.eltwise_clip, 0f, Float.MAX_VALUE);
        }
        primitive_attr attr = keep(new primitive_attr());
        attr.set_post_ops(ops);
        primitive_attr weightAttr = null;
        primitive_attr srcAttr = null;
        FloatPointer biasValues = null;
        if (weightScales != null) {
            // oneDNN 2.x adds the bias to the int32 sum before the output scale: the bias goes in at the sum's scale
            float[] dequantise = new float[(int) oc];
            float[] scaledBias = new float[(int) oc];
            for (int o = 0; o < oc; o++) {
                dequantise[o] = 1 / (srcScale * weightScales[o]);
                scaledBias[o] = b.getFloat(o) * srcScale * weightScales[o];
            }
            attr.set_output_scales(1 << 1, dequantise); // per channel of dst (dimension 1)
            weightAttr = keep(new primitive_attr());
            weightAttr.set_output_scales(depthwise ? (1 << 1) | 1 : 1, weightScales); // per o (goihw: per g and o)
            srcAttr = keep(new primitive_attr());
            srcAttr.set_output_scales(0, new float[]{srcScale});
            biasValues = keep(new FloatPointer(scaledBias));
        }
        convolution_forward.desc desc = keep(new convolution_forward.desc(prop_kind.forward_inference,
                algorithm.convolution_direct, typedSrc, anyWeights, bias, dst, new long[]{sh, sw}, padL, padR));
        convolution_forward.primitive_desc pd = keep(new convolution_forward.primitive_desc(desc, attr, cpu));
        if (pd.impl_info_str().getString().startsWith("ref")) {
            // NCHW on one side and nChw16c on the other with many channels (or a bf16 case without a kernel
            // for these layouts): oneDNN has only its reference code; let it choose its layouts, reorder around it
            memory.desc anySrc = keep(new memory.desc(new long[]{n, ic, ih, iw}, srcType, memory.format_tag.any));
            memory.desc anyDst = keep(new memory.desc(new long[]{n, oc, oh, ow}, memory.data_type.f32, memory.format_tag.any));
            desc = keep(new convolution_forward.desc(prop_kind.forward_inference,
                    algorithm.convolution_direct, anySrc, anyWeights, bias, anyDst, new long[]{sh, sw}, padL, padR));
            pd = keep(new convolution_forward.primitive_desc(desc, attr, cpu));
        }

        memory reordered = weights.get(s.inputs().get(1), w, userWeights, keep(pd.weights_desc()), weightAttr, stream);

        g.primitive = keep(new convolution_forward(pd));
        g.srcAt = address(x);
        g.dstAt = address(out);
        g.src = keep(new memory(src, cpu, new Address(g.srcAt)));
        g.dst = keep(new memory(dst, cpu, new Address(g.dstAt)));
        memory convSrc = g.src, convDst = g.dst;
        memory.desc wantSrc = keep(pd.src_desc()), wantDst = keep(pd.dst_desc());
        if (!wantSrc.equals(src)) {
            g.srcScratchBytes = wantSrc.get_size();
            g.srcScratch = convSrc = keep(new memory(wantSrc, cpu, weights.scratch(0, g.srcScratchBytes)));
            g.srcReorder = keep(srcAttr == null ? new reorder(g.src, g.srcScratch) : new reorder(g.src, g.srcScratch, srcAttr));
        }
        if (!wantDst.equals(dst)) {
            g.dstScratchBytes = wantDst.get_size();
            g.dstScratch = convDst = keep(new memory(wantDst, cpu, weights.scratch(1, g.dstScratchBytes)));
            g.dstReorder = keep(new reorder(g.dstScratch, g.dst));
            if (g.residual != null) {
                g.dstPreload = keep(new reorder(g.dst, g.dstScratch));
            }
        }
        g.args = keep(new IntMemoryMap());
        g.args.put(DNNL_ARG_SRC, convSrc);
        g.args.put(DNNL_ARG_WEIGHTS, reordered);
        g.args.put(DNNL_ARG_BIAS, keep(new memory(bias, cpu, biasValues != null ? biasValues : new Address(address(b)))));
        g.args.put(DNNL_ARG_DST, convDst);

    }

    /**
     * Per output channel, 127 over the largest weight magnitude: s8 weights use their whole range, channel by
     * channel. conv2d weights are [o, i, kh, kw]; depthwise [kh, kw, i, mult], output channel i × mult + m.
     */
    private static float[] weightScales(INDArray w, boolean depthwise, long oc) {
        try (INDArray magnitude = depthwise ? w.reshape('c', w.size(0) * w.size(1), oc).amax(0)
                : w.reshape('c', oc, w.length() / oc).amax(1)) {
            float[] scales = new float[(int) oc];
            for (int o = 0; o < oc; o++) {
                double m = magnitude.getDouble(o);
                scales[o] = m > 0 ? (float) (127 / m) : 1f;
            }
            return scales;
        }
    }

    private static memory.format_tag layout(boolean nhwc, boolean blocked) {
        return nhwc ? memory.format_tag.nhwc : blocked ? memory.format_tag.nChw16c : memory.format_tag.nchw;
    }

    private <P extends Pointer> P keep(P p) {
        owned.add(p);
        return p;
    }

    /**
     * The address of an array's first element. A view with an offset into a shared buffer (an in-place
     * concatenation's member) has a buffer of its own that already starts there: adding
     * {@link INDArray#offset()} again would point past it.
     */
    private static long address(INDArray a) {
        Pointer base = a.data().addressPointer();
        return base.address() + base.position() * base.sizeof();
    }

    /** A raw address for oneDNN (JavaCPP's Pointer keeps its address field to subclasses). */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }

    /** Frees the primitives, descriptors and reordered weights. */
    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
        byConv.values().forEach(g -> g.primitive = null);
        plainReorders.clear();
    }

    /** Loads oneDNN's library once; false (and one warning) where it cannot load, or on ND4J's CUDA backend. */
    static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (OneDnnConvolutions.class) {
                if (available == null) {
                    try {
                        if (!Nd4j.getEnvironment().isCPU()) { // the cuda profile: arrays live on the GPU
                            LOG.info("ND4J runs on a GPU; convolutions run through ND4J's ops, not oneDNN's");
                            available = false;
                            return false;
                        }
                        cpu = new engine(engine.kind.cpu, 0);
                        available = true;
                    } catch (Throwable e) { // UnsatisfiedLinkError on a platform without the native library
                        LOG.warnf("oneDNN's library did not load (%s); convolutions run through ND4J's ops", e.toString());
                        available = false;
                    }
                }
                a = available;
            }
        }
        return a;
    }
}
