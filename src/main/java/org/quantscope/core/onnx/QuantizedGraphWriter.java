package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import org.quantscope.core.InputException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a (BN-folded) model into a quantized one that ONNX Runtime executes:
 * <ul>
 *   <li>{@link #simulation}: weights replaced by fake-quantized float initializers (computed offline), activations
 *       fake-quantized in the graph by QuantizeLinear/DequantizeLinear (full int8/uint8 grids) or by the exact
 *       {@code Div/Mul -> Round -> Clip -> Mul} subgraph (other widths, or PyTorch's multiply-by-reciprocal);</li>
 *   <li>{@link #deployable}: a QDQ model as the ONNX Runtime quantization tools write it: weights (and optionally
 *       int32 biases) stored as integers behind a DequantizeLinear, activations as QuantizeLinear/DequantizeLinear
 *       pairs, so a runtime can fuse them into integer kernels.</li>
 * </ul>
 * A quantized tensor keeps its name: the producing node's output is renamed to {@code <name>_prequant} and the
 * quantizer writes {@code <name>}, so every consumer, graph output and value-info entry stays valid. A quantized graph
 * input is read by the quantizer and its consumers are pointed at {@code <name>_quantized}.
 */
public final class QuantizedGraphWriter {

    private QuantizedGraphWriter() {
    }

    /**
     * The simulation graph.
     *
     * @param model       the model (normally BN-folded)
     * @param weights     float replacements of weight/bias inputs
     * @param activations activation quantizers to insert
     * @return the rewritten model (same path and SHA-256 as {@code model}: provenance names the source file)
     * @throws InputException when the model's graph could not be brought to opset 13
     */
    public static OnnxModel simulation(OnnxModel model, List<WeightReplacement> weights,
                                       List<ActivationFakeQuant> activations) {
        return rewrite(model, weights, activations, false);
    }

    /**
     * A deployable QDQ model. 8-bit activations become QuantizeLinear/DequantizeLinear pairs (dividing by the scale,
     * as QuantizeLinear does, whatever the convention the scale came from); other widths keep the exact emulation
     * subgraph, since int8/uint8 Q/DQ cannot hold them. The graph is at opset 13 or newer (older files are loaded as
     * their opset-13 equivalent, decision 0017), as per-channel DequantizeLinear needs.
     *
     * @param model       the model (normally BN-folded)
     * @param weights     integer replacements with DequantizeLinear parameters
     * @param activations activation quantizers
     * @return the QDQ model
     * @throws InputException when the model's graph could not be brought to opset 13
     */
    public static OnnxModel deployable(OnnxModel model, List<WeightReplacement> weights,
                                       List<ActivationFakeQuant> activations) {
        return rewrite(model, weights, activations, true);
    }

    private static OnnxModel rewrite(OnnxModel model, List<WeightReplacement> weights,
                                     List<ActivationFakeQuant> activations, boolean deploy) {
        ModelCapabilities.requireQuantizable(model);
        if (model.opset() < OpsetUpgrade.TARGET_OPSET) {
            throw new IllegalStateException(model.path() + ": graph at opset " + model.opset() + " was not upgraded");
        }
        OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
        Set<String> names = GraphEdits.names(g);
        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            nodeIndex.put(GraphEdits.nodeName(g.getNode(i), i), i);
        }
        // nodes to insert before the node at index i (weights) and after it (activations); -1 = graph start
        Map<Integer, List<OnnxMl.NodeProto>> before = new HashMap<>();
        Map<Integer, List<OnnxMl.NodeProto>> after = new HashMap<>();
        for (WeightReplacement w : weights) {
            Integer at = nodeIndex.get(w.node());
            if (at == null) {
                throw new IllegalArgumentException("no node named '" + w.node() + "' in " + model.path());
            }
            OnnxMl.NodeProto.Builder nb = g.getNode(at).toBuilder();
            String original = w.input() < nb.getInputCount() ? nb.getInput(w.input()) : w.node() + "_input" + w.input();
            if (w.floats() != null) {
                String name = GraphEdits.unique(names, original + "_fq");
                g.addInitializer(GraphEdits.floatTensor(name, w.dims(), w.floats()));
                setInput(nb, w.input(), name);
            } else {
                String q = GraphEdits.unique(names, original + "_quantized");
                String scale = GraphEdits.unique(names, original + "_scale");
                String zp = GraphEdits.unique(names, original + "_zero_point");
                String deq = GraphEdits.unique(names, original + "_dequantized");
                boolean perChannel = w.axis() >= 0;
                long[] pdims = perChannel ? new long[] {w.scales().length} : new long[0];
                g.addInitializer(GraphEdits.intTensor(q, w.elemType(), w.dims(), w.integers()));
                g.addInitializer(GraphEdits.floatTensor(scale, pdims, w.scales()));
                g.addInitializer(GraphEdits.intTensor(zp, w.elemType(), pdims, w.zeroPoints()));
                OnnxMl.NodeProto.Builder dq = GraphEdits.node("DequantizeLinear",
                        GraphEdits.unique(names, deq + "_node"), List.of(q, scale, zp), deq).toBuilder();
                if (perChannel) {
                    dq.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(w.axis())
                            .setType(OnnxMl.AttributeProto.AttributeType.INT));
                }
                before.computeIfAbsent(at, k -> new ArrayList<>()).add(dq.build());
                setInput(nb, w.input(), deq);
            }
            g.setNode(at, nb);
        }
        Map<String, Integer> producerIndex = new LinkedHashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) {
                producerIndex.put(o, i);
            }
        }
        Set<String> graphInputs = new java.util.HashSet<>();
        g.getInputList().forEach(v -> graphInputs.add(v.getName()));
        for (ActivationFakeQuant a : activations) {
            String t = a.tensor();
            Integer at = producerIndex.get(t);
            String source;
            String result;
            if (at != null) {
                source = GraphEdits.unique(names, t + "_prequant");
                result = t;
                OnnxMl.NodeProto.Builder pb = g.getNode(at).toBuilder();
                for (int o = 0; o < pb.getOutputCount(); o++) {
                    if (pb.getOutput(o).equals(t)) {
                        pb.setOutput(o, source);
                    }
                }
                g.setNode(at, pb);
            } else if (graphInputs.contains(t)) {
                source = t;
                result = GraphEdits.unique(names, t + "_quantized");
                for (int i = 0; i < g.getNodeCount(); i++) {
                    OnnxMl.NodeProto.Builder nb = g.getNode(i).toBuilder();
                    boolean changed = false;
                    for (int k = 0; k < nb.getInputCount(); k++) {
                        if (nb.getInput(k).equals(t)) {
                            nb.setInput(k, result);
                            changed = true;
                        }
                    }
                    if (changed) {
                        g.setNode(i, nb);
                    }
                }
            } else {
                throw new IllegalArgumentException("no tensor named '" + t + "' is produced in " + model.path());
            }
            List<OnnxMl.NodeProto> nodes = quantizerNodes(g, names, a, source, result, deploy);
            after.computeIfAbsent(at == null ? -1 : at, k -> new ArrayList<>()).addAll(nodes);
        }
        List<OnnxMl.NodeProto> ordered = new ArrayList<>(after.getOrDefault(-1, List.of()));
        for (int i = 0; i < g.getNodeCount(); i++) {
            ordered.addAll(before.getOrDefault(i, List.of()));
            ordered.add(g.getNode(i));
            ordered.addAll(after.getOrDefault(i, List.of()));
        }
        g.clearNode().addAllNode(ordered);
        GraphEdits.pruneUnusedInitializers(g);
        OnnxMl.ModelProto out = model.proto().toBuilder().setGraph(g).build();
        OnnxModel result = OnnxModel.derived(model, out);
        return result;
    }

    private static void setInput(OnnxMl.NodeProto.Builder nb, int input, String name) {
        while (nb.getInputCount() <= input) {
            nb.addInput("");
        }
        nb.setInput(input, name);
    }

    private static List<OnnxMl.NodeProto> quantizerNodes(OnnxMl.GraphProto.Builder g, Set<String> names,
                                                         ActivationFakeQuant a, String source, String result,
                                                         boolean deploy) {
        String base = a.tensor().replaceAll("[^A-Za-z0-9_.]", "_");
        String scale = GraphEdits.unique(names, base + "_scale");
        g.addInitializer(GraphEdits.floatTensor(scale, new long[0], new float[] {a.scale()}));
        boolean qdq = (a.isInt8() || a.isUint8()) && (deploy || !a.multiplyByReciprocal());
        if (qdq) {
            int type = a.isInt8() ? GraphEdits.INT8 : GraphEdits.UINT8;
            String zp = GraphEdits.unique(names, base + "_zero_point");
            g.addInitializer(GraphEdits.intTensor(zp, type, new long[0], new int[] {a.zeroPoint()}));
            String q = GraphEdits.unique(names, base + "_q");
            return List.of(
                    GraphEdits.node("QuantizeLinear", GraphEdits.unique(names, base + "_QuantizeLinear"),
                            List.of(source, scale, zp), q),
                    GraphEdits.node("DequantizeLinear", GraphEdits.unique(names, base + "_DequantizeLinear"),
                            List.of(q, scale, zp), result));
        }
        String lo = GraphEdits.unique(names, base + "_clip_min");
        String hi = GraphEdits.unique(names, base + "_clip_max");
        g.addInitializer(GraphEdits.floatTensor(lo, new long[0], new float[] {a.qmin() - a.zeroPoint()}));
        g.addInitializer(GraphEdits.floatTensor(hi, new long[0], new float[] {a.qmax() - a.zeroPoint()}));
        String scaled = GraphEdits.unique(names, base + "_scaled");
        String rounded = GraphEdits.unique(names, base + "_rounded");
        String clipped = GraphEdits.unique(names, base + "_clipped");
        OnnxMl.NodeProto first;
        if (a.multiplyByReciprocal()) {
            String inv = GraphEdits.unique(names, base + "_inv_scale");
            g.addInitializer(GraphEdits.floatTensor(inv, new long[0], new float[] {1f / a.scale()}));
            first = GraphEdits.node("Mul", GraphEdits.unique(names, base + "_fq_Mul_inv"), List.of(source, inv), scaled);
        } else {
            first = GraphEdits.node("Div", GraphEdits.unique(names, base + "_fq_Div"), List.of(source, scale), scaled);
        }
        return List.of(first,
                GraphEdits.node("Round", GraphEdits.unique(names, base + "_fq_Round"), List.of(scaled), rounded),
                GraphEdits.node("Clip", GraphEdits.unique(names, base + "_fq_Clip"), List.of(rounded, lo, hi), clipped),
                GraphEdits.node("Mul", GraphEdits.unique(names, base + "_fq_Mul"), List.of(clipped, scale), result));
    }

    /**
     * Serializes a model to a file.
     *
     * @param model the model
     * @param file  where to write it
     * @throws InputException when the file cannot be written
     */
    public static void save(OnnxModel model, java.nio.file.Path file) {
        try {
            java.nio.file.Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            java.nio.file.Files.write(file, model.bytes());
        } catch (java.io.IOException e) {
            throw new InputException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
