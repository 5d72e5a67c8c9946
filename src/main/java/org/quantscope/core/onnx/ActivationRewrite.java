package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import org.quantscope.core.InputException;

import java.util.Set;

/**
 * Replaces Clip activations by Relu (keeping each node's name, inputs and outputs). Cross-layer equalization needs
 * a positively homogeneous activation between the two layers it rescales (white paper §4.1); ReLU6 = Clip(0, 6) is
 * not, and the paper replaces it by ReLU before equalizing.
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
        OnnxModel result = OnnxModel.derived(model, out);
        return result;
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
