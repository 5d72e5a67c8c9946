package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cut of a model's graph just before one node (in file, i.e. topological, order), and the sub-model after it: the
 * nodes from the cut on that the requested outputs need, fed through new graph inputs by the tensors that cross the
 * cut. A tensor crosses the cut when it depends on the model input, is produced before the cut (or is a model input)
 * and is read after it, skip connections included; constant computations (Constant nodes, shape arithmetic on
 * initializers) read after the cut are copied into the sub-model instead. The sub-model computes exactly what the
 * whole model computes from those tensors on, because its nodes and weights are the same (issue 5: per-layer
 * sensitivity runs from cached activations at the cut rather than from the model input).
 */
public final class GraphCut {

    private static final Set<String> INT64_OPS = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin");
    private static final Set<String> BOOL_OPS = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "Not", "And", "Or", "Xor", "IsNaN", "IsInf");
    private static final Set<String> INTEGER_OPS = Set.of("QuantizeLinear", "DynamicQuantizeLinear", "QLinearConv",
            "QLinearMatMul", "ConvInteger", "MatMulInteger");

    private final OnnxModel model;
    private final int nodeIndex;
    private final List<String> outputs;
    private final List<String> tensors;
    private final boolean[] keep;
    private final String obstacle;

    private GraphCut(OnnxModel model, int nodeIndex, List<String> outputs) {
        this.model = model;
        this.nodeIndex = nodeIndex;
        this.outputs = List.copyOf(outputs);
        List<GraphNode> nodes = model.nodes();
        Set<String> data = dataTensors(model);
        Set<String> needed = new HashSet<>(outputs);
        Set<String> produced = new HashSet<>();
        keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            GraphNode n = nodes.get(i);
            if (n.outputs().stream().noneMatch(needed::contains)) {
                continue;
            }
            if (i < nodeIndex && n.outputs().stream().anyMatch(data::contains)) {
                continue; // data produced before the cut: fed in
            }
            keep[i] = true;
            produced.addAll(n.outputs());
            n.inputs().stream().filter(s -> !s.isEmpty()).forEach(needed::add);
        }
        Map<String, Integer> order = new HashMap<>();
        model.inputs().forEach(t -> order.put(t.name(), -1));
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                order.put(o, i);
            }
        }
        List<String> crossing = new ArrayList<>();
        for (String t : needed) {
            if (data.contains(t) && !produced.contains(t)) {
                crossing.add(t);
            }
        }
        crossing.sort((a, b) -> order.get(a) != order.get(b).intValue() ? Integer.compare(order.get(a), order.get(b))
                : a.compareTo(b));
        this.tensors = List.copyOf(crossing);
        String why = "";
        for (String o : outputs) {
            if (!order.containsKey(o)) {
                why = "no tensor named '" + o + "' in " + model.path().getFileName();
            }
        }
        Map<String, String> types = new HashMap<>();
        for (String t : crossing) {
            String type = elementType(model, t, types, 0);
            if (why.isEmpty() && !type.equals("float32")) {
                why = "tensor '" + t + "' crossing the cut is " + (type.equals("unknown") ? "of unknown type" : type)
                        + ", only float32 tensors are cached";
            }
        }
        this.obstacle = why;
    }

    /**
     * The cut just before node {@code nodeIndex} of {@code model.nodes()}, for a sub-model computing {@code outputs}.
     *
     * @param model     the model
     * @param nodeIndex index of the first node after the cut (0: the whole graph, fed by the model inputs)
     * @param outputs   tensors the sub-model returns, normally the logits first
     * @return the cut
     */
    public static GraphCut before(OnnxModel model, int nodeIndex, List<String> outputs) {
        if (nodeIndex < 0 || nodeIndex > model.nodes().size()) {
            throw new IllegalArgumentException("node index " + nodeIndex + " outside 0.." + model.nodes().size());
        }
        return new GraphCut(model, nodeIndex, outputs);
    }

    /** Index of the node named {@code name} in {@code model.nodes()}, or -1. */
    public static int indexOf(OnnxModel model, String name) {
        List<GraphNode> nodes = model.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The cut model. */
    public OnnxModel model() {
        return model;
    }

    /** Index of the first node after the cut. */
    public int nodeIndex() {
        return nodeIndex;
    }

    /** The tensors crossing the cut (the sub-model's inputs): model inputs first, then in order of production. */
    public List<String> tensors() {
        return tensors;
    }

    /** Why the sub-model cannot be fed from cached float tensors (a non-float or untyped tensor crosses), if so. */
    public Optional<String> obstacle() {
        return obstacle.isEmpty() ? Optional.empty() : Optional.of(obstacle);
    }

    /**
     * The sub-model after the cut: graph inputs are {@link #tensors()} (float32, shape from the model's value info
     * when recorded, the batch dimension dynamic unless the model's input has a fixed batch), graph outputs the
     * requested tensors, nodes the kept ones in their original order, unused initializers pruned.
     *
     * @return the sub-model (same path and SHA-256 as the cut model: provenance names the source file)
     */
    public OnnxModel suffix() {
        return suffix(Map.of());
    }

    /**
     * Like {@link #suffix()}, with the shapes of cut tensors the caller has measured (a run of the model), for
     * tensors the model's value info does not describe; dimension 0 is the batch.
     *
     * @param shapes measured shapes by tensor name (any batch size)
     * @return the sub-model
     */
    public OnnxModel suffix(Map<String, long[]> shapes) {
        OnnxMl.GraphProto src = model.proto().getGraph();
        OnnxMl.GraphProto.Builder g = src.toBuilder().clearNode().clearInput().clearOutput().clearValueInfo();
        Set<String> present = new HashSet<>(tensors);
        for (int i = 0; i < src.getNodeCount(); i++) {
            if (keep[i]) {
                OnnxMl.NodeProto n = src.getNode(i);
                g.addNode(n);
                present.addAll(n.getInputList());
                present.addAll(n.getOutputList());
            }
        }
        long[] inShape = model.inputs().isEmpty() ? new long[0] : model.inputs().get(0).shape();
        long fixedBatch = inShape.length > 0 && inShape[0] > 0 ? inShape[0] : -1;
        for (String t : tensors) {
            g.addInput(inputInfo(t, fixedBatch, shapes.get(t)));
        }
        Set<String> initializers = new HashSet<>();
        src.getInitializerList().forEach(t -> initializers.add(t.getName()));
        for (OnnxMl.ValueInfoProto vi : src.getInputList()) {
            if (initializers.contains(vi.getName()) && present.contains(vi.getName())) {
                g.addInput(vi); // an initializer listed as input (IR < 4) that kept nodes read
            }
        }
        Map<String, OnnxMl.ValueInfoProto> infos = new HashMap<>();
        src.getValueInfoList().forEach(v -> infos.put(v.getName(), v));
        src.getOutputList().forEach(v -> infos.put(v.getName(), v));
        for (String o : new LinkedHashSet<>(outputs)) {
            OnnxMl.ValueInfoProto vi = infos.get(o);
            g.addOutput(vi != null && vi.hasType() ? vi : floatInfo(o));
        }
        Set<String> declared = new HashSet<>(tensors);
        declared.addAll(outputs);
        for (OnnxMl.ValueInfoProto vi : src.getValueInfoList()) {
            if (present.contains(vi.getName()) && !declared.contains(vi.getName())) {
                g.addValueInfo(vi);
            }
        }
        GraphEdits.pruneUnusedInitializers(g);
        OnnxMl.ModelProto out = model.proto().toBuilder().setGraph(g).build();
        OnnxModel result = OnnxModel.derived(model, out);
        return result;
    }

    private OnnxMl.ValueInfoProto inputInfo(String t, long fixedBatch, long[] measured) {
        OnnxMl.TypeProto.Tensor.Builder tt = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(GraphEdits.FLOAT);
        Optional<TensorSpec> spec = model.valueInfo(t);
        long[] s = measured != null ? measured
                : spec.isPresent() && spec.get().rank() > 0 ? spec.get().shape() : null;
        if (s != null) {
            OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
            for (int i = 0; i < s.length; i++) {
                OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
                if (i == 0) {
                    if (fixedBatch > 0) {
                        d.setDimValue(fixedBatch);
                    } else {
                        d.setDimParam("batch");
                    }
                } else if (s[i] > 0) {
                    d.setDimValue(s[i]);
                } else {
                    d.setDimParam(t + "_dim" + i);
                }
                shape.addDim(d);
            }
            tt.setShape(shape);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(t).setType(OnnxMl.TypeProto.newBuilder().setTensorType(tt))
                .build();
    }

    private static OnnxMl.ValueInfoProto floatInfo(String t) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(t).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(GraphEdits.FLOAT))).build();
    }

    /** Tensors that depend on a model input (everything else is computed from constants alone). */
    private static Set<String> dataTensors(OnnxModel m) {
        Set<String> data = new HashSet<>();
        m.inputs().forEach(t -> data.add(t.name()));
        for (GraphNode n : m.nodes()) {
            if (n.inputs().stream().anyMatch(data::contains)) {
                data.addAll(n.outputs());
            }
        }
        return data;
    }

    /** Element type of a tensor: declared, or derived from its producer (arithmetic keeps its input's type). */
    static String elementType(OnnxModel m, String t, Map<String, String> memo, int depth) {
        String known = memo.get(t);
        if (known != null) {
            return known;
        }
        String type = m.valueInfo(t).map(TensorSpec::elementType).orElse("unknown");
        if (type.equals("unknown")) {
            GraphNode p = m.producerOf(t).orElse(null);
            if (m.constants().containsKey(t)) {
                type = m.constants().get(t).elementType();
            } else if (p == null || !p.domain().isEmpty() || depth > 10_000) {
                type = "unknown";
            } else if (INT64_OPS.contains(p.opType())) {
                type = "int64";
            } else if (BOOL_OPS.contains(p.opType())) {
                type = "bool";
            } else if (INTEGER_OPS.contains(p.opType())) {
                type = "integer";
            } else if (p.opType().equals("DequantizeLinear")) {
                type = "float32";
            } else if (p.opType().equals("Cast")) {
                type = ProtoConversions.elementTypeName((int) p.longAttr("to", 0));
            } else if (!p.input(0).isEmpty()) {
                type = elementType(m, p.input(0), memo, depth + 1);
            }
        }
        memo.put(t, type);
        return type;
    }
}
