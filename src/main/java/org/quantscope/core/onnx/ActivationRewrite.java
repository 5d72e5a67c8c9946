package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import org.quantscope.core.InputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites Clip activations for cross-layer equalization, which needs a positively homogeneous activation between the
 * two layers it rescales (white paper §4.1). ReLU6 = Clip(0, 6) is not: scaling output channel c by 1/s_c moves its
 * bound to 6/s_c. Two rewrites, each keeping the Clip node's name and its output tensor:
 * <ul>
 *   <li>{@link #clipToChannelBound}: the exact form, Relu followed by Min with one bound per channel (FP32 unchanged);</li>
 *   <li>{@link #clipToRelu}: the paper's choice, Relu alone (changes the function wherever the input exceeded the
 *       bound).</li>
 * </ul>
 */
public final class ActivationRewrite {

    private ActivationRewrite() {
    }

    /**
     * A copy of {@code model} in which the named Clip nodes compute Relu instead.
     *
     * @param model     the model
     * @param clipNodes names of Clip nodes whose lower bound is 0
     * @return the rewritten model (same path and SHA-256)
     * @throws InputException when a name is not a Clip node of the model
     */
    public static OnnxModel clipToRelu(OnnxModel model, Set<String> clipNodes) {
        OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
        pinNodeNames(g);
        int replaced = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            if (clipNodes.contains(GraphEdits.nodeName(n, i))) {
                if (!n.getOpType().equals("Clip")) {
                    throw new InputException(model.path() + ": node " + GraphEdits.nodeName(n, i) + " is a "
                            + n.getOpType() + ", not a Clip");
                }
                g.setNode(i, n.toBuilder().setOpType("Relu").clearInput().addInput(n.getInput(0)).clearAttribute()
                        .build());
                replaced++;
            }
        }
        if (replaced != clipNodes.size()) {
            throw new InputException(model.path() + ": " + (clipNodes.size() - replaced) + " of the Clip nodes to "
                    + "replace were not found");
        }
        removeUnusedConstants(g);
        GraphEdits.pruneUnusedInitializers(g);
        OnnxMl.ModelProto out = model.proto().toBuilder().setGraph(g).build();
        return OnnxModel.derived(model, out);
    }

    /**
     * A copy of {@code model} in which each named Clip node (lower bound 0) becomes {@code Relu} followed by
     * {@code Min(·, bound)}, with a constant {@code bound} of one value per channel: a clip to [0, b_c] per channel.
     * The Relu keeps the Clip's name and input; the Min writes the Clip's output tensor, so every reader is unchanged.
     *
     * @param model  the model
     * @param bounds per Clip node name, the upper bound of each channel
     * @param dims   per Clip node name, the shape of the bound constant ([C, 1, 1] after a 2-D Conv, [C] after a Gemm)
     * @return the rewritten model (same path and SHA-256)
     * @throws InputException when a name is not a Clip node of the model
     */
    public static OnnxModel clipToChannelBound(OnnxModel model, Map<String, float[]> bounds, Map<String, long[]> dims) {
        OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
        pinNodeNames(g);
        Set<String> taken = GraphEdits.names(g);
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        int replaced = 0;
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            String name = GraphEdits.nodeName(n, i);
            if (!bounds.containsKey(name)) {
                nodes.add(n);
                continue;
            }
            if (!n.getOpType().equals("Clip")) {
                throw new InputException(model.path() + ": node " + name + " is a " + n.getOpType() + ", not a Clip");
            }
            String out = n.getOutput(0);
            String relu = GraphEdits.unique(taken, out + "_relu");
            String bound = GraphEdits.unique(taken, name + "_channel_bound");
            nodes.add(n.toBuilder().setName(name).setOpType("Relu").clearInput().addInput(n.getInput(0))
                    .clearOutput().addOutput(relu).clearAttribute().build());
            nodes.add(GraphEdits.node("Min", GraphEdits.unique(taken, name + "_channel_min"), List.of(relu, bound),
                    out));
            g.addInitializer(GraphEdits.floatTensor(bound, dims.get(name), bounds.get(name)));
            replaced++;
        }
        if (replaced != bounds.size()) {
            throw new InputException(model.path() + ": " + (bounds.size() - replaced) + " of the Clip nodes to "
                    + "rewrite were not found");
        }
        g.clearNode().addAllNode(nodes);
        removeUnusedConstants(g);
        GraphEdits.pruneUnusedInitializers(g);
        OnnxMl.ModelProto out = model.proto().toBuilder().setGraph(g).build();
        return OnnxModel.derived(model, out);
    }

    /**
     * Gives every unnamed node the name it is known by ({@code opType_index}), so that removing or inserting nodes
     * does not rename the nodes after it.
     */
    private static void pinNodeNames(OnnxMl.GraphProto.Builder g) {
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            if (n.getName().isEmpty()) {
                g.setNode(i, n.toBuilder().setName(GraphEdits.nodeName(n, i)).build());
            }
        }
    }

    /** Drops Constant nodes (the former Clip bounds) whose output nothing reads any more. */
    private static void removeUnusedConstants(OnnxMl.GraphProto.Builder g) {
        Set<String> used = new java.util.HashSet<>();
        g.getNodeList().forEach(n -> used.addAll(n.getInputList()));
        g.getOutputList().forEach(o -> used.add(o.getName()));
        java.util.List<OnnxMl.NodeProto> kept = new java.util.ArrayList<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (!(n.getOpType().equals("Constant") && n.getDomain().isEmpty() && !used.contains(n.getOutput(0)))) {
                kept.add(n);
            }
        }
        g.clearNode().addAllNode(kept);
    }
}
