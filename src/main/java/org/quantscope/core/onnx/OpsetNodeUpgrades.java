package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node rewrites of {@link OpsetUpgrade}: each operator whose signature changed between opset 7 and opset 13 (from
 * ONNX's operator changelog; an operator whose newer versions only add types or negative axes needs nothing) is
 * rewritten into its opset-13 form computing the same values:
 * <ul>
 *   <li>Clip-6 min/max attributes become inputs (opset 11); Pad-2 pads/value attributes become inputs (11); Slice-1
 *       starts/ends/axes (10), TopK-1 k (10), Split split, Squeeze/Unsqueeze and ReduceSum axes (13) likewise;</li>
 *   <li>BatchNormalization-7's {@code spatial=1} is dropped (opset 9 made it the only mode; spatial=0 is refused);
 *       Dropout loses its {@code ratio} attribute (an input from opset 12; inference ignores it), and a Dropout-7
 *       whose float mask is read is refused (the mask is bool from opset 10);</li>
 *   <li>Upsample (removed in opset 10) and Resize-10 become Resize-13 with {@code coordinate_transformation_mode =
 *       asymmetric}, the only mode before opset 11, and {@code nearest_mode = floor} (ceil for a nearest Resize-10
 *       that only shrinks): the rounding ONNX Runtime applies to the old versions;</li>
 *   <li>Softmax, LogSoftmax and Hardmax before opset 13 work on the input flattened to 2-D at {@code axis}; at 13 on
 *       one axis. Where the axis is the last one of a known rank they agree and only the axis is written out;
 *       otherwise the node becomes Shape, Flatten(axis), the operator on axis 1, Reshape back;</li>
 *   <li>Scatter (deprecated in 11) becomes ScatterElements, the same operator renamed; the experimental ImageScaler
 *       becomes Mul and Add.</li>
 * </ul>
 */
final class OpsetNodeUpgrades {

    /** Operator -> first opset in which its opset-13 form exists (MAX: the operator is gone by 13). */
    private static final Map<String, Long> CHANGED = Map.ofEntries(
            Map.entry("Clip", 11L), Map.entry("BatchNormalization", 9L), Map.entry("Dropout", 12L),
            Map.entry("Pad", 11L), Map.entry("Slice", 10L), Map.entry("TopK", 10L), Map.entry("Split", 13L),
            Map.entry("Squeeze", 13L), Map.entry("Unsqueeze", 13L), Map.entry("ReduceSum", 13L),
            Map.entry("Upsample", Long.MAX_VALUE), Map.entry("Resize", 11L), Map.entry("Softmax", 13L),
            Map.entry("LogSoftmax", 13L), Map.entry("Hardmax", 13L), Map.entry("Scatter", Long.MAX_VALUE),
            Map.entry("ImageScaler", Long.MAX_VALUE), Map.entry("Scan", 9L),
            Map.entry("MeanVarianceNormalization", 9L));
    /** Experimental operators of ONNX 1.0-1.2 that later opsets removed without a same-named successor. */
    private static final Set<String> REMOVED = Set.of("ConstantFill", "Affine", "Crop", "DynamicSlice", "GRUUnit",
            "GivenTensorFill", "ParametricSoftplus", "Scale", "ScaledTanh");

    private final OnnxModel source;
    private final long opset;
    private final OnnxMl.GraphProto.Builder g;
    private final Map<String, Integer> changes;
    private final Set<String> names;
    private final Set<String> read;
    private final Map<String, String> types = new HashMap<>();

    OpsetNodeUpgrades(OnnxModel source, OnnxMl.GraphProto.Builder g, Map<String, Integer> changes) {
        this.source = source;
        this.opset = source.opset();
        this.g = g;
        this.changes = changes;
        this.names = GraphEdits.names(g);
        this.read = OpsetUpgrade.readTensors(g);
    }

    /** Whether operator {@code op} of the default domain must be rewritten for opset 13 in a file at {@code opset}. */
    static boolean needsUpgrade(String op, long opset) {
        return REMOVED.contains(op) || opset < CHANGED.getOrDefault(op, 0L);
    }

    void run() {
        List<OnnxMl.NodeProto> out = new ArrayList<>(g.getNodeCount());
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            String name = GraphEdits.nodeName(n, i);
            n = n.toBuilder().setName(name).build();
            checkSubgraphs(n, n);
            boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            out.addAll(defaultDomain && needsUpgrade(n.getOpType(), opset) ? upgrade(n, name) : List.of(n));
        }
        g.clearNode().addAllNode(out);
    }

    private List<OnnxMl.NodeProto> upgrade(OnnxMl.NodeProto n, String name) {
        String op = n.getOpType();
        if (REMOVED.contains(op)) {
            throw refusal(n, "an experimental operator that ONNX removed in opset 10, with no opset-13 equivalent");
        }
        return switch (op) {
            case "Clip" -> List.of(clip(n));
            case "BatchNormalization" -> List.of(batchNorm(n));
            case "Dropout" -> List.of(dropout(n));
            case "Pad" -> List.of(pad(n));
            case "Slice" -> List.of(attributesToInputs(n, "starts/ends/axes attributes -> inputs", false,
                    "starts", "ends", "axes"));
            case "TopK" -> List.of(attributesToInputs(n, "k attribute -> input", true, "k"));
            case "Split" -> List.of(attributesToInputs(n, "split attribute -> input", false, "split"));
            case "Squeeze", "Unsqueeze", "ReduceSum" -> List.of(attributesToInputs(n, "axes attribute -> input",
                    false, "axes"));
            case "Upsample", "Resize" -> List.of(resize(n));
            case "Softmax", "LogSoftmax", "Hardmax" -> softmax(n, name);
            case "Scatter" -> {
                note("Scatter -> ScatterElements (the same operator, renamed in opset 11)");
                yield List.of(n.toBuilder().setOpType("ScatterElements").build());
            }
            case "ImageScaler" -> imageScaler(n, name);
            case "Scan" -> throw refusal(n, "Scan-8, whose inputs and batch axis opset 9 redefined");
            default -> throw refusal(n, "an operator whose opset " + opset + " version has no opset-13 equivalent "
                    + "QuantScope knows (MeanVarianceNormalization before opset 9 was experimental)");
        };
    }

    private OnnxMl.NodeProto clip(OnnxMl.NodeProto n) {
        requireFloat(n, "its bounds become float32 inputs");
        OnnxMl.NodeProto.Builder b = OpsetUpgrade.without(n, "min", "max").clearInput().addInput(n.getInput(0));
        OnnxMl.AttributeProto lo = OpsetUpgrade.attribute(n, "min");
        OnnxMl.AttributeProto hi = OpsetUpgrade.attribute(n, "max");
        if (lo != null || hi != null) {
            b.addInput(lo == null ? "" : floatConstant(n.getName() + "_min", lo.getF()));
        }
        if (hi != null) {
            b.addInput(floatConstant(n.getName() + "_max", hi.getF()));
        }
        note("Clip: min/max attributes -> inputs");
        return b.build();
    }

    private OnnxMl.NodeProto batchNorm(OnnxMl.NodeProto n) {
        OnnxMl.AttributeProto spatial = OpsetUpgrade.attribute(n, "spatial");
        if (spatial != null && spatial.getI() != 1) {
            throw refusal(n, "BatchNormalization with spatial=" + spatial.getI() + " (statistics per activation, "
                    + "removed in opset 9; only spatial=1 converts)");
        }
        note("BatchNormalization: spatial attribute dropped (opset 9 keeps only spatial=1)");
        return OpsetUpgrade.without(n, "spatial").build();
    }

    private OnnxMl.NodeProto dropout(OnnxMl.NodeProto n) {
        OnnxMl.NodeProto.Builder b = OpsetUpgrade.without(n, "ratio");
        if (opset < 10 && n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
            if (read.contains(n.getOutput(1))) {
                throw refusal(n, "Dropout whose mask output '" + n.getOutput(1) + "' is used: the mask is float "
                        + "before opset 10 and bool after");
            }
            b.clearOutput().addOutput(n.getOutput(0));
        }
        note("Dropout: ratio attribute dropped (an input from opset 12; inference ignores it)");
        return b.build();
    }

    private OnnxMl.NodeProto pad(OnnxMl.NodeProto n) {
        OnnxMl.AttributeProto pads = OpsetUpgrade.attribute(n, "pads");
        if (pads == null) {
            throw refusal(n, "Pad without its required pads attribute");
        }
        OnnxMl.AttributeProto mode = OpsetUpgrade.attribute(n, "mode");
        OnnxMl.AttributeProto value = OpsetUpgrade.attribute(n, "value");
        boolean constantMode = mode == null || mode.getS().toStringUtf8().equals("constant");
        OnnxMl.NodeProto.Builder b = OpsetUpgrade.without(n, "pads", "value").clearInput().addInput(n.getInput(0))
                .addInput(longConstant(n.getName() + "_pads", pads.getIntsList()));
        if (constantMode && value != null && value.getF() != 0f) {
            requireFloat(n, "its padding value becomes a float32 input");
            b.addInput(floatConstant(n.getName() + "_value", value.getF()));
        }
        note("Pad: pads/value attributes -> inputs");
        return b.build();
    }

    /** The named int attributes moved, in order, to inputs 1, 2, ... (an absent one is left out, with its tail). */
    private OnnxMl.NodeProto attributesToInputs(OnnxMl.NodeProto n, String what, boolean scalarToVector,
                                                String... attributes) {
        OnnxMl.NodeProto.Builder b = OpsetUpgrade.without(n, attributes).clearInput().addInput(n.getInput(0));
        for (String a : attributes) {
            OnnxMl.AttributeProto attr = OpsetUpgrade.attribute(n, a);
            if (attr == null) {
                break;
            }
            List<Long> v = scalarToVector ? List.of(attr.getI()) : attr.getIntsList();
            b.addInput(longConstant(n.getName() + "_" + a, v));
        }
        note(n.getOpType() + ": " + what);
        return b.build();
    }

    private OnnxMl.NodeProto resize(OnnxMl.NodeProto n) {
        OnnxMl.AttributeProto modeAttr = OpsetUpgrade.attribute(n, "mode");
        String mode = modeAttr == null ? "nearest" : modeAttr.getS().toStringUtf8();
        mode = mode.equals("bilinear") ? "linear" : mode;
        if (!mode.equals("nearest") && !mode.equals("linear")) {
            throw refusal(n, n.getOpType() + " with mode '" + mode + "' (nearest and linear convert)");
        }
        String scales;
        float[] values = null;
        if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
            scales = n.getInput(1);
            values = source.constant(scales).map(WeightTensor::floats).orElse(null);
        } else {
            OnnxMl.AttributeProto s = OpsetUpgrade.attribute(n, "scales");
            if (s == null) {
                throw refusal(n, n.getOpType() + " without scales");
            }
            values = new float[s.getFloatsCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = s.getFloats(i);
            }
            scales = GraphEdits.unique(names, n.getName() + "_scales");
            g.addInitializer(GraphEdits.floatTensor(scales, new long[] {values.length}, values));
        }
        OnnxMl.NodeProto.Builder b = n.toBuilder().setOpType("Resize").clearAttribute().clearInput()
                .addInput(n.getInput(0)).addInput("").addInput(scales)
                .addAttribute(OpsetUpgrade.stringAttr("mode", mode))
                .addAttribute(OpsetUpgrade.stringAttr("coordinate_transformation_mode", "asymmetric"));
        if (mode.equals("nearest")) {
            b.addAttribute(OpsetUpgrade.stringAttr("nearest_mode", nearestMode(n, values)));
        }
        note(n.getOpType() + "-" + (n.getOpType().equals("Resize") ? 10 : opset < 9 ? 7 : 9)
                + " -> Resize-13 (asymmetric coordinates, as before opset 11)");
        return b.build();
    }

    /**
     * The opset-13 rounding equal to the old one: ONNX Runtime truncates when enlarging (floor, coordinates are not
     * negative) and rounds up when shrinking. Upsample only enlarges; a Resize-10 must show its scales.
     */
    private String nearestMode(OnnxMl.NodeProto n, float[] scales) {
        if (n.getOpType().equals("Upsample")) {
            return "floor";
        }
        if (scales == null) {
            throw refusal(n, "nearest Resize-10 whose scales are computed at run time (the rounding of the old "
                    + "version depends on whether they enlarge or shrink)");
        }
        boolean enlarge = true;
        boolean shrink = true;
        for (float s : scales) {
            enlarge &= s >= 1f;
            shrink &= s <= 1f;
        }
        if (!enlarge && !shrink) {
            throw refusal(n, "nearest Resize-10 that enlarges some axes and shrinks others");
        }
        return enlarge ? "floor" : "ceil";
    }

    private List<OnnxMl.NodeProto> softmax(OnnxMl.NodeProto n, String name) {
        OnnxMl.AttributeProto a = OpsetUpgrade.attribute(n, "axis");
        long axis = a == null ? 1 : a.getI();
        int rank = rank(n.getInput(0));
        long normalized = axis < 0 && rank > 0 ? axis + rank : axis;
        if (rank > 0 && normalized == rank - 1) {
            note(n.getOpType() + ": axis written out (the last axis: the same in both versions)");
            return List.of(OpsetUpgrade.without(n, "axis").addAttribute(OpsetUpgrade.intAttr("axis", normalized))
                    .build());
        }
        String x = n.getInput(0);
        String y = n.getOutput(0);
        String shape = GraphEdits.unique(names, y + "_input_shape");
        String flat = GraphEdits.unique(names, y + "_2d");
        String flatOut = GraphEdits.unique(names, y + "_2d_" + n.getOpType());
        note(n.getOpType() + ": coerced-to-2D semantics kept (Shape, Flatten, " + n.getOpType() + ", Reshape)");
        return List.of(
                GraphEdits.node("Shape", GraphEdits.unique(names, name + "_input_shape"), List.of(x), shape),
                GraphEdits.node("Flatten", GraphEdits.unique(names, name + "_flatten"), List.of(x), flat).toBuilder()
                        .addAttribute(OpsetUpgrade.intAttr("axis", axis)).build(),
                OpsetUpgrade.without(n, "axis").clearInput().addInput(flat).clearOutput().addOutput(flatOut)
                        .addAttribute(OpsetUpgrade.intAttr("axis", 1)).build(),
                GraphEdits.node("Reshape", GraphEdits.unique(names, name + "_reshape"), List.of(flatOut, shape), y));
    }

    private List<OnnxMl.NodeProto> imageScaler(OnnxMl.NodeProto n, String name) {
        requireFloat(n, "it becomes float32 Mul and Add");
        OnnxMl.AttributeProto s = OpsetUpgrade.attribute(n, "scale");
        OnnxMl.AttributeProto bias = OpsetUpgrade.attribute(n, "bias");
        String y = n.getOutput(0);
        String scaled = bias == null ? y : GraphEdits.unique(names, y + "_scaled");
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        nodes.add(GraphEdits.node("Mul", name, List.of(n.getInput(0),
                floatConstant(name + "_scale", s == null ? 1f : s.getF())), scaled));
        if (bias != null) {
            float[] b = new float[bias.getFloatsCount()];
            for (int i = 0; i < b.length; i++) {
                b[i] = bias.getFloats(i);
            }
            String biasName = GraphEdits.unique(names, name + "_bias");
            g.addInitializer(GraphEdits.floatTensor(biasName, new long[] {1, b.length, 1, 1}, b));
            nodes.add(GraphEdits.node("Add", GraphEdits.unique(names, name + "_add_bias"), List.of(scaled, biasName),
                    y));
        }
        note("ImageScaler (experimental, removed in opset 10) -> Mul and Add");
        return nodes;
    }

    /** Rank of a tensor: declared, or 2 for the output of Gemm and Flatten; -1 when unknown. */
    private int rank(String tensor) {
        TensorSpec spec = source.valueInfo(tensor).orElse(null);
        if (spec != null && spec.rank() > 0) {
            return spec.rank();
        }
        GraphNode p = source.producerOf(tensor).orElse(null);
        return p != null && p.domain().isEmpty() && Set.of("Gemm", "Flatten").contains(p.opType()) ? 2 : -1;
    }

    private void requireFloat(OnnxMl.NodeProto n, String why) {
        String type = GraphCut.elementType(source, n.getInput(0), types, 0);
        if (!type.equals("float32") && !type.equals("unknown")) {
            throw refusal(n, n.getOpType() + " on a " + type + " tensor (" + why + ")");
        }
    }

    private String floatConstant(String base, float v) {
        String name = GraphEdits.unique(names, base);
        g.addInitializer(GraphEdits.floatTensor(name, new long[0], new float[] {v}));
        return name;
    }

    private String longConstant(String base, List<Long> v) {
        String name = GraphEdits.unique(names, base);
        g.addInitializer(GraphEdits.longTensor(name, new long[] {v.size()},
                v.stream().mapToLong(Long::longValue).toArray()));
        return name;
    }

    private void note(String change) {
        changes.merge(change, 1, Integer::sum);
    }

    /** A node whose subgraph (If/Loop/Scan body) holds operators to upgrade is refused: only the main graph is. */
    private void checkSubgraphs(OnnxMl.NodeProto outer, OnnxMl.NodeProto n) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            List<OnnxMl.GraphProto> subs = a.hasG() ? List.of(a.getG()) : a.getGraphsList();
            for (OnnxMl.GraphProto s : subs) {
                for (OnnxMl.NodeProto inner : s.getNodeList()) {
                    if (needsUpgrade(inner.getOpType(), opset)) {
                        throw refusal(outer, outer.getOpType() + " whose subgraph '" + a.getName() + "' holds a "
                                + inner.getOpType() + " node written for opset " + opset
                                + " (QuantScope converts the main graph only)");
                    }
                    checkSubgraphs(outer, inner);
                }
            }
        }
    }

    private OpsetUpgrade.Refusal refusal(OnnxMl.NodeProto n, String what) {
        return new OpsetUpgrade.Refusal(source.path() + ": node '" + n.getName() + "' (" + n.getOpType() + ", opset "
                + opset + ") is " + what + ". QuantScope cannot bring it to opset 13, which the quantized graph "
                + "needs (QuantizeLinear/DequantizeLinear with a per-channel axis, Round, Clip with bound inputs). "
                + "FP32 evaluation and info still work; to quantize, re-export the model at opset 13 or later.");
    }
}
