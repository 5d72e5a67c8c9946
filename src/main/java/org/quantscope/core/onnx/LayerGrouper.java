package org.quantscope.core.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the quantization layers of a graph: each Conv, Gemm or MatMul whose weight is a constant (possibly forwarded
 * by Identity nodes, or an integer constant behind a DequantizeLinear in an already quantized model), grouped with a
 * directly following BatchNormalization and activation (Relu, Clip/ReLU6, HardSwish and other element-wise
 * activations, or a gated activation x * HardSigmoid(x) / x * Sigmoid(x)). A following node only joins the group when
 * it is the sole consumer of the tensor (for a gated activation: the gate and its Mul are), since folding it would
 * otherwise change what other branches see.
 */
final class LayerGrouper {

    private static final Set<String> OTHER_ACTIVATIONS = Set.of("LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Elu",
            "Selu", "Softplus", "PRelu", "Gelu", "Mish");

    private final OnnxModel model;

    LayerGrouper(OnnxModel model) {
        this.model = model;
    }

    List<Layer> group() {
        List<Layer> layers = new ArrayList<>();
        for (GraphNode n : model.nodes()) {
            if (!n.domain().isEmpty()) {
                continue;
            }
            switch (n.opType()) {
                case "Conv", "Gemm", "MatMul" -> toLayer(n).ifPresent(layers::add);
                default -> { }
            }
        }
        return layers;
    }

    private Optional<Layer> toLayer(GraphNode linear) {
        String w = model.resolveIdentity(linear.input(1));
        WeightTensor weight = model.constants().get(w);
        if (weight == null && dequantized(w) != null) { // a QDQ model: integer weight behind a DequantizeLinear
            w = dequantized(w);
            weight = model.constants().get(w);
        } else if (weight != null && !weight.isFloat()) {
            weight = null;
        }
        if (weight == null) {
            return Optional.empty();
        }
        long[] ws = weight.dims();
        LayerKind kind;
        long groups = 1;
        String bias = linear.input(2).isEmpty() ? null : model.resolveIdentity(linear.input(2));
        if (bias != null && dequantized(bias) != null) {
            bias = dequantized(bias);
        }
        switch (linear.opType()) {
            case "Conv" -> {
                groups = linear.longAttr("group", 1);
                long inChannels = ws.length > 1 ? ws[1] * groups : 0;
                kind = groups == 1 ? LayerKind.CONV
                        : groups == inChannels && ws[1] == 1 ? LayerKind.DEPTHWISE_CONV : LayerKind.GROUPED_CONV;
            }
            case "Gemm" -> kind = LayerKind.GEMM;
            default -> kind = LayerKind.MATMUL;
        }
        String out = linear.output();
        GraphNode cursor;
        if (kind == LayerKind.MATMUL) {
            cursor = soleConsumer(out);
            if (cursor != null && cursor.opType().equals("Add")) {
                String other = model.resolveIdentity(cursor.input(0)).equals(out) ? cursor.input(1) : cursor.input(0);
                if (model.constant(other).filter(WeightTensor::isFloat).isPresent()) {
                    bias = model.resolveIdentity(other);
                    out = cursor.output();
                }
            }
        }
        GraphNode bn = null;
        cursor = soleConsumer(out);
        if (cursor != null && cursor.opType().equals("BatchNormalization") && model.resolveIdentity(cursor.input(0)).equals(out)
                && cursor.outputs().size() >= 1) {
            bn = cursor;
            out = bn.output();
        }
        GraphNode act = null;
        ActivationKind actKind = ActivationKind.NONE;
        double lo = Double.NaN;
        double hi = Double.NaN;
        cursor = soleConsumer(out);
        if (cursor != null && model.resolveIdentity(cursor.input(0)).equals(out)) {
            switch (cursor.opType()) {
                case "Relu" -> {
                    act = cursor;
                    actKind = ActivationKind.RELU;
                    lo = 0;
                }
                case "Clip" -> {
                    act = cursor;
                    double[] b = clipBounds(cursor);
                    lo = b[0];
                    hi = b[1];
                    actKind = lo == 0 && hi == 6 ? ActivationKind.RELU6 : ActivationKind.CLIP;
                }
                case "HardSwish" -> {
                    act = cursor;
                    actKind = ActivationKind.HARD_SWISH;
                }
                default -> {
                    if (OTHER_ACTIVATIONS.contains(cursor.opType())) {
                        act = cursor;
                        actKind = ActivationKind.OTHER;
                    }
                }
            }
            if (act != null) {
                out = act.output();
            }
        }
        GraphNode gate = act == null ? gate(out) : null;
        if (gate != null) { // x * HardSigmoid(x) or x * Sigmoid(x): the Mul's output ends the group
            act = model.consumersOf(gate.output()).get(0);
            actKind = gate.opType().equals("Sigmoid") ? ActivationKind.SILU : ActivationKind.HARD_SWISH;
            out = act.output();
        }
        GraphNode bound = null;
        float[] channelMax = null;
        if (actKind == ActivationKind.RELU) {
            GraphNode min = soleConsumer(out);
            channelMax = min == null ? null : channelBound(min, out, ws, kind, linear);
            if (channelMax != null) {
                bound = min;
                actKind = ActivationKind.CHANNEL_CLIP;
                hi = 0;
                for (float v : channelMax) {
                    hi = Math.max(hi, v);
                }
                out = min.output();
            }
        }
        long params = weight.size() + (bias == null ? 0 : model.constant(bias).map(WeightTensor::size).orElse(0L));
        return Optional.of(new Layer(linear.name(), kind, linear, bn, act, actKind, lo, hi, bound, channelMax, w,
                ws, bias, groups, params, out));
    }

    /**
     * The per-channel upper bounds when {@code min} is a two-input Min of {@code tensor} (a Relu output) and a
     * constant with one non-negative value per output channel, broadcast along the channel axis of the layer's output
     * ([C, 1, ..., 1] after a Conv, [C] after a Gemm or MatMul); else null.
     */
    private float[] channelBound(GraphNode min, String tensor, long[] ws, LayerKind kind, GraphNode linear) {
        if (!min.opType().equals("Min") || !min.domain().isEmpty() || min.inputs().size() != 2) {
            return null;
        }
        String a = model.resolveIdentity(min.input(0));
        String b = model.resolveIdentity(min.input(1));
        String other = a.equals(tensor) ? b : b.equals(tensor) ? a : null;
        WeightTensor c = other == null ? null : model.constant(other).filter(WeightTensor::isFloat).orElse(null);
        if (c == null || c.floats() == null) {
            return null;
        }
        long channels = ws[Layer.outputChannelAxis(kind, linear, ws.length)];
        long[] d = c.dims();
        boolean conv = kind != LayerKind.GEMM && kind != LayerKind.MATMUL;
        // Conv output [N, C, spatial...]: the bound is [C, 1, ...] with one 1 per spatial axis; Gemm/MatMul: [C]
        boolean shaped = conv ? d.length == ws.length - 1 && d[0] == channels : d.length == 1 && d[0] == channels;
        for (int i = 1; shaped && i < d.length; i++) {
            shaped = d[i] == 1;
        }
        if (!shaped) {
            return null;
        }
        for (float v : c.floats()) {
            if (!(v >= 0)) {
                return null;
            }
        }
        return c.floats();
    }

    /**
     * The gate of a gated activation {@code x * g(x)} on {@code x}, as torch exports HardSwish before opset 14
     * (HardSigmoid with alpha 1/6 and beta 1/2) and SiLU (Sigmoid): {@code x} is read by exactly the gate and a Mul,
     * the Mul multiplies {@code x} by the gate's output, and nothing else reads the gate's output. Else null.
     */
    private GraphNode gate(String x) {
        List<GraphNode> cs = model.consumersOf(x);
        if (isGraphOutput(x) || cs.size() != 2) {
            return null;
        }
        GraphNode mul = cs.get(0).opType().equals("Mul") ? cs.get(0) : cs.get(1);
        GraphNode g = mul == cs.get(0) ? cs.get(1) : cs.get(0);
        boolean hardSigmoid = g.opType().equals("HardSigmoid")
                && Math.abs(g.doubleAttr("alpha", 0.2) - 1 / 6.0) < 1e-6
                && Math.abs(g.doubleAttr("beta", 0.5) - 0.5) < 1e-6;
        if (!mul.opType().equals("Mul") || !mul.domain().isEmpty() || !g.domain().isEmpty()
                || !(hardSigmoid || g.opType().equals("Sigmoid")) || g.outputs().size() != 1
                || mul.inputs().size() != 2 || isGraphOutput(g.output())) {
            return null;
        }
        boolean pair = mul.input(0).equals(x) && mul.input(1).equals(g.output())
                || mul.input(1).equals(x) && mul.input(0).equals(g.output());
        return pair && model.consumersOf(g.output()).size() == 1 ? g : null;
    }

    /** The integer constant behind a DequantizeLinear producing {@code tensor} (a QDQ model's weight), or null. */
    private String dequantized(String tensor) {
        GraphNode dq = model.producerOf(tensor).orElse(null);
        if (dq == null || !dq.opType().equals("DequantizeLinear") || !dq.domain().isEmpty()) {
            return null;
        }
        String q = model.resolveIdentity(dq.input(0));
        return model.constant(q).filter(t -> t.longs() != null).isPresent() ? q : null;
    }

    /**
     * Clip bounds: attributes before opset 11, optional inputs 1 and 2 from opset 11 on (initializers, Constant nodes
     * or Identity-forwarded constants). Missing bounds are infinite.
     */
    double[] clipBounds(GraphNode clip) {
        double lo = clip.doubleAttr("min", Double.NEGATIVE_INFINITY);
        double hi = clip.doubleAttr("max", Double.POSITIVE_INFINITY);
        if (!clip.input(1).isEmpty()) {
            lo = model.constant(clip.input(1)).map(WeightTensor::scalar).orElse(Double.NaN);
        }
        if (!clip.input(2).isEmpty()) {
            hi = model.constant(clip.input(2)).map(WeightTensor::scalar).orElse(Double.NaN);
        }
        return new double[] {lo, hi};
    }

    /** The only node consuming {@code tensor}, skipping pass-through Identity nodes; null when 0 or several. */
    private GraphNode soleConsumer(String tensor) {
        if (isGraphOutput(tensor)) {
            return null;
        }
        List<GraphNode> cs = model.consumersOf(tensor);
        if (cs.size() != 1) {
            return null;
        }
        GraphNode c = cs.get(0);
        if (c.opType().equals("Identity") && c.domain().isEmpty()) {
            return soleConsumer(c.output());
        }
        return c;
    }

    private boolean isGraphOutput(String tensor) {
        for (TensorSpec t : model.outputs()) {
            if (t.name().equals(tensor)) {
                return true;
            }
        }
        return false;
    }
}
