package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Removes the layout copies ONNX Runtime puts around quantizers in a simulation graph it has already optimized.
 *
 * <p>With all optimizations on, ONNX Runtime's CPU provider runs convolutions in a blocked channel layout (NCHWc,
 * domain {@code com.microsoft.nchwc}) and keeps data in it from one convolution to the next. QuantizeLinear and
 * DequantizeLinear have no NCHWc kernels, so every quantized activation between two convolutions becomes
 * {@code ReorderOutput -> QuantizeLinear -> DequantizeLinear -> ReorderInput}: two copies of the tensor into the
 * plain layout and back, which cost about as much as the quantizer itself (docs/benchmarks.md, issue 4). A
 * per-tensor quantizer is element-wise with scalar parameters, so it computes the same value for an element whatever
 * the element's position in memory: it can run on the blocked tensor directly and both copies can go. Where the
 * channel count is not a multiple of the block size, the blocked tensor has padding lanes; the nodes moved here keep
 * them finite (scalar parameters are finite, and no two-input division is moved), and the padding never reaches a
 * result: ONNX Runtime drops it in every {@code ReorderOutput} and in the per-channel NCHWc kernels.
 *
 * <p>The rewrite works on the model ONNX Runtime itself wrote after optimizing the graph
 * ({@code SessionOptions.setOptimizedModelFilePath}), so every convolution, fusion and weight layout stays exactly
 * as ONNX Runtime chose it; only layout copies are removed (and, where a tensor of the moved region is also read by a
 * node that needs the plain layout, one copy is added for it). See {@link #rewrite} for the rules.
 * {@link InferenceSession} checks the result against the session it came from on a probe batch and keeps it only
 * when every output is bit-for-bit the same.
 */
final class NchwcQuantizerRelayout {

    /** Domain of ONNX Runtime's blocked-layout operators. */
    static final String NCHWC_DOMAIN = "com.microsoft.nchwc";

    /**
     * Operators computed element by element from the data input and scalar parameters, so their result does not
     * depend on the memory layout. These are the operators the simulation graph's quantizers are written with
     * (QuantizeLinear/DequantizeLinear at 8 bits; Div/Mul/Round/Add/Sub/Clip for other widths and the PyTorch
     * convention).
     */
    static final Set<String> ELEMENTWISE = Set.of("QuantizeLinear", "DequantizeLinear", "Mul", "Div", "Add", "Sub",
            "Round", "Clip", "Relu", "Floor", "Ceil", "Neg", "Abs");

    private NchwcQuantizerRelayout() {
    }

    /** Element-wise operators with one data input (input 0) and scalar parameters only. */
    private static final Set<String> PARAMETRIC = Set.of("QuantizeLinear", "DequantizeLinear", "Clip");

    /** Pooling over all positions, which ONNX Runtime also runs on blocked tensors. */
    private static final Set<String> GLOBAL_POOLS = Set.of("GlobalAveragePool", "GlobalMaxPool");

    /**
     * Element-wise operators that may combine two tensors of the same shape (a residual Add). Not Div: the padding
     * lanes of two blocked tensors hold zeros, and 0 / 0 would put NaN there.
     */
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul");

    /**
     * The result of a rewrite.
     *
     * @param model           the rewritten model
     * @param reordersRemoved how many layout copies the rewritten graph makes fewer than the optimized one
     */
    record Result(OnnxMl.ModelProto model, int reordersRemoved) {
    }

    /**
     * Rewrites an optimized model.
     *
     * <p>The region moved to the blocked layout grows from the outputs of {@code ReorderOutput} nodes through
     * element-wise nodes whose other inputs are scalar constants or, with {@code binary}, other tensors of the region
     * with the same channel count (a residual Add of two quantized branches). A {@code ReorderInput} reading a
     * region tensor is dropped (its readers take the blocked tensor); any other reader of a region tensor, and a
     * graph output, gets the plain tensor from a {@code ReorderOutput} placed after its producer. The rewrite is
     * applied only if it removes more layout copies than it adds.
     *
     * @param optimized the model as ONNX Runtime wrote it after optimization
     * @param binary    whether two-input element-wise nodes may join the region. Their inputs must have the same
     *                  shape, which the optimized model does not record; a broadcast (an SE block's
     *                  {@code x * scale[N, C, 1, 1]}) would be wrong on the blocked layout, and the probe in
     *                  {@link InferenceSession} catches it, after which the rewrite is tried again without them.
     * @param pools     whether a GlobalAveragePool or GlobalMaxPool reading a region tensor runs on the blocked
     *                  tensor ({@code com.microsoft.nchwc} kernel, as in ONNX Runtime's own FP32 graph), its small
     *                  result copied to the plain layout, instead of a copy of the whole tensor before it. Whether
     *                  that kernel sums in the same order as the plain one is for the probe to confirm (it does on
     *                  the build machine; on a machine where it does not, the rewrite is tried again without it).
     * @return the rewritten model, or empty when it would not remove any layout copy
     */
    static Optional<Result> rewrite(OnnxMl.ModelProto optimized, boolean binary, boolean pools) {
        OnnxMl.GraphProto g = optimized.getGraph();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    return Optional.empty(); // tensors read inside If/Loop bodies are not tracked here
                }
            }
        }
        int count = g.getNodeCount();
        Map<String, List<Integer>> consumers = new HashMap<>();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < count; i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
            for (String out : n.getOutputList()) {
                producer.put(out, i);
            }
        }
        Set<String> graphOutputs = new HashSet<>();
        g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        Set<String> scalars = scalarConstants(g);

        // 1. Grow the region: plain-layout tensors that can be kept in the blocked layout, with their channel count.
        Map<String, Long> channels = new HashMap<>();
        Map<String, String> blocked = new HashMap<>();
        Map<String, Integer> sources = new HashMap<>();
        for (int i = 0; i < count; i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            long c = isReorder(n, "ReorderOutput") && n.getInputCount() == 1 && n.getOutputCount() == 1
                    ? intAttr(n, "channels") : -1;
            if (c > 0) {
                channels.put(n.getOutput(0), c);
                blocked.put(n.getOutput(0), n.getInput(0));
                sources.put(n.getOutput(0), i);
            }
        }
        Set<Integer> region = new HashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (int i = 0; i < count; i++) {
                if (region.contains(i)) {
                    continue;
                }
                OnnxMl.NodeProto n = g.getNode(i);
                long c = joins(n, channels, scalars, binary);
                if (c > 0) {
                    region.add(i);
                    channels.put(n.getOutput(0), c);
                    blocked.put(n.getOutput(0), n.getOutput(0) + "__nchwc");
                    grew = true;
                }
            }
        }

        // 2. Who reads each region tensor: region nodes, reorders back (dropped), or others (need the plain tensor).
        Set<Integer> exits = new HashSet<>();
        Set<Integer> poolExits = new HashSet<>();
        Set<String> needPlain = new HashSet<>();
        for (String t : channels.keySet()) {
            if (graphOutputs.contains(t)) {
                needPlain.add(t);
            }
            for (int r : consumers.getOrDefault(t, List.of())) {
                OnnxMl.NodeProto n = g.getNode(r);
                if (region.contains(r)) {
                    continue;
                }
                if (isReorder(n, "ReorderInput") && n.getInputCount() == 1 && n.getOutputCount() == 1
                        && !graphOutputs.contains(n.getOutput(0))) {
                    exits.add(r);
                } else if (pools && GLOBAL_POOLS.contains(n.getOpType()) && n.getDomain().isEmpty()
                        && n.getInputCount() == 1 && n.getOutputCount() == 1) {
                    poolExits.add(r);
                } else {
                    needPlain.add(t);
                }
            }
        }
        // A source whose tensor reaches nothing in the region and no reorder back is left exactly as it was.
        Set<String> unused = new HashSet<>();
        for (String t : sources.keySet()) {
            boolean used = consumers.getOrDefault(t, List.of()).stream()
                    .anyMatch(r -> region.contains(r) || exits.contains(r) || poolExits.contains(r));
            if (!used) {
                unused.add(t);
            }
        }
        for (String t : needPlain) {
            Integer pi = producer.get(t);
            if (!sources.containsKey(t) && pi != null && g.getNode(pi).getOpType().equals("QuantizeLinear")) {
                return Optional.empty(); // an integer tensor read outside the region: no float reorder can copy it
            }
        }
        int removed = exits.size(); // a pool's copy of its [N, C, 1, 1] result is not counted
        int added = 0;
        for (String t : sources.keySet()) {
            if (!unused.contains(t) && !needPlain.contains(t)) {
                removed++;
            }
        }
        for (String t : needPlain) {
            if (!sources.containsKey(t)) {
                added++;
            }
        }
        if (removed <= added) {
            return Optional.empty();
        }

        // 3. Write the graph: region nodes on blocked tensors, reorders back dropped, plain copies where needed.
        Map<String, String> renamed = new HashMap<>();
        for (int r : exits) {
            OnnxMl.NodeProto n = g.getNode(r);
            renamed.put(n.getOutput(0), blocked.get(n.getInput(0)));
        }
        OnnxMl.GraphProto.Builder out = g.toBuilder().clearNode();
        for (int i = 0; i < count; i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            if (exits.contains(i)) {
                continue;
            }
            if (poolExits.contains(i)) {
                String pooled = n.getOutput(0);
                out.addNode(n.toBuilder().setDomain(NCHWC_DOMAIN).setInput(0, blocked.get(n.getInput(0)))
                        .setOutput(0, pooled + "__nchwc"));
                out.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReorderOutput").setDomain(NCHWC_DOMAIN)
                        .setName(pooled + "__plain").addInput(pooled + "__nchwc").addOutput(pooled)
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("channels")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(channels.get(n.getInput(0)))));
                continue;
            }
            if (isReorder(n, "ReorderOutput") && sources.containsKey(n.getOutput(0))) {
                String t = n.getOutput(0);
                if (!unused.contains(t) && !needPlain.contains(t)) {
                    continue; // every reader now takes the blocked tensor
                }
                String in = renamed.get(n.getInput(0));
                out.addNode(in == null ? n : n.toBuilder().setInput(0, in).build());
                continue;
            }
            OnnxMl.NodeProto.Builder nb = n.toBuilder();
            for (int k = 0; k < nb.getInputCount(); k++) {
                String in = nb.getInput(k);
                if (region.contains(i) && blocked.containsKey(in)) {
                    nb.setInput(k, blocked.get(in));
                } else if (renamed.containsKey(in)) {
                    nb.setInput(k, renamed.get(in));
                }
            }
            if (region.contains(i)) {
                nb.setOutput(0, blocked.get(n.getOutput(0)));
            }
            out.addNode(nb);
            if (region.contains(i) && needPlain.contains(n.getOutput(0))) {
                String t = n.getOutput(0);
                out.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReorderOutput").setDomain(NCHWC_DOMAIN)
                        .setName(t + "__plain").addInput(blocked.get(t)).addOutput(t)
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("channels")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(channels.get(t))));
            }
        }
        // Shapes recorded for tensors of the region describe the plain layout; ONNX Runtime infers them again.
        out.clearValueInfo();
        return Optional.of(new Result(optimized.toBuilder().setGraph(out).build(), removed - added));
    }

    /**
     * The channel count of the node's output if the node can run on blocked tensors of the region, else -1: an
     * element-wise operator whose inputs are all scalar constants or region tensors (at least one), with one channel
     * count among them.
     */
    private static long joins(OnnxMl.NodeProto n, Map<String, Long> channels, Set<String> scalars, boolean binary) {
        if ((!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) || n.getOutputCount() != 1
                || n.getInputCount() == 0 || !ELEMENTWISE.contains(n.getOpType())) {
            return -1;
        }
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("block_size") && a.getI() != 0) {
                return -1;
            }
        }
        long c = -1;
        int tensors = 0;
        for (int k = 0; k < n.getInputCount(); k++) {
            String in = n.getInput(k);
            if (in.isEmpty() || scalars.contains(in)) {
                continue;
            }
            Long ck = channels.get(in);
            if (ck == null || (c > 0 && ck != c) || (k > 0 && PARAMETRIC.contains(n.getOpType()))) {
                return -1;
            }
            c = ck;
            tensors++;
        }
        if (tensors == 0 || (tensors > 1 && !(binary && BINARY.contains(n.getOpType())))) {
            return -1;
        }
        return c;
    }

    private static Set<String> scalarConstants(OnnxMl.GraphProto g) {
        Set<String> inputs = new HashSet<>();
        g.getInputList().forEach(v -> inputs.add(v.getName()));
        Set<String> scalars = new HashSet<>();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (elements(t) == 1 && !inputs.contains(t.getName())) { // an initializer that is also an input can be fed
                scalars.add(t.getName());
            }
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1 && n.getAttributeCount() == 1
                    && n.getAttribute(0).hasT() && elements(n.getAttribute(0).getT()) == 1) {
                scalars.add(n.getOutput(0));
            }
        }
        return scalars;
    }

    private static long elements(OnnxMl.TensorProto t) {
        long size = 1;
        for (long d : t.getDimsList()) {
            size *= d;
        }
        return size;
    }

    private static long intAttr(OnnxMl.NodeProto n, String name) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return -1;
    }

    private static boolean isReorder(OnnxMl.NodeProto n, String op) {
        if (!n.getOpType().equals(op) || !n.getDomain().equals(NCHWC_DOMAIN)) {
            return false;
        }
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("channels_last") && a.getI() != 0) {
                return false; // a transpose to NHWC, not a plain layout copy
            }
        }
        return true;
    }
}
