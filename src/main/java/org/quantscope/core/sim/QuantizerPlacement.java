package org.quantscope.core.sim;

import org.quantscope.core.onnx.ActivationKind;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.TensorSpec;
import org.quantscope.core.onnx.WeightTensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides where quantizers go (the placement rules of issue 4 and {@code docs/torch-reference.md}, which the PyTorch
 * reference implements identically, completed by decision 0020):
 * <ul>
 *   <li>one weight quantizer per Conv/Gemm/MatMul weight, after BN folding; biases stay float (or int32, see
 *       {@link QuantSettings#biasInt32()});</li>
 *   <li>activation quantizers as chosen by {@link ActivationPlacement}; by default at every model input, at the end
 *       of each layer group (after its activation, HardSwish and SiLU included), at Add/Concat outputs,
 *       MaxPool/AveragePool/GlobalAveragePool outputs, outputs of element-wise Muls of two activations and model
 *       outputs. A tensor is quantized once even when several rules name it. Flatten, Reshape, Identity and Pad get
 *       no quantizer, nor does a Relu/Clip that does not close a layer group.</li>
 *   <li>completion: every data input of a compute op ({@link ComputeInput}: input 0 of a layer, both inputs of a
 *       MatMul between two activations) comes from a quantizer, whatever op produced it: if walking back through ops
 *       that pass quantized values through unchanged ({@link GridPreserving}) reaches no quantizer, the input itself
 *       gets one ({@code layer input}). {@link ActivationPlacement#LAYER_INPUTS} quantizes exactly these inputs.</li>
 * </ul>
 * Only floating-point data tensors are quantized: tensors computed from shapes (Shape, Size, ...) are not. After
 * placement, {@link PlacementCheck} verifies the result and names every quantized layer left with a float input.
 */
public final class QuantizerPlacement {

    private static final Set<String> OUTPUT_OPS = Set.of("Add", "Concat", "MaxPool", "AveragePool",
            "GlobalAveragePool");
    private static final Set<String> NON_DATA_OPS = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "ConstantOfShape", "Range", "EyeLike");
    private static final Set<String> LOOKUP_OPS = Set.of("Gather", "GatherElements", "GatherND");

    private QuantizerPlacement() {
    }

    /**
     * Places quantizers.
     *
     * @param prepared  the graph that will be quantized (normally BN-folded)
     * @param original  the model as loaded, whose weight names identify weight quantizers
     * @param placement which activations to quantize
     * @return weight sites (in layer order) followed by activation sites (in graph order)
     */
    public static List<QuantizerSite> place(OnnxModel prepared, OnnxModel original, ActivationPlacement placement) {
        Map<String, String> originalWeightNames = new HashMap<>();
        for (Layer l : original.layers()) {
            originalWeightNames.put(l.linear().name(), l.weightName());
        }
        Set<String> data = dataTensors(prepared);
        Set<String> nonNegative = NonNegativeTensors.of(prepared, data);
        List<QuantizerSite> sites = new ArrayList<>();
        Set<String> weightNames = new HashSet<>();
        List<Layer> weighted = new ArrayList<>();
        Map<String, Integer> nameCount = new HashMap<>();
        for (Layer l : prepared.layers()) {
            if (weightNames.add(l.weightName())) { // a weight shared by several layers is quantized once
                weighted.add(l);
                nameCount.merge(originalWeightNames.getOrDefault(l.linear().name(), l.weightName()), 1, Integer::sum);
            }
        }
        Set<String> taken = new HashSet<>();
        for (Layer l : weighted) {
            String name = originalWeightNames.getOrDefault(l.linear().name(), l.weightName());
            if (nameCount.get(name) > 1 || taken.contains(name)) {
                // one original weight became several tensors (folded into different BNs): name each after its layer
                name = name + "@" + l.linear().name();
            }
            taken.add(name);
            sites.add(new QuantizerSite(name, QuantizerKind.WEIGHT, l.weightName(), l.linear().name(), l.name(),
                    "weight", outputChannelAxis(l), l.weightShape(), false));
        }
        Map<String, QuantizerSite> acts = new LinkedHashMap<>();
        Map<String, Layer> layerByOutput = new HashMap<>();
        prepared.layers().forEach(l -> layerByOutput.put(prepared.resolveIdentity(l.output()), l));
        List<ComputeInput> computeInputs = ComputeInput.all(prepared, data);
        if (placement == ActivationPlacement.LAYER_INPUTS) {
            for (ComputeInput c : computeInputs) {
                String role = isModelInput(prepared, c.tensor()) ? "model input"
                        : c.layer() != null ? "layer input" : "MatMul input";
                acts.putIfAbsent(c.tensor(), activation(prepared, c.tensor(), layerName(c), role, nonNegative));
            }
        } else {
            for (TensorSpec in : prepared.inputs()) {
                if (data.contains(in.name())) { // integer inputs (token ids) are not quantized
                    acts.putIfAbsent(in.name(), activation(prepared, in.name(), null, "model input", nonNegative));
                }
            }
            Set<String> insideLayer = biasAdds(prepared);
            Set<String> fusedIntoAdd = placement == ActivationPlacement.TENSORRT
                    ? fusedAddInputs(prepared, layerByOutput) : Set.of();
            for (GraphNode n : prepared.nodes()) {
                if (!n.domain().isEmpty() || n.outputs().isEmpty()) {
                    continue;
                }
                String out = n.output();
                if (!data.contains(out)) {
                    continue;
                }
                Layer l = layerByOutput.get(out);
                if (l != null) {
                    if (!fusedIntoAdd.contains(out)) {
                        acts.putIfAbsent(out, activation(prepared, out, l.name(), "layer output", nonNegative));
                    }
                } else if (OUTPUT_OPS.contains(n.opType()) && !insideLayer.contains(n.name())) {
                    String role = n.opType().endsWith("Pool") ? "pool output" : n.opType() + " output";
                    acts.putIfAbsent(out, activation(prepared, out, null, role, nonNegative));
                } else if (isActivationProduct(prepared, n, data)) {
                    acts.putIfAbsent(out, activation(prepared, out, null, "Mul output", nonNegative));
                }
            }
            for (TensorSpec o : prepared.outputs()) {
                String t = prepared.resolveIdentity(o.name());
                if (data.contains(t) || prepared.producerOf(t).isPresent()) {
                    Layer l = layerByOutput.get(t);
                    acts.putIfAbsent(t, activation(prepared, t, l == null ? null : l.name(), "model output",
                            nonNegative));
                }
            }
            // completion: every data input of a compute op comes from a quantizer, whatever op produced it
            Set<String> uncovered = new HashSet<>();
            for (ComputeInput c : computeInputs) {
                if (GridPreserving.coveringTensor(prepared, c.tensor(), acts::containsKey) == null) {
                    uncovered.add(c.tensor());
                }
            }
            for (ComputeInput c : computeInputs) {
                if (uncovered.contains(c.tensor()) && !acts.containsKey(c.tensor())
                        && !behindAnother(prepared, c.tensor(), uncovered)) {
                    acts.put(c.tensor(), activation(prepared, c.tensor(), layerName(c),
                            c.layer() != null ? "layer input" : "MatMul input", nonNegative));
                }
            }
        }
        // activations in graph order: model inputs first, then by producing node
        Map<String, Integer> order = new HashMap<>();
        List<GraphNode> nodes = prepared.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                order.put(o, i);
            }
        }
        List<QuantizerSite> sortedActs = new ArrayList<>(acts.values());
        sortedActs.sort((a, b) -> Integer.compare(order.getOrDefault(a.tensor(), -1),
                order.getOrDefault(b.tensor(), -1)));
        sites.addAll(sortedActs);
        return List.copyOf(sites);
    }

    private static QuantizerSite activation(OnnxModel m, String tensor, String layer, String role,
                                            Set<String> nonNegative) {
        String node = m.producerOf(tensor).map(GraphNode::name).orElse("");
        long[] shape = m.valueInfo(tensor).map(TensorSpec::shape).orElse(new long[0]);
        return new QuantizerSite(tensor, QuantizerKind.ACTIVATION, tensor, node, layer, role, 1, shape,
                nonNegative.contains(tensor));
    }

    /**
     * Whether {@code tensor} is produced, through grid-preserving ops, from another of the {@code inputs} (which gets
     * the quantizer that then covers this one too): one quantizer at the top of such a chain, whatever the order of
     * the layers reading it.
     */
    private static boolean behindAnother(OnnxModel m, String tensor, Set<String> inputs) {
        GraphNode p = m.producerOf(tensor).orElse(null);
        return p != null && GridPreserving.preserves(m, p)
                && GridPreserving.coveringTensor(m, p.input(0), inputs::contains) != null;
    }

    /** The layer a compute-input quantizer belongs to: the reading layer, none for a MatMul of two activations. */
    private static String layerName(ComputeInput c) {
        return c.layer() == null ? null : c.layer().name();
    }

    /**
     * An element-wise Mul of two activations outside any layer group (the scale Mul of squeeze-and-excitation, a
     * gated activation such as SiLU after an Add): integer back-ends run it as an integer op with a quantized output
     * (ONNX Runtime's QLinearMul, TensorRT's element-wise layer), like an Add. A Mul by a constant is a rescaling and
     * gets no quantizer of its own.
     */
    private static boolean isActivationProduct(OnnxModel m, GraphNode n, Set<String> data) {
        return n.opType().equals("Mul") && n.inputs().size() == 2 && data.contains(m.resolveIdentity(n.input(0)))
                && data.contains(m.resolveIdentity(n.input(1)));
    }

    private static boolean isModelInput(OnnxModel m, String t) {
        return m.inputs().stream().anyMatch(i -> i.name().equals(t));
    }

    /**
     * The output-channel axis of a layer's weight: 0 for Conv and for Gemm with transB=1 ([out, in]); 1 for Gemm with
     * transB=0 ([in, out]); the last axis for MatMul ([..., in, out]).
     */
    static int outputChannelAxis(Layer l) {
        return l.outputChannelAxis();
    }

    /** The bias Add of each MatMul layer ({@code nn.Linear} on a rank > 2 input): part of the layer, not an Add. */
    private static Set<String> biasAdds(OnnxModel m) {
        Set<String> adds = new HashSet<>();
        for (Layer l : m.layers()) {
            if (l.kind() == LayerKind.MATMUL && l.biasName() != null) {
                for (GraphNode c : m.consumersOf(l.linear().output())) {
                    if (c.opType().equals("Add")) {
                        adds.add(c.name());
                    }
                }
            }
        }
        return adds;
    }

    /** TensorRT: per Add, the one layer output (the later in graph order) whose bias addition absorbs the Add. */
    private static Set<String> fusedAddInputs(OnnxModel m, Map<String, Layer> layerByOutput) {
        Set<String> fused = new HashSet<>();
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < m.nodes().size(); i++) {
            for (String o : m.nodes().get(i).outputs()) {
                order.put(o, i);
            }
        }
        for (GraphNode n : m.nodes()) {
            if (!n.opType().equals("Add") || n.inputs().size() != 2) {
                continue;
            }
            String best = null;
            for (String in : n.inputs()) {
                String t = m.resolveIdentity(in);
                Layer l = layerByOutput.get(t);
                if (l != null && l.kind() != LayerKind.MATMUL && l.activationKind() == ActivationKind.NONE
                        && m.consumersOf(t).size() == 1
                        && (best == null || order.getOrDefault(t, -1) > order.getOrDefault(best, -1))) {
                    best = t;
                }
            }
            if (best != null) {
                fused.add(best);
            }
        }
        return fused;
    }

    /**
     * Floating-point data tensors: graph inputs, and outputs of nodes that read at least one data tensor, except
     * shape computations; plus the float output of a lookup (Gather) of a constant table at indices computed from the
     * inputs (an embedding read with integer ids). Constants are not data.
     */
    static Set<String> dataTensors(OnnxModel m) {
        Set<String> data = new HashSet<>();
        Set<String> dynamic = new HashSet<>(); // anything computed from the graph inputs, whatever its type
        for (TensorSpec in : m.inputs()) {
            dynamic.add(in.name());
            if (!declaredNonFloat(in.elementType())) {
                data.add(in.name());
            }
        }
        for (GraphNode n : m.nodes()) {
            boolean readsDynamic = n.inputs().stream().anyMatch(dynamic::contains);
            if (readsDynamic) {
                dynamic.addAll(n.outputs());
            }
            if (NON_DATA_OPS.contains(n.opType()) || n.opType().equals("Constant")) {
                continue;
            }
            if (n.opType().equals("Cast")) {
                long to = n.longAttr("to", 1);
                if (to != 1 && to != 10 && to != 11 && to != 16) {
                    continue;
                }
            }
            boolean readsData = n.inputs().stream().anyMatch(data::contains);
            boolean lookup = LOOKUP_OPS.contains(n.opType()) && dynamic.contains(n.input(1))
                    && m.constant(n.input(0)).map(WeightTensor::isFloat).orElse(false);
            if (readsData || lookup) {
                for (String o : n.outputs()) {
                    if (!m.valueInfo(o).map(t -> declaredNonFloat(t.elementType())).orElse(false)) {
                        data.add(o);
                    }
                }
            }
        }
        return data;
    }

    private static boolean declaredNonFloat(String type) {
        return type != null && !type.equals("unknown") && !type.startsWith("float") && !type.equals("bfloat16");
    }
}
