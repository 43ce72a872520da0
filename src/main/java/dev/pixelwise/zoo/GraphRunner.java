package dev.pixelwise.zoo;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.shape.Concat;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
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
 * input shape ({@link Plan}), and the intermediate arrays come from a pool keyed by shape: a repeated
 * call allocates only the arrays it returns. The pool keeps what recent calls needed and frees the
 * rest deterministically ({@link INDArray#close()}), so native memory stays at about one call's
 * working set.
 *
 * <p>Every call runs on the {@link ModelThread}, whoever calls; the op objects and their contexts are
 * reused, one call at a time.
 */
public final class GraphRunner implements AutoCloseable {

    /** Calls whose arrays the pool keeps even when the latest call did not need them (batches of varying size). */
    private static final int KEEP_CALLS = 8;

    private final SameDiff sd;
    private final String input;
    private final Map<String, INDArray> constants = new HashMap<>();
    private final Map<List<String>, List<Step>> programs = new HashMap<>();
    private final Map<PlanKey, Plan> plans = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Key, ArrayDeque<Pooled>> pool = new HashMap<>();
    /** Arrays taken from the pool by the call in progress. */
    private final Map<INDArray, Pooled> lent = new IdentityHashMap<>();
    private final Map<DifferentialFunction, OpContext> contexts = new IdentityHashMap<>();
    private long call;
    private boolean closed;

    /**
     * @param sd    the graph; its constants (and variables, read as constants) must have arrays
     * @param input the name of its one placeholder
     */
    public GraphRunner(SameDiff sd, String input) {
        this.sd = sd;
        this.input = input;
        if (!sd.hasVariable(input) || sd.getVariable(input).getVariableType() != VariableType.PLACEHOLDER) {
            throw new IllegalArgumentException("the graph has no placeholder '" + input + "'");
        }
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.CONSTANT || v.getVariableType() == VariableType.VARIABLE) {
                constants.put(v.name(), v.getArr());
            }
        }
    }

    /**
     * One forward pass. The returned arrays (in the order asked) are new and belong to the caller, who
     * should close them; {@code x} is read, not kept.
     */
    public Map<String, INDArray> run(INDArray x, String... outputs) {
        return ModelThread.call(() -> runHere(x, outputs));
    }

    private synchronized Map<String, INDArray> runHere(INDArray x, String... outputs) {
        if (closed) {
            throw new IllegalStateException("the graph runner is closed");
        }
        INDArray in = x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
        List<String> wanted = List.of(outputs);
        List<Step> program = programs.computeIfAbsent(wanted, this::program);
        PlanKey planKey = new PlanKey(wanted, in.dataType(), Arrays.stream(in.shape()).boxed().toList());
        Plan plan = plans.get(planKey);
        boolean recording = plan == null;
        List<List<Key>> recorded = recording ? new ArrayList<>() : null;
        if (recording) {
            plan = new Plan(recorded, deaths(program, wanted, Map.of()), Map.of(), Map.of(), new boolean[program.size()]);
        }
        call++;
        Map<String, INDArray> values = new HashMap<>();
        values.put(input, in);
        Map<String, INDArray> roots = new HashMap<>();
        Map<String, INDArray> result = new LinkedHashMap<>();
        Set<String> returned = new HashSet<>(wanted);
        try {
            for (int i = 0; i < program.size(); i++) {
                Step step = program.get(i);
                if (plan.skip[i]) { // a concatenation whose inputs were written in place
                    String out = step.outputs.get(0);
                    values.put(out, place(out, plan.shapes.get(i).get(0), plan, roots));
                } else {
                    INDArray[] args = new INDArray[step.inputs.size()];
                    for (int a = 0; a < args.length; a++) {
                        String name = step.inputs.get(a);
                        INDArray v = values.containsKey(name) ? values.get(name) : constants.get(name);
                        if (v == null) {
                            throw new IllegalStateException("no value for '" + name + "', input of " + step.op.opName());
                        }
                        args[a] = v;
                    }
                    List<Key> shapes = recording ? outputShapes(step, args) : plan.shapes.get(i);
                    if (recording) {
                        recorded.add(shapes);
                    }
                    INDArray[] outs = new INDArray[shapes.size()];
                    for (int o = 0; o < outs.length; o++) {
                        String name = step.outputs.get(o);
                        if (returned.contains(name)) {
                            outs[o] = shapes.get(o).create();
                            result.put(name, outs[o]);
                        } else {
                            outs[o] = plan.homes.containsKey(name) ? place(name, shapes.get(o), plan, roots) : take(shapes.get(o));
                        }
                        values.put(name, outs[o]);
                    }
                    execute(step, args, outs);
                }
                for (String dead : plan.dies.get(i)) {
                    INDArray v = plan.rootKeys.containsKey(dead) ? roots.remove(dead) : values.remove(dead);
                    if (v != null) {
                        give(v);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            for (INDArray v : result.values()) {
                v.close();
            }
            for (INDArray v : new ArrayList<>(lent.keySet())) { // every array this call took goes back
                give(v);
            }
            throw e;
        } finally {
            if (in != x) {
                in.close();
            }
            trimPool();
        }
        if (recording) {
            plans.put(planKey, inPlace(program, recorded, wanted));
            if (plans.size() > 32) { // shapes seen long ago: the plans are small, but not unbounded
                Iterator<PlanKey> oldest = plans.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String name : wanted) {
            INDArray v = result.get(name);
            ordered.put(name, v != null ? v : (values.containsKey(name) ? values.get(name).dup() : constants.get(name).dup()));
        }
        return ordered;
    }

    /** The array of a variable that lives inside a shared buffer: the buffer itself, or a view into it. */
    private INDArray place(String name, Key key, Plan plan, Map<String, INDArray> roots) {
        Home home = plan.homes.get(name);
        INDArray root = roots.get(home.root);
        if (root == null) {
            root = take(plan.rootKeys.get(home.root));
            roots.put(home.root, root);
        }
        if (home.root.equals(name)) {
            return root;
        }
        return Nd4j.create(root.data(), key.shape, Nd4j.getStrides(key.shape, 'c'), home.offset, 1L, 'c');
    }

    /** Native bytes held for reuse between calls (for tests and the about page). */
    public synchronized long pooledBytes() {
        long bytes = 0;
        for (ArrayDeque<Pooled> q : pool.values()) {
            for (Pooled p : q) {
                bytes += p.bytes();
            }
        }
        return bytes;
    }

    /**
     * Frees the pooled arrays now; the plans stay, so the next call only allocates again. For graphs
     * whose working set is large and whose calls come in bursts (a tiled upscale: hundreds of MB).
     */
    public synchronized void releasePool() {
        for (ArrayDeque<Pooled> q : pool.values()) {
            for (Pooled p : q) {
                p.array.close();
            }
        }
        pool.clear();
    }

    /** Frees the pooled arrays and the op contexts; the graph's own constants stay (their owner closes them). */
    @Override
    public synchronized void close() {
        closed = true;
        releasePool();
        for (OpContext c : contexts.values()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // a context that will not close has nothing more to free
            }
        }
        contexts.clear();
    }

    // ---------------------------------------------------------------- planning

    private record Step(DifferentialFunction op, List<String> inputs, List<String> outputs) {
    }

    /**
     * Everything about one input shape: every step's output shapes; what to free after each step (a
     * variable, or a shared buffer once its last member is read); where variables live inside shared
     * buffers; and the concatenations that need not run because their inputs were written in place.
     */
    private record Plan(List<List<Key>> shapes, List<List<String>> dies, Map<String, Home> homes,
                        Map<String, Key> rootKeys, boolean[] skip) {
    }

    /** A variable's place: {@code offset} elements into the buffer of variable {@code root}. */
    private record Home(String root, long offset) {
    }

    /** The ops the outputs need, in an order where every op comes after the ops it reads from. */
    private List<Step> program(List<String> outputs) {
        Map<String, SameDiffOp> producer = new HashMap<>();
        for (SameDiffOp op : sd.getOps().values()) {
            for (String out : op.getOutputsOfOp()) {
                producer.put(out, op);
            }
        }
        List<Step> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (String out : outputs) {
            if (!sd.hasVariable(out)) {
                throw new IllegalArgumentException("the graph has no variable '" + out + "'");
            }
            visit(out, producer, done, visiting, order);
        }
        return List.copyOf(order);
    }

    private void visit(String var, Map<String, SameDiffOp> producer, Set<String> done, Set<String> visiting, List<Step> order) {
        SameDiffOp op = producer.get(var);
        if (op == null || done.contains(op.getName())) {
            if (op == null && !var.equals(input) && !constants.containsKey(var)) {
                Variable v = sd.getVariables().get(var);
                throw new IllegalArgumentException("'" + var + "' is neither computed, constant nor the input"
                        + (v == null ? "" : " (" + v.getVariable().getVariableType() + ")"));
            }
            return;
        }
        if (!visiting.add(op.getName())) {
            throw new IllegalArgumentException("the graph has a cycle through " + op.getName());
        }
        // Iteratively deep graphs (ESRGAN-thick: ~500 ops in a chain) stay well inside the default stack.
        List<String> ins = op.getInputsToOp() == null ? List.of() : op.getInputsToOp();
        for (String in : ins) {
            visit(in, producer, done, visiting, order);
        }
        visiting.remove(op.getName());
        done.add(op.getName());
        order.add(new Step(op.getOp(), List.copyOf(ins), List.copyOf(op.getOutputsOfOp())));
    }

    /**
     * After which step each array can be freed: the last step that reads it (or makes it, if nothing
     * reads it). A variable living in a shared buffer keeps that buffer until all its members are read.
     */
    private static List<List<String>> deaths(List<Step> program, List<String> outputs, Map<String, Home> homes) {
        Map<String, Integer> last = new HashMap<>();
        Set<String> produced = new HashSet<>();
        for (int i = 0; i < program.size(); i++) {
            Step s = program.get(i);
            for (String out : s.outputs) {
                produced.add(out);
                last.merge(storage(out, homes), i, Math::max);
            }
            for (String in : s.inputs) {
                if (produced.contains(in)) {
                    last.merge(storage(in, homes), i, Math::max);
                }
            }
        }
        List<List<String>> dies = new ArrayList<>();
        for (int i = 0; i < program.size(); i++) {
            dies.add(new ArrayList<>());
        }
        last.forEach((name, step) -> {
            if (!outputs.contains(name)) {
                dies.get(step).add(name);
            }
        });
        return dies;
    }

    private static String storage(String var, Map<String, Home> homes) {
        Home h = homes.get(var);
        return h == null ? var : h.root;
    }

    /**
     * The plan once the shapes are known, with concatenations done in place: when a concatenation's
     * inputs can be laid out back to back inside its output (batch 1 and channel axis, so each is one
     * contiguous block), the ops that make them write straight into that block and the concatenation
     * itself is skipped. ESRGAN's dense blocks concatenate at every layer; copying them took 14 % of
     * esrgan-thick's time. Later concatenations are placed first, so a concatenation of concatenations
     * (x, then [x, c1], then [[x, c1], c2] ...) nests into one buffer.
     */
    private Plan inPlace(List<Step> program, List<List<Key>> shapes, List<String> outputs) {
        Map<String, Key> keyOf = new HashMap<>();
        for (int i = 0; i < program.size(); i++) {
            for (int o = 0; o < program.get(i).outputs.size(); o++) {
                keyOf.put(program.get(i).outputs.get(o), shapes.get(i).get(o));
            }
        }
        Map<String, Home> parent = new HashMap<>();
        boolean[] skip = new boolean[program.size()];
        for (int i = program.size() - 1; i >= 0; i--) {
            Step s = program.get(i);
            if (!(s.op instanceof Concat) || s.outputs.size() != 1 || outputs.contains(s.outputs.get(0))) {
                continue;
            }
            long[] offsets = blockOffsets(s, keyOf, parent, outputs);
            if (offsets != null) {
                for (int a = 0; a < offsets.length; a++) {
                    parent.put(s.inputs.get(a), new Home(s.outputs.get(0), offsets[a]));
                }
                skip[i] = true;
            }
        }
        Map<String, Home> homes = new HashMap<>();
        Map<String, Key> rootKeys = new HashMap<>();
        for (String var : parent.keySet()) {
            String root = var;
            long offset = 0;
            for (Home h = parent.get(root); h != null; h = parent.get(root)) {
                offset += h.offset;
                root = h.root;
            }
            homes.put(var, new Home(root, offset));
            homes.put(root, new Home(root, 0));
            rootKeys.put(root, keyOf.get(root));
        }
        return new Plan(shapes, deaths(program, outputs, homes), homes, rootKeys, skip);
    }

    /** Where each input of a concatenation starts inside its output, or null if they cannot be placed there. */
    private static long[] blockOffsets(Step concat, Map<String, Key> keyOf, Map<String, Home> placed, List<String> outputs) {
        Key out = keyOf.get(concat.outputs.get(0));
        long[] iArgs = ((DynamicCustomOp) concat.op).iArgs();
        if (out == null || out.order != 'c' || iArgs.length != 1) {
            return null; // an axis given as an array input: not worth the trouble
        }
        int rank = out.shape.length;
        int axis = (int) (iArgs[0] < 0 ? iArgs[0] + rank : iArgs[0]);
        if (axis < 0 || axis >= rank) {
            return null;
        }
        for (int d = 0; d < axis; d++) {
            if (out.shape[d] != 1) {
                return null; // blocks along the axis would be strided, not contiguous
            }
        }
        long inner = 1;
        for (int d = axis + 1; d < rank; d++) {
            inner *= out.shape[d];
        }
        long[] offsets = new long[concat.inputs.size()];
        Set<String> seen = new HashSet<>();
        long along = 0;
        for (int a = 0; a < offsets.length; a++) {
            String in = concat.inputs.get(a);
            Key k = keyOf.get(in); // null for the graph input and constants: those are not ours to place
            if (k == null || !seen.add(in) || placed.containsKey(in) || outputs.contains(in) || k.order != 'c'
                    || k.type != out.type || k.shape.length != rank) {
                return null;
            }
            for (int d = 0; d < rank; d++) {
                if (d != axis && k.shape[d] != out.shape[d]) {
                    return null;
                }
            }
            offsets[a] = along * inner;
            along += k.shape[axis];
        }
        return along == out.shape[axis] ? offsets : null;
    }

    private List<Key> outputShapes(Step step, INDArray[] args) {
        List<Key> keys = new ArrayList<>();
        if (step.op instanceof CustomOp) {
            OpContext ctx = context(step);
            ctx.setInputArrays(args);
            for (LongShapeDescriptor d : Nd4j.getExecutioner().calculateOutputShape((CustomOp) step.op, ctx)) {
                keys.add(new Key(d.dataType(), d.getOrder(), d.getShape()));
            }
        } else if (step.op instanceof Op op) {
            op.setX(args[0]);
            op.setY(args.length > 1 ? args[1] : null);
            op.setZ(null);
            for (LongShapeDescriptor d : step.op.calculateOutputShape()) {
                keys.add(new Key(d.dataType(), d.getOrder(), d.getShape()));
            }
        } else {
            throw new IllegalArgumentException("cannot run " + step.op.getClass().getSimpleName() + " (" + step.op.opName() + ")");
        }
        if (keys.size() != step.outputs.size()) {
            throw new IllegalStateException(step.op.opName() + " gives " + keys.size() + " outputs, the graph names "
                    + step.outputs.size());
        }
        return List.copyOf(keys);
    }

    private void execute(Step step, INDArray[] args, INDArray[] outs) {
        if (step.op instanceof CustomOp custom) {
            OpContext ctx = context(step);
            ctx.setInputArrays(args);
            ctx.setOutputArrays(outs);
            Nd4j.getExecutioner().exec(custom, ctx);
        } else {
            Op op = (Op) step.op;
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
        return contexts.computeIfAbsent(step.op, f -> {
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

    // ---------------------------------------------------------------- the pool

    /** What a plan is for: the outputs asked and the input's type and shape. */
    private record PlanKey(List<String> outputs, DataType type, List<Long> shape) {
    }

    /** An array's type, order and shape: what the pool keys arrays by. */
    private record Key(DataType type, char order, long[] shape) {

        INDArray create() {
            return Nd4j.createUninitialized(type, shape, order);
        }

        long bytes() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n * type.width();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && type == k.type && order == k.order && Arrays.equals(shape, k.shape);
        }

        @Override
        public int hashCode() {
            return (type.hashCode() * 31 + order) * 31 + Arrays.hashCode(shape);
        }
    }

    private record Pooled(Key key, INDArray array, long[] lastCall) {
        long bytes() {
            return key.bytes();
        }
    }

    private INDArray take(Key key) {
        if (key.bytes() == 0) {
            return key.create();
        }
        ArrayDeque<Pooled> free = pool.get(key);
        Pooled p = free == null ? null : free.pollFirst();
        if (p == null) {
            p = new Pooled(key, key.create(), new long[1]);
        }
        p.lastCall[0] = call;
        lent.put(p.array, p);
        return p.array;
    }

    private void give(INDArray array) {
        Pooled p = lent.remove(array);
        if (p == null) {
            array.close();
            return;
        }
        pool.computeIfAbsent(p.key, k -> new ArrayDeque<>()).addFirst(p);
    }

    /**
     * Frees pooled arrays no recent call used, and, while the arrays this call did not use outweigh
     * those it did, the least recently used of them.
     */
    private void trimPool() {
        long usedNow = 0;
        List<Pooled> idle = new ArrayList<>();
        for (ArrayDeque<Pooled> q : pool.values()) {
            for (Pooled p : q) {
                if (p.lastCall[0] == call) {
                    usedNow += p.bytes();
                } else {
                    idle.add(p);
                }
            }
        }
        idle.sort((a, b) -> Long.compare(a.lastCall[0], b.lastCall[0]));
        long idleBytes = 0;
        for (Pooled p : idle) {
            idleBytes += p.bytes();
        }
        for (Pooled p : idle) {
            if (call - p.lastCall[0] < KEEP_CALLS && idleBytes <= usedNow) {
                break;
            }
            pool.get(p.key).remove(p);
            idleBytes -= p.bytes();
            p.array.close();
        }
        pool.values().removeIf(ArrayDeque::isEmpty);
    }
}
