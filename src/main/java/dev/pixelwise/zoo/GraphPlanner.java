package dev.pixelwise.zoo;

import dev.pixelwise.zoo.ArrayPool.Key;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.shape.Concat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plans a {@link GraphRunner} runs by: the ops the outputs need in dependency order ({@link #program}),
 * and per input shape ({@link Plan}) every step's output shapes, the step after which each array can be
 * freed, and the concatenations done in place.
 */
final class GraphPlanner {

    private final SameDiff sd;
    private final String input;
    private final Map<String, ?> constants;

    /**
     * @param input     the graph's one placeholder
     * @param constants the graph's constants and variables, by name
     */
    GraphPlanner(SameDiff sd, String input, Map<String, ?> constants) {
        this.sd = sd;
        this.input = input;
        this.constants = constants;
    }

    record Step(DifferentialFunction op, List<String> inputs, List<String> outputs) {
    }

    /**
     * Everything about one input shape: every step's output shapes; what to free after each step (a
     * variable, or a shared buffer once its last member is read); where variables live inside shared
     * buffers; and the concatenations that need not run because their inputs were written in place.
     */
    record Plan(List<List<Key>> shapes, List<List<String>> dies, Map<String, Home> homes,
                        Map<String, Key> rootKeys, boolean[] skip) {

        /** The plan a first call runs by while it records the shapes: nothing in place yet. */
        static Plan recording(List<Step> program, List<String> outputs, List<List<Key>> recorded) {
            return new Plan(recorded, deaths(program, outputs, Map.of()), Map.of(), Map.of(), new boolean[program.size()]);
        }
    }

    /** A variable's place: {@code offset} elements into the buffer of variable {@code root}. */
    record Home(String root, long offset) {
    }

    /** The ops the outputs need, in an order where every op comes after the ops it reads from. */
    List<Step> program(List<String> outputs) {
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
    static Plan inPlace(List<Step> program, List<List<Key>> shapes, List<String> outputs) {
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
        if (out == null || out.order() != 'c' || iArgs.length != 1) {
            return null; // an axis given as an array input: not worth the trouble
        }
        int rank = out.shape().length;
        int axis = (int) (iArgs[0] < 0 ? iArgs[0] + rank : iArgs[0]);
        if (axis < 0 || axis >= rank) {
            return null;
        }
        for (int d = 0; d < axis; d++) {
            if (out.shape()[d] != 1) {
                return null; // blocks along the axis would be strided, not contiguous
            }
        }
        long inner = 1;
        for (int d = axis + 1; d < rank; d++) {
            inner *= out.shape()[d];
        }
        long[] offsets = new long[concat.inputs.size()];
        Set<String> seen = new HashSet<>();
        long along = 0;
        for (int a = 0; a < offsets.length; a++) {
            String in = concat.inputs.get(a);
            Key k = keyOf.get(in); // null for the graph input and constants: those are not ours to place
            if (k == null || !seen.add(in) || placed.containsKey(in) || outputs.contains(in) || k.order() != 'c'
                    || k.type() != out.type() || k.shape().length != rank) {
                return null;
            }
            for (int d = 0; d < rank; d++) {
                if (d != axis && k.shape()[d] != out.shape()[d]) {
                    return null;
                }
            }
            offsets[a] = along * inner;
            along += k.shape()[axis];
        }
        return along == out.shape()[axis] ? offsets : null;
    }
}
