package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph that computes, next to its own nodes, copies of some of them as another version of the graph has them
 * (issue 14). Empirical bias correction compares each layer's output with FP32 input and quantized weights against
 * its FP32 output (white paper eq. 27); with one side copy per layer, every layer is compared in a single run of one
 * session instead of one pair of sessions and runs per layer: the same numbers, one ONNX Runtime run per batch instead
 * of two per layer.
 */
public final class SideBranches {

    private SideBranches() {
    }

    /**
     * Adds, after each named node of {@code base}, the node of the same name from {@code variant} (its inputs as the
     * variant has them, initializers it adds copied over), writing to a new output.
     *
     * @param base    the graph that runs (its tensors feed the copies)
     * @param variant a rewrite of {@code base} that changed initializers of the named nodes only (a simulation graph
     *                with weight quantizers and no activation quantizers)
     * @param nodes   names of nodes present in both
     * @return the combined model and, per node name, the output of its copy; empty when a copy would need a tensor
     *         that only the variant's nodes compute (then the caller compares graph against graph)
     */
    public static java.util.Optional<Result> of(OnnxModel base, OnnxModel variant, List<String> nodes) {
        OnnxMl.GraphProto.Builder g = base.proto().getGraph().toBuilder();
        Set<String> names = GraphEdits.names(g);
        Set<String> available = new java.util.HashSet<>();
        g.getInitializerList().forEach(t -> available.add(t.getName()));
        g.getInputList().forEach(v -> available.add(v.getName()));
        g.getNodeList().forEach(n -> available.addAll(n.getOutputList()));
        Map<String, OnnxMl.TensorProto> variantInits = new HashMap<>();
        variant.proto().getGraph().getInitializerList().forEach(t -> variantInits.put(t.getName(), t));
        Map<String, OnnxMl.NodeProto> variantNodes = new HashMap<>();
        OnnxMl.GraphProto vg = variant.proto().getGraph();
        for (int i = 0; i < vg.getNodeCount(); i++) {
            variantNodes.put(GraphEdits.nodeName(vg.getNode(i), i), vg.getNode(i));
        }
        Map<String, Integer> baseIndex = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            baseIndex.put(GraphEdits.nodeName(g.getNode(i), i), i);
        }
        Map<Integer, OnnxMl.NodeProto> after = new HashMap<>();
        Map<String, String> outputs = new LinkedHashMap<>();
        Set<String> copied = new java.util.HashSet<>();
        for (String name : nodes) {
            OnnxMl.NodeProto v = variantNodes.get(name);
            Integer at = baseIndex.get(name);
            if (v == null || at == null || v.getOutputCount() != 1) {
                return java.util.Optional.empty();
            }
            for (String in : v.getInputList()) {
                if (in.isEmpty() || available.contains(in)) {
                    continue;
                }
                OnnxMl.TensorProto t = variantInits.get(in);
                if (t == null) {
                    return java.util.Optional.empty();
                }
                if (copied.add(in)) {
                    if (names.contains(in)) {
                        return java.util.Optional.empty(); // the name means something else in the base graph
                    }
                    names.add(in);
                    g.addInitializer(t);
                }
            }
            String out = GraphEdits.unique(names, v.getOutput(0) + "_side");
            after.put(at, v.toBuilder().setName(GraphEdits.unique(names, name + "_side")).setOutput(0, out).build());
            outputs.put(name, out);
        }
        List<OnnxMl.NodeProto> ordered = new ArrayList<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            ordered.add(g.getNode(i));
            if (after.containsKey(i)) {
                ordered.add(after.get(i));
            }
        }
        g.clearNode().addAllNode(ordered);
        OnnxModel combined = OnnxModel.derived(base, base.proto().toBuilder().setGraph(g).build());
        return java.util.Optional.of(new Result(combined, outputs));
    }

    /**
     * @param model   the combined model
     * @param outputs per node name, the output of its copy
     */
    public record Result(OnnxModel model, Map<String, String> outputs) {
        /** Copies the map. */
        public Result {
            outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        }
    }
}
