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
 * reference implements identically):
 * <ul>
 *   <li>one weight quantizer per Conv/Gemm/MatMul weight, after BN folding; biases stay float (or int32, see
 *       {@link QuantSettings#biasInt32()});</li>
 *   <li>activation quantizers as chosen by {@link ActivationPlacement}; by default at every model input, at the end
 *       of each layer group (after its activation), at Add/Concat outputs, MaxPool/AveragePool/GlobalAveragePool
 *       outputs and model outputs. A tensor is quantized once even when several rules name it. Flatten, Reshape,
 *       Identity and Pad get no quantizer, nor does a Relu/Clip that does not close a layer group.</li>
 * </ul>
 * Only floating-point data tensors are quantized: tensors computed from shapes (Shape, Size, ...) are not.
 */
public final class QuantizerPlacement {

    private static final Set<String> OUTPUT_OPS = Set.of("Add", "Concat", "MaxPool", "AveragePool",
            "GlobalAveragePool");
    private static final Set<String> NON_DATA_OPS = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "ConstantOfShape", "Range", "EyeLike");
    private static final Set<String> SIGN_PRESERVING = Set.of("MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Flatten", "Reshape", "Identity", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Add",
            "Resize", "Upsample", "Dropout", "Pad");
    private static final Set<String> NON_NEGATIVE_OPS = Set.of("Relu", "Sigmoid", "Softmax", "Softplus", "Abs",
            "HardSigmoid", "Exp");

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
        Set<String> nonNegative = nonNegativeTensors(prepared, data);
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
        if (placement == ActivationPlacement.LAYER_INPUTS) {
            for (Layer l : prepared.layers()) {
                String t = prepared.resolveIdentity(l.linear().input(0));
                if (data.contains(t)) {
                    String role = isModelInput(prepared, t) ? "model input" : "layer input";
                    acts.putIfAbsent(t, activation(prepared, t, l.name(), role, nonNegative));
                }
            }
        } else {
            for (TensorSpec in : prepared.inputs()) {
                acts.putIfAbsent(in.name(), activation(prepared, in.name(), null, "model input", nonNegative));
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
     * shape computations. Constants are not data.
     */
    static Set<String> dataTensors(OnnxModel m) {
        Set<String> data = new HashSet<>();
        for (TensorSpec in : m.inputs()) {
            if (!declaredNonFloat(in.elementType())) {
                data.add(in.name());
            }
        }
        for (GraphNode n : m.nodes()) {
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
            if (readsData) {
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

    /** Data tensors that cannot be negative, by propagation through sign-preserving ops. */
    private static Set<String> nonNegativeTensors(OnnxModel m, Set<String> data) {
        Set<String> nn = new HashSet<>();
        for (GraphNode n : m.nodes()) {
            if (n.outputs().isEmpty() || !data.contains(n.output())) {
                continue;
            }
            String op = n.opType();
            boolean result;
            if (NON_NEGATIVE_OPS.contains(op)) {
                result = true;
            } else if (op.equals("Clip")) {
                double lo = clipMin(m, n);
                result = lo >= 0 || (!n.input(0).isEmpty() && nn.contains(n.input(0)));
            } else if (SIGN_PRESERVING.contains(op)) {
                result = true;
                for (String in : n.inputs()) {
                    if (in.isEmpty()) {
                        continue;
                    }
                    boolean isData = data.contains(in);
                    if (isData && !nn.contains(in)) {
                        result = false;
                    }
                    if (!isData && (op.equals("Add") || op.equals("Concat"))) {
                        result = result && m.constant(in).map(QuantizerPlacement::allNonNegative).orElse(false);
                    }
                }
            } else {
                result = false;
            }
            if (result) {
                nn.add(n.output());
            }
        }
        return nn;
    }

    private static double clipMin(OnnxModel m, GraphNode clip) {
        double lo = clip.doubleAttr("min", Double.NEGATIVE_INFINITY);
        if (!clip.input(1).isEmpty()) {
            lo = m.constant(clip.input(1)).map(WeightTensor::scalar).orElse(Double.NEGATIVE_INFINITY);
        }
        return lo;
    }

    private static boolean allNonNegative(WeightTensor t) {
        if (t.floats() == null) {
            return false;
        }
        for (float f : t.floats()) {
            if (!(f >= 0)) {
                return false;
            }
        }
        return true;
    }
}
