package org.quantscope.core.sim;

import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One data input of a compute op that a quantized deployment runs on integers: input 0 of every layer (Conv, Gemm or
 * MatMul with a constant weight; the weight has its own quantizer), or either input of a MatMul between two
 * activations (attention-style products), which integer back-ends run on two quantized operands.
 *
 * @param node   the Conv/Gemm/MatMul node
 * @param layer  its layer, or null for a MatMul between two activations
 * @param tensor the data tensor it reads (Identity nodes resolved)
 */
record ComputeInput(GraphNode node, Layer layer, String tensor) {

    /** The node's display name: the layer's name, or the MatMul node's. */
    String name() {
        return layer != null ? layer.name() : node.name();
    }

    /** Every data input of a compute op in {@code m}, in graph order ({@code data}: the float data tensors). */
    static List<ComputeInput> all(OnnxModel m, Set<String> data) {
        List<ComputeInput> inputs = new ArrayList<>();
        Map<String, Layer> layers = new HashMap<>();
        for (Layer l : m.layers()) {
            layers.put(l.linear().name(), l);
        }
        for (GraphNode n : m.nodes()) {
            if (!n.domain().isEmpty()) {
                continue;
            }
            Layer l = layers.get(n.name());
            if (l != null) {
                String t = m.resolveIdentity(n.input(0));
                if (data.contains(t)) {
                    inputs.add(new ComputeInput(n, l, t));
                }
            } else if (n.opType().equals("MatMul")) {
                String a = m.resolveIdentity(n.input(0));
                String b = m.resolveIdentity(n.input(1));
                if (data.contains(a) && data.contains(b)) {
                    inputs.add(new ComputeInput(n, null, a));
                    if (!b.equals(a)) {
                        inputs.add(new ComputeInput(n, null, b));
                    }
                }
            }
        }
        return inputs;
    }
}
