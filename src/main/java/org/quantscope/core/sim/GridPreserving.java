package org.quantscope.core.sim;

import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.WeightTensor;

import java.util.Set;
import java.util.function.Predicate;

/**
 * Operators that pass quantized values through unchanged: every value they output is one of the values of their data
 * input (a selection or rearrangement: Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Slice, Gather, Split, Expand,
 * Tile, MaxPool, Max/Min reductions, nearest-neighbour Resize, ...) or zero (Relu, zero padding), and zero lies on
 * every quantization grid (integer zero point). Quantizing after such an op with the grid of the quantizer before it
 * is the identity, so the quantizer before it covers its output: no second quantizer (with a new range) is needed,
 * and a deployable export can repeat the same Q/DQ after the op exactly, as ONNX Runtime's own quantizer does.
 */
final class GridPreserving {

    private static final Set<String> ALWAYS = Set.of("Identity", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
            "Transpose", "MaxPool", "GlobalMaxPool", "Dropout", "Relu", "Slice", "Split", "Gather", "GatherElements",
            "Expand", "Tile", "DepthToSpace", "SpaceToDepth", "ReduceMax", "ReduceMin");

    private GridPreserving() {
    }

    /** Whether node {@code n}'s outputs hold only values of its (data) input 0, or zero. */
    static boolean preserves(OnnxModel m, GraphNode n) {
        if (!n.domain().isEmpty() || n.input(0).isEmpty() || m.constant(n.input(0)).isPresent()) {
            return false; // a lookup in a constant table (an embedding) makes new data
        }
        String op = n.opType();
        if (ALWAYS.contains(op)) {
            return true;
        }
        return switch (op) {
            case "Pad" -> !"constant".equals(mode(n, "constant")) || padValue(m, n) == 0;
            case "Resize", "Upsample" -> "nearest".equals(mode(n, "nearest"));
            default -> false;
        };
    }

    /**
     * Walks back from {@code tensor} (Identity nodes resolved) through grid-preserving producers, following their
     * input 0, and returns the first tensor {@code covered} accepts, or null when a producer that changes values (or
     * the start of the graph) comes first.
     */
    static String coveringTensor(OnnxModel m, String tensor, Predicate<String> covered) {
        String t = m.resolveIdentity(tensor);
        for (int guard = 0; guard < 10_000; guard++) {
            if (covered.test(t)) {
                return t;
            }
            GraphNode p = m.producerOf(t).orElse(null);
            if (p == null || !preserves(m, p)) {
                return null;
            }
            t = m.resolveIdentity(p.input(0));
        }
        return null;
    }

    /** The node that last changed the values of {@code tensor} (walking back through grid-preserving ops), or null. */
    static GraphNode valueProducer(OnnxModel m, String tensor) {
        String t = m.resolveIdentity(tensor);
        for (int guard = 0; guard < 10_000; guard++) {
            GraphNode p = m.producerOf(t).orElse(null);
            if (p == null || !preserves(m, p)) {
                return p;
            }
            t = m.resolveIdentity(p.input(0));
        }
        return null;
    }

    private static String mode(GraphNode n, String fallback) {
        return n.attributes().get("mode") instanceof String s ? s : fallback;
    }

    /** The constant a Pad fills with: input 2 from opset 11 on, the {@code value} attribute before; 0 by default. */
    private static double padValue(OnnxModel m, GraphNode pad) {
        if (!pad.input(2).isEmpty()) {
            return m.constant(pad.input(2)).filter(w -> w.size() == 1).map(WeightTensor::scalar).orElse(Double.NaN);
        }
        return pad.doubleAttr("value", 0);
    }
}
