package org.quantscope.core.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A squeeze-and-excitation block (Hu et al. 2018, as in MobileNetV3 and EfficientNet): the block input {@code x} is
 * averaged over space (GlobalAveragePool, or ReduceMean over the spatial axes), a reducing layer (1x1 Conv or Gemm,
 * with its activation) and an expanding layer compute one weight per channel, a gate (Sigmoid or HardSigmoid) maps it
 * to [0, 1], and a Mul scales {@code x} channel by channel. Found from the graph, possibly through Flatten, Reshape,
 * Squeeze and Unsqueeze between the steps.
 *
 * @param input  the block input {@code x}
 * @param pool   the GlobalAveragePool (or ReduceMean) node
 * @param reduce the reducing layer
 * @param expand the expanding layer
 * @param gate   the Sigmoid or HardSigmoid node (fused with {@code expand}, or right after it)
 * @param scale  the Mul of {@code x} and the gate, whose output is the block's output
 */
public record SqueezeExcitation(String input, GraphNode pool, Layer reduce, Layer expand, GraphNode gate,
                                GraphNode scale) {

    private static final Set<String> RESHAPES = Set.of("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity",
            "QuantizeLinear", "DequantizeLinear"); // Q/DQ pairs of a quantized model are transparent here

    /** The block's output: the scaled input. */
    public String output() {
        return scale.output();
    }

    /** The role of {@code layer} in the block: {@code SE reduce}, {@code SE expand}, or null when not part of it. */
    public String roleOf(Layer layer) {
        return layer.name().equals(reduce.name()) ? "SE reduce" : layer.name().equals(expand.name()) ? "SE expand"
                : null;
    }

    /**
     * Every squeeze-and-excitation block of a model, in graph order of their expanding layer.
     *
     * @param m the model
     * @return the blocks
     */
    public static List<SqueezeExcitation> find(OnnxModel m) {
        Map<String, Layer> byOutput = new HashMap<>();
        m.layers().forEach(l -> byOutput.put(m.resolveIdentity(l.output()), l));
        List<SqueezeExcitation> blocks = new ArrayList<>();
        for (Layer expand : m.layers()) {
            GraphNode gate = gateOf(m, expand);
            if (gate == null) {
                continue;
            }
            GraphNode scale = soleConsumerThroughReshapes(m, gate.output());
            Layer reduce = byOutput.get(backThroughReshapes(m, expand.linear().input(0)));
            if (scale == null || !scale.opType().equals("Mul") || reduce == null || scale.inputs().size() != 2) {
                continue;
            }
            GraphNode pool = m.producerOf(backThroughReshapes(m, reduce.linear().input(0))).orElse(null);
            if (pool == null || !isSpatialMean(m, pool)) {
                continue;
            }
            String x = m.resolveIdentity(pool.input(0));
            String a = m.resolveIdentity(scale.input(0));
            String b = m.resolveIdentity(scale.input(1));
            if (a.equals(x) || b.equals(x)) {
                blocks.add(new SqueezeExcitation(x, pool, reduce, expand, gate, scale));
            }
        }
        return blocks;
    }

    /** The Sigmoid/HardSigmoid gate fused with the layer or directly after it (its only consumer), else null. */
    private static GraphNode gateOf(OnnxModel m, Layer l) {
        if (l.activation() != null) {
            return isGate(l.activation()) ? l.activation() : null;
        }
        List<GraphNode> cs = m.consumersOf(l.output());
        return cs.size() == 1 && isGate(cs.get(0)) ? cs.get(0) : null;
    }

    private static boolean isGate(GraphNode n) {
        return n.domain().isEmpty() && (n.opType().equals("Sigmoid") || n.opType().equals("HardSigmoid"));
    }

    private static boolean isSpatialMean(OnnxModel m, GraphNode n) {
        if (!n.domain().isEmpty()) {
            return false;
        }
        if (n.opType().equals("GlobalAveragePool")) {
            return true;
        }
        if (!n.opType().equals("ReduceMean")) {
            return false;
        }
        long[] axes = n.longsAttr("axes");
        if (axes == null && !n.input(1).isEmpty()) {
            axes = m.constant(n.input(1)).map(WeightTensor::longs).orElse(null);
        }
        return axes != null && axes.length >= 1
                && java.util.Arrays.stream(axes).allMatch(a -> a >= 2 || a == -1 || a == -2); // NCHW: H and W
    }

    private static String backThroughReshapes(OnnxModel m, String tensor) {
        String t = m.resolveIdentity(tensor);
        for (int guard = 0; guard < 100; guard++) {
            GraphNode p = m.producerOf(t).orElse(null);
            if (p == null || !RESHAPES.contains(p.opType()) || !p.domain().isEmpty()) {
                return t;
            }
            t = m.resolveIdentity(p.input(0));
        }
        return t;
    }

    private static GraphNode soleConsumerThroughReshapes(OnnxModel m, String tensor) {
        String t = tensor;
        for (int guard = 0; guard < 100; guard++) {
            List<GraphNode> cs = m.consumersOf(t);
            if (cs.size() != 1) {
                return null;
            }
            GraphNode c = cs.get(0);
            if (!RESHAPES.contains(c.opType()) || !c.domain().isEmpty()) {
                return c;
            }
            t = c.output();
        }
        return null;
    }
}
