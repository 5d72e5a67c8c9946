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
 * Removes the layout round trips ONNX Runtime puts around quantizers in a simulation graph it has already optimized.
 *
 * <p>With all optimizations on, ONNX Runtime's CPU provider runs convolutions in a blocked channel layout (NCHWc,
 * domain {@code com.microsoft.nchwc}) and keeps data in it from one convolution to the next. QuantizeLinear and
 * DequantizeLinear have no NCHWc kernels, so every quantized activation between two convolutions becomes
 * {@code ReorderOutput -> QuantizeLinear -> DequantizeLinear -> ReorderInput}: two copies of the tensor into the
 * plain layout and back, which cost about as much as the quantizer itself (docs/benchmarks.md, issue 4). A
 * per-tensor quantizer is element-wise with scalar parameters, so it computes the same value for an element whatever
 * the element's position in memory: it can run on the blocked tensor directly and both copies can go. The padding
 * channels the blocked layout adds (channel counts rounded up to the block size) pass through the quantizer as
 * finite numbers and meet only zero weights in the next convolution; they never reach an output, since the final
 * {@code ReorderOutput} drops them.
 *
 * <p>The rewrite works on the model ONNX Runtime itself wrote after optimizing the graph
 * ({@code SessionOptions.setOptimizedModelFilePath}), so every convolution, fusion and weight layout stays exactly
 * as ONNX Runtime chose it; only reorder nodes are removed. A chain qualifies when it runs from a
 * {@code ReorderOutput} to nodes that are all {@code ReorderInput}, every node in between is one of
 * {@link #ELEMENTWISE} with all inputs other than the data being constants of one element, and no tensor of the
 * chain is a graph output or read by any other node. Anything else (a per-channel quantizer, a tensor also read by a
 * plain-layout node) is left as it was. {@link InferenceSession} checks the result against the session it came from
 * on a probe batch and keeps it only when every output is bit-for-bit the same.
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

    /**
     * The result of a rewrite.
     *
     * @param model  the rewritten model
     * @param chains how many reorder round trips were removed
     */
    record Result(OnnxMl.ModelProto model, int chains) {
    }

    /**
     * Rewrites an optimized model.
     *
     * @param optimized the model as ONNX Runtime wrote it after optimization
     * @return the rewritten model, or empty when no chain qualifies
     */
    static Optional<Result> rewrite(OnnxMl.ModelProto optimized) {
        OnnxMl.GraphProto g = optimized.getGraph();
        Map<String, List<Integer>> consumers = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String in : g.getNode(i).getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
        }
        Set<String> graphOutputs = new HashSet<>();
        g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        Set<String> scalars = new HashSet<>();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            long size = 1;
            for (long d : t.getDimsList()) {
                size *= d;
            }
            if (size == 1) {
                scalars.add(t.getName());
            }
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1 && n.getAttributeCount() == 1
                    && n.getAttribute(0).hasT()) {
                long size = 1;
                for (long d : n.getAttribute(0).getT().getDimsList()) {
                    size *= d;
                }
                if (size == 1) {
                    scalars.add(n.getOutput(0));
                }
            }
        }

        Set<Integer> removed = new HashSet<>();
        Map<Integer, String> newFirstInput = new HashMap<>();
        Map<String, String> renamed = new HashMap<>();
        int chains = 0;
        for (int r = 0; r < g.getNodeCount(); r++) {
            OnnxMl.NodeProto reorder = g.getNode(r);
            if (!isReorder(reorder, "ReorderOutput") || reorder.getInputCount() != 1 || reorder.getOutputCount() != 1) {
                continue;
            }
            List<Integer> chain = new ArrayList<>();
            String tensor = reorder.getOutput(0);
            List<Integer> readers = consumers.getOrDefault(tensor, List.of());
            boolean ok = !graphOutputs.contains(tensor);
            while (ok) {
                if (readers.isEmpty()) {
                    ok = false;
                    break;
                }
                if (!chain.isEmpty() && readers.stream().allMatch(i -> isReorder(g.getNode(i), "ReorderInput"))) {
                    break; // the chain ends in reorders back to the blocked layout
                }
                if (readers.size() != 1 || !isElementwise(g.getNode(readers.get(0)), tensor, scalars)) {
                    ok = false;
                    break;
                }
                int next = readers.get(0);
                chain.add(next);
                tensor = g.getNode(next).getOutput(0);
                readers = consumers.getOrDefault(tensor, List.of());
                ok = !graphOutputs.contains(tensor);
            }
            if (!ok || chain.isEmpty()) {
                continue;
            }
            for (int ri : readers) {
                OnnxMl.NodeProto back = g.getNode(ri);
                if (back.getOutputCount() != 1 || graphOutputs.contains(back.getOutput(0))) {
                    ok = false;
                    break;
                }
            }
            if (!ok) {
                continue;
            }
            removed.add(r);
            newFirstInput.put(chain.get(0), reorder.getInput(0));
            for (int ri : readers) {
                removed.add(ri);
                renamed.put(g.getNode(ri).getOutput(0), tensor);
            }
            chains++;
        }
        if (chains == 0) {
            return Optional.empty();
        }
        OnnxMl.GraphProto.Builder out = g.toBuilder().clearNode();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (removed.contains(i)) {
                continue;
            }
            OnnxMl.NodeProto.Builder nb = g.getNode(i).toBuilder();
            String first = newFirstInput.get(i);
            if (first != null) {
                nb.setInput(0, first);
            }
            for (int k = 0; k < nb.getInputCount(); k++) {
                String to = renamed.get(nb.getInput(k));
                if (to != null) {
                    nb.setInput(k, to);
                }
            }
            out.addNode(nb);
        }
        // Shapes recorded for tensors of a moved chain describe the plain layout; ONNX Runtime infers them again.
        out.clearValueInfo();
        return Optional.of(new Result(optimized.toBuilder().setGraph(out).build(), chains));
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

    /** Whether the node is element-wise on {@code data} (its first input) with scalar constants for the rest. */
    private static boolean isElementwise(OnnxMl.NodeProto n, String data, Set<String> scalars) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            return false;
        }
        if (!ELEMENTWISE.contains(n.getOpType()) || n.getOutputCount() != 1 || n.getInputCount() == 0
                || !n.getInput(0).equals(data)) {
            return false;
        }
        for (int k = 1; k < n.getInputCount(); k++) {
            String in = n.getInput(k);
            if (!in.isEmpty() && !scalars.contains(in)) {
                return false;
            }
        }
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("block_size") && a.getI() != 0) {
                return false;
            }
        }
        return true;
    }
}
