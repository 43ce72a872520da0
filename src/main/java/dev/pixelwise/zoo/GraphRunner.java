package dev.pixelwise.zoo;

import dev.pixelwise.zoo.ArrayPool.Key;
import dev.pixelwise.zoo.GraphPlanner.Home;
import dev.pixelwise.zoo.GraphPlanner.Plan;
import dev.pixelwise.zoo.GraphPlanner.Step;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs an inference-only {@link SameDiff} graph op by op from a fixed plan, instead of through
 * {@code SameDiff.output}.
 *
 * <p>Why: SameDiff's {@code InferenceSession} re-derives the execution order, shapes and array lifetimes
 * on every call and leaves the intermediate arrays' native memory to the garbage collector. Measured
 * here on MobileNetV2 (about 100 ops), that bookkeeping tripled the latency (p50 44 ms against 12.6 ms
 * for the same ops run directly), and on tiled super-resolution the process grew by 30–65 MB per tile
 * until a GC. The graph itself only ever sees one input shape at a time (a model size, or a tile size),
 * so the order, every output shape and the point where each array is last read are worked out once per
 * input shape ({@link GraphPlanner}), and the intermediate arrays come from a pool keyed by shape
 * ({@link ArrayPool}): a repeated call allocates only the arrays it returns. The pool keeps what recent
 * calls needed and frees the rest deterministically ({@link INDArray#close()}), so native memory stays at
 * about one call's working set. This class executes the plans.
 *
 * <p>Every call runs on the {@link ModelThread}, whoever calls; the op objects and their contexts are
 * reused, one call at a time.
 */
public final class GraphRunner implements AutoCloseable {

    /**
     * OpenBLAS threads, {@code pixelwise.zoo.blas-threads} (default 1; 0 leaves ND4J's choice, one per core).
     * OpenBLAS runs ND4J's matrix products (DeepLab's bilinear resize to 513², a collection head's
     * training) on a thread pool of its own, beside libgomp's team that runs every other op, and on 2 cores
     * the two pools then fight. Measured with bench/segment.sh on DeepLabV3 (AMD EPYC, 2 cores): with 2
     * OpenBLAS threads 6 of 8 rounds ran at 74–83 ms p50 and 2 at 47–48 ms; with 1, all 8 at 46–49 ms.
     */
    static final int BLAS_THREADS = Integer.getInteger("pixelwise.zoo.blas-threads", 1);
    private static volatile boolean blasLimited;

    /** Sets {@link #BLAS_THREADS} once, before the first pass (CPU backend only: it is OpenBLAS's setting). */
    private static void limitBlasThreads() {
        if (!blasLimited) {
            if (BLAS_THREADS > 0 && Nd4j.getEnvironment().isCPU()) {
                Nd4j.factory().blas().setMaxThreads(BLAS_THREADS);
            }
            blasLimited = true;
        }
    }

    private final String input;
    private final Map<String, INDArray> constants = new HashMap<>();
    private final GraphPlanner planner;
    private final Map<List<String>, List<Step>> programs = new HashMap<>();
    private final Map<PlanKey, Plan> plans = new LinkedHashMap<>(16, 0.75f, true);
    /**
     * Per plan and precision, its convolutions as fused oneDNN primitives (made on first use; null: none, every op
     * through ND4J). A plan's shapes do not depend on the precision, so one plan serves every precision.
     */
    private final Map<FusedKey, OneDnnConvolutions> fused = new HashMap<>();
    /** The fused convolutions' weights in oneDNN's layouts, shared by the plans. */
    private final OneDnnConvolutions.Weights fusedWeights = new OneDnnConvolutions.Weights();
    private final ArrayPool pool = new ArrayPool();
    /** The inputs {@link #run(long[], Consumer, Precision, String...)} fills, by shape, least recently used first. */
    private final Map<List<Long>, INDArray> inputs = new LinkedHashMap<>(16, 0.75f, true);
    /** Input shapes kept: a classifier's batches of 1 to 8 images. */
    private static final int KEPT_INPUTS = 8;
    private final Map<DifferentialFunction, OpContext> contexts = new IdentityHashMap<>();
    /** What {@link Precision#INT8} quantises the convolutions' inputs by; null: int8 runs them in float32. */
    private Int8Ranges int8Ranges;
    /** Told the duration of every step, or null (the default): then a call reads no clock at all. */
    private StepTimer timer;
    private boolean closed;

    /**
     * Told how long each executed step of a call took, for profiling (bench/profile.sh): what ran (the op's
     * name, or e.g. "conv2d+relu6 (oneDNN)" for a fused convolution, which then reports the convolution's
     * op, its input and weights, and the ReLU6's output), the op, its input and output arrays (valid only
     * during the call to {@link #step}) and the wall time, in ns. Concatenations done in place and steps
     * fused into another are not reported.
     */
    @FunctionalInterface
    public interface StepTimer {
        void step(String kind, DifferentialFunction op, String output, INDArray[] inputs, INDArray[] outputs, long nanos);
    }

    /**
     * @param sd    the graph; its constants (and variables, read as constants) must have arrays
     * @param input the name of its one placeholder
     */
    public GraphRunner(SameDiff sd, String input) {
        this.input = input;
        if (!sd.hasVariable(input) || sd.getVariable(input).getVariableType() != VariableType.PLACEHOLDER) {
            throw new IllegalArgumentException("the graph has no placeholder '" + input + "'");
        }
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.CONSTANT || v.getVariableType() == VariableType.VARIABLE) {
                constants.put(v.name(), v.getArr());
            }
        }
        this.planner = new GraphPlanner(sd, input, constants);
    }

    /**
     * One forward pass. The returned arrays (in the order asked) are new and belong to the caller, who
     * should close them; {@code x} is read, not kept.
     */
    public Map<String, INDArray> run(INDArray x, String... outputs) {
        return run(x, Precision.FP32, outputs);
    }

    /** As {@link #run(INDArray, String...)}, with the fused convolutions computing in {@code precision}. */
    public Map<String, INDArray> run(INDArray x, Precision precision, String... outputs) {
        return ModelThread.call(() -> runHere(x, precision, outputs));
    }

    /**
     * As {@link #run(INDArray, Precision, String...)}, over a float32 input of {@code shape} that {@code fill} writes
     * (C order) into an array the runner keeps for later calls of that shape.
     *
     * <p>Why: an input made for each call is fresh memory from the system every time, and its pages fault in as it
     * is written and go back when it is closed. Measured for MobileNetV2's [1, 3, 224, 224] (AMD EPYC, 2 cores):
     * 0.32 ms to make, fill and close one, against 0.014 ms to fill a kept one; inside the app, 0.13 ms before and
     * 0.17 ms after each classify's 5 ms forward pass.
     */
    public Map<String, INDArray> run(long[] shape, Consumer<INDArray> fill, Precision precision, String... outputs) {
        return ModelThread.call(() -> {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the graph runner is closed");
                }
                INDArray x = inputs.computeIfAbsent(Arrays.stream(shape).boxed().toList(),
                        k -> Nd4j.createUninitialized(DataType.FLOAT, shape, 'c'));
                if (inputs.size() > KEPT_INPUTS) { // the least recently used shape goes
                    Iterator<INDArray> oldest = inputs.values().iterator();
                    oldest.next().close();
                    oldest.remove();
                }
                fill.accept(x);
                return runHere(x, precision, outputs);
            }
        });
    }

    private synchronized Map<String, INDArray> runHere(INDArray x, Precision precision, String... outputs) {
        if (closed) {
            throw new IllegalStateException("the graph runner is closed");
        }
        limitBlasThreads();
        INDArray in = x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
        List<String> wanted = List.of(outputs);
        List<Step> program = programs.computeIfAbsent(wanted, planner::program);
        PlanKey planKey = new PlanKey(wanted, in.dataType(), Arrays.stream(in.shape()).boxed().toList());
        pool.beginCall();
        Plan plan = plans.get(planKey);
        if (plan == null && shapesFromShapesAlone(program)) {
            List<List<Key>> shapes = inferShapes(program, in, wanted);
            if (shapes != null) {
                plan = makePlan(planKey, program, shapes, wanted);
            }
        }
        OneDnnConvolutions convolutions = plan == null ? null : fused(planKey, precision, plan, program, wanted);
        boolean recording = plan == null;
        List<List<Key>> recorded = recording ? new ArrayList<>() : null;
        if (recording) {
            plan = Plan.recording(program, wanted, recorded);
        }
        Map<String, INDArray> values = new HashMap<>();
        values.put(input, in);
        Map<String, INDArray> roots = new HashMap<>();
        Map<String, INDArray> result = new LinkedHashMap<>();
        Set<String> returned = new HashSet<>(wanted);
        try {
            for (int i = 0; i < program.size(); i++) {
                Step step = program.get(i);
                OneDnnConvolutions.Group group = convolutions == null ? null : convolutions.group(i);
                if (plan.skip()[i]) { // a concatenation whose inputs were written in place
                    String out = step.outputs().get(0);
                    values.put(out, place(out, plan.shapes().get(i).get(0), plan, roots));
                } else if (group != null) { // a convolution with its ReLU (6) or residual ADD (and the input's permute), in oneDNN
                    INDArray out = group.residual != null
                            ? values.remove(group.residual) // the residual's last reader is the ADD: its array becomes the sum
                            : output(group.output, plan.shapes().get(group.last).get(0), plan, roots, returned, result);
                    values.put(group.output, out);
                    INDArray source = values.get(group.source);
                    if (timer == null) {
                        convolutions.execute(group, source, out);
                    } else {
                        long t0 = System.nanoTime();
                        convolutions.execute(group, source, out);
                        timer.step(group.kind(step.op().opName()), step.op(), group.output,
                                new INDArray[]{source, constants.get(step.inputs().get(1))}, new INDArray[]{out}, System.nanoTime() - t0);
                    }
                } else if (convolutions != null && convolutions.absorbed(i)) {
                    // done inside the fused convolution before it
                } else {
                    INDArray[] args = args(step, values);
                    List<Key> shapes = recording ? outputShapes(step, args) : plan.shapes().get(i);
                    if (recording) {
                        recorded.add(shapes);
                    }
                    INDArray[] outs = new INDArray[shapes.size()];
                    for (int o = 0; o < outs.length; o++) {
                        String name = step.outputs().get(o);
                        outs[o] = output(name, shapes.get(o), plan, roots, returned, result);
                        values.put(name, outs[o]);
                    }
                    int[] plain = convolutions == null ? null : convolutions.plainInputs(i);
                    long t0 = timer == null ? 0 : System.nanoTime();
                    if (plain != null) { // blocked arrays this op cannot read: NCHW copies for it
                        for (int a : plain) {
                            INDArray copy = pool.take(new Key(args[a].dataType(), 'c', args[a].shape()));
                            convolutions.toPlain(args[a], copy);
                            args[a] = copy;
                        }
                    }
                    execute(step, args, outs);
                    if (plain != null) {
                        for (int a : plain) {
                            pool.give(args[a]);
                        }
                    }
                    if (timer != null) {
                        timer.step(step.op().opName(), step.op(), step.outputs().get(0), args, outs, System.nanoTime() - t0);
                    }
                }
                for (String dead : plan.dies().get(i)) {
                    INDArray v = plan.rootKeys().containsKey(dead) ? roots.remove(dead) : values.remove(dead);
                    if (v != null) {
                        pool.give(v);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            for (INDArray v : result.values()) {
                v.close();
            }
            pool.giveAllLent(); // every array this call took goes back
            throw e;
        } finally {
            if (in != x) {
                in.close();
            }
            pool.trim();
        }
        if (recording) {
            Plan made = makePlan(planKey, program, recorded, wanted);
            if (precision != Precision.FP32 && fused(planKey, precision, made, program, wanted) != null) {
                // The recording pass ran ND4J's float32 ops; the caller asked for another precision and gets it.
                result.values().forEach(INDArray::close);
                return runHere(x, precision, outputs);
            }
        }
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String name : wanted) {
            INDArray v = result.get(name);
            ordered.put(name, v != null ? v : (values.containsKey(name) ? values.get(name).dup() : constants.get(name).dup()));
        }
        return ordered;
    }

    /** Uses {@code ranges} for the int8 convolutions made from now on (those made before are dropped). */
    public synchronized void useInt8Ranges(Int8Ranges ranges) {
        this.int8Ranges = ranges;
        dropFused(k -> k.precision() == Precision.INT8);
    }

    public synchronized Int8Ranges int8Ranges() {
        return int8Ranges;
    }

    /**
     * The smallest and largest value each fused convolution's input takes over {@code inputs}, run in float32
     * ({@link Int8Ranges}); the inputs are assumed to share one shape. For the calibration tool, not for serving.
     */
    public Map<String, Int8Ranges.Range> calibrate(List<INDArray> inputs, String... outputs) {
        return ModelThread.call(() -> {
            synchronized (this) {
                INDArray first = inputs.get(0);
                runHere(first, Precision.FP32, outputs).values().forEach(INDArray::close); // plans this shape
                List<String> wanted = List.of(outputs);
                PlanKey key = new PlanKey(wanted, first.dataType(), Arrays.stream(first.shape()).boxed().toList());
                OneDnnConvolutions convolutions = fused(key, Precision.FP32, plans.get(key), programs.get(wanted), wanted);
                if (convolutions == null) {
                    throw new IllegalStateException("no fused convolutions to calibrate for input shape " + key.shape());
                }
                Map<String, Int8Ranges.Range> seen = new TreeMap<>();
                convolutions.observe((name, v) -> {
                    Int8Ranges.Range range = new Int8Ranges.Range(v.minNumber().floatValue(), v.maxNumber().floatValue());
                    seen.merge(name, range, Int8Ranges.Range::span);
                });
                try {
                    for (INDArray x : inputs) {
                        runHere(x, Precision.FP32, outputs).values().forEach(INDArray::close);
                    }
                } finally {
                    convolutions.observe(null);
                }
                return seen;
            }
        });
    }

    /** The plan for {@code key} from every step's output shapes; kept for later calls. */
    private Plan makePlan(PlanKey key, List<Step> program, List<List<Key>> shapes, List<String> wanted) {
        Plan made = GraphPlanner.inPlace(program, shapes, wanted);
        plans.put(key, made);
        if (plans.size() > 32) { // shapes seen long ago: the plans are small, but not unbounded
            Iterator<PlanKey> oldest = plans.keySet().iterator();
            PlanKey gone = oldest.next();
            oldest.remove();
            dropFused(k -> k.plan().equals(gone));
        }
        return made;
    }

    /** Frees and forgets the fused convolutions whose key {@code which} accepts. */
    private void dropFused(Predicate<FusedKey> which) {
        fused.entrySet().removeIf(e -> {
            if (!which.test(e.getKey())) {
                return false;
            }
            if (e.getValue() != null) {
                e.getValue().close();
            }
            return true;
        });
    }

    /** {@code plan}'s convolutions fused for {@code precision}, made on first use; null when none qualify. */
    private OneDnnConvolutions fused(PlanKey key, Precision precision, Plan plan, List<Step> program, List<String> wanted) {
        FusedKey k = new FusedKey(key, precision);
        if (!fused.containsKey(k)) {
            Set<String> placed = new HashSet<>(plan.homes().keySet());
            placed.addAll(plan.rootKeys().keySet());
            fused.put(k, OneDnnConvolutions.of(program, plan.shapes(), constants, wanted, placed, fusedWeights, precision,
                    int8Ranges));
        }
        return fused.get(k);
    }

    /**
     * Ops whose output shapes follow from their inputs' shapes and their own arguments, never from values:
     * a program of these alone is planned without running it ({@link #inferShapes}). Others (a reshape to a
     * computed shape, say) are planned by a first call through ND4J's ops that records the shapes.
     */
    private static final Set<String> SHAPE_ONLY = Set.of("conv2d", "depthwise_conv2d", "relu", "relu6", "mul_scalar",
            "add", "multiply", "subtract", "concat", "depth_to_space", "upsampling2d", "identity");

    private static boolean shapesFromShapesAlone(List<Step> program) {
        return program.stream().allMatch(s -> SHAPE_ONLY.contains(s.op().opName()));
    }

    /**
     * Every step's output shapes, from ND4J's shape functions alone, nothing executed. Why: the first call of
     * an input shape would otherwise run every op through ND4J to record them, without the fused
     * convolutions: esrgan-thick ×4 on a 128² tile took 2.5 s so, against 1.2 s fused in fp32 and 0.66 s in
     * bf16, and a tiled upscale meets several tile shapes (edges, corners, the remainder) per image size.
     * The arrays are pooled ones, so the call that follows reuses them. Null if a shape function fails (the
     * plan is then recorded).
     */
    private List<List<Key>> inferShapes(List<Step> program, INDArray in, List<String> wanted) {
        List<List<String>> dies = Plan.recording(program, wanted, List.of()).dies();
        Map<String, INDArray> values = new HashMap<>();
        List<List<Key>> shapes = new ArrayList<>();
        try {
            values.put(input, in);
            for (int i = 0; i < program.size(); i++) {
                Step step = program.get(i);
                List<Key> keys = outputShapes(step, args(step, values));
                shapes.add(keys);
                for (int o = 0; o < keys.size(); o++) {
                    values.put(step.outputs().get(o), pool.take(keys.get(o)));
                }
                for (String dead : dies.get(i)) {
                    INDArray v = values.remove(dead);
                    if (v != null && v != in) {
                        pool.give(v);
                    }
                }
            }
            return shapes;
        } catch (RuntimeException e) {
            return null; // planned by recording instead
        } finally {
            values.remove(input);
            values.values().forEach(pool::give);
            for (Step step : program) {
                if (step.op() instanceof Op op) {
                    op.setX(null);
                    op.setY(null);
                }
            }
        }
    }

    /** The arrays step {@code step} reads: the call's values, else the graph's constants. */
    private INDArray[] args(Step step, Map<String, INDArray> values) {
        INDArray[] args = new INDArray[step.inputs().size()];
        for (int a = 0; a < args.length; a++) {
            String name = step.inputs().get(a);
            args[a] = values.containsKey(name) ? values.get(name) : constants.get(name);
            if (args[a] == null) {
                throw new IllegalStateException("no value for '" + name + "', input of " + step.op().opName());
            }
        }
        return args;
    }

    /** Where step output {@code name} goes: a new array the caller gets, its place in a shared buffer, or a pooled array. */
    private INDArray output(String name, Key key, Plan plan, Map<String, INDArray> roots, Set<String> returned,
                            Map<String, INDArray> result) {
        if (returned.contains(name)) {
            INDArray a = key.create();
            result.put(name, a);
            return a;
        }
        return plan.homes().containsKey(name) ? place(name, key, plan, roots) : pool.take(key);
    }

    /** The array of a variable that lives inside a shared buffer: the buffer itself, or a view into it. */
    private INDArray place(String name, Key key, Plan plan, Map<String, INDArray> roots) {
        Home home = plan.homes().get(name);
        INDArray root = roots.get(home.root());
        if (root == null) {
            root = pool.take(plan.rootKeys().get(home.root()));
            roots.put(home.root(), root);
        }
        if (home.root().equals(name)) {
            return root;
        }
        return Nd4j.create(root.data(), key.shape(), Nd4j.getStrides(key.shape(), 'c'), home.offset(), 1L, 'c');
    }

    /** Reports every step of the following calls to {@code timer}; null stops it. */
    public synchronized void timeSteps(StepTimer timer) {
        this.timer = timer;
    }

    /** Native bytes held for reuse between calls (for tests and the about page). */
    public synchronized long pooledBytes() {
        return pool.bytes() + inputs.values().stream().mapToLong(x -> x.length() * x.dataType().width()).sum();
    }

    /**
     * Frees the pooled arrays now; the plans stay, so the next call only allocates again. For graphs
     * whose working set is large and whose calls come in bursts (a tiled upscale: hundreds of MB).
     */
    public synchronized void releasePool() {
        pool.release();
        inputs.values().forEach(INDArray::close);
        inputs.clear();
    }

    /** Frees the pooled arrays and the op contexts; the graph's own constants stay (their owner closes them). */
    @Override
    public synchronized void close() {
        closed = true;
        releasePool();
        dropFused(k -> true);
        fusedWeights.close();
        for (OpContext c : contexts.values()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a context that will not close has nothing more to free
            }
        }
        contexts.clear();
    }

    private List<Key> outputShapes(Step step, INDArray[] args) {
        List<Key> keys = new ArrayList<>();
        if (step.op() instanceof CustomOp) {
            OpContext ctx = context(step);
            ctx.setInputArrays(args);
            for (LongShapeDescriptor d : Nd4j.getExecutioner().calculateOutputShape((CustomOp) step.op(), ctx)) {
                keys.add(new Key(d.dataType(), d.getOrder(), d.getShape()));
            }
        } else if (step.op() instanceof Op op) {
            op.setX(args[0]);
            op.setY(args.length > 1 ? args[1] : null);
            op.setZ(null);
            for (LongShapeDescriptor d : step.op().calculateOutputShape()) {
                keys.add(new Key(d.dataType(), d.getOrder(), d.getShape()));
            }
        } else {
            throw new IllegalArgumentException("cannot run " + step.op().getClass().getSimpleName() + " (" + step.op().opName() + ")");
        }
        if (keys.size() != step.outputs().size()) {
            throw new IllegalStateException(step.op().opName() + " gives " + keys.size() + " outputs, the graph names "
                    + step.outputs().size());
        }
        return List.copyOf(keys);
    }

    private void execute(Step step, INDArray[] args, INDArray[] outs) {
        if (step.op() instanceof CustomOp custom) {
            OpContext ctx = context(step);
            ctx.setInputArrays(args);
            ctx.setOutputArrays(outs);
            Nd4j.getExecutioner().exec(custom, ctx);
        } else {
            Op op = (Op) step.op();
            op.setX(args[0]);
            op.setY(args.length > 1 ? args[1] : null);
            op.setZ(outs[0]);
            Nd4j.getExecutioner().exec(op);
            op.setX(null); // the op object outlives this call: do not keep its arrays reachable
            op.setY(null);
            op.setZ(null);
        }
    }

    private OpContext context(Step step) {
        return contexts.computeIfAbsent(step.op(), f -> {
            DynamicCustomOp op = (DynamicCustomOp) f;
            OpContext ctx = Nd4j.getExecutioner().buildContext();
            ctx.setIArguments(op.iArgs());
            ctx.setTArguments(op.tArgs());
            ctx.setBArguments(op.bArgs());
            if (op.dArgs().length > 0) {
                ctx.setDArguments(op.dArgs());
            }
            return ctx;
        });
    }

    /** What a plan is for: the outputs asked and the input's type and shape. */
    private record PlanKey(List<String> outputs, DataType type, List<Long> shape) {
    }

    /** A plan's fused convolutions in one precision. */
    private record FusedKey(PlanKey plan, Precision precision) {
    }
}
