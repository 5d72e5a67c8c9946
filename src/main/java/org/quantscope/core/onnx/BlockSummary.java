package org.quantscope.core.onnx;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the layer table and the model summaries say about a model's building blocks, computed once so that the
 * command line ({@code info}), its JSON and the window say the same: the activation fused with each layer (ReLU,
 * ReLU6, HardSwish, SiLU, ...), the squeeze-and-excitation blocks and each layer's role in them, and, for an already
 * quantized (QDQ) model, each layer's integer weight and the number of activation QuantizeLinear/DequantizeLinear
 * pairs.
 */
public final class BlockSummary {

    private final List<SqueezeExcitation> squeezeExcitations;
    private final Map<String, String> roles = new HashMap<>();
    private final Map<String, QuantizedWeight> quantized = new HashMap<>();
    private final Map<String, Integer> activations = new LinkedHashMap<>();
    private final int activationQdqPairs;

    private BlockSummary(OnnxModel m) {
        squeezeExcitations = List.copyOf(SqueezeExcitation.find(m));
        for (SqueezeExcitation se : squeezeExcitations) {
            roles.put(se.reduce().name(), se.roleOf(se.reduce()));
            roles.put(se.expand().name(), se.roleOf(se.expand()));
        }
        for (Layer l : m.layers()) {
            QuantizedWeight.of(m, l).ifPresent(q -> quantized.put(l.name(), q));
            if (l.activationText() != null) {
                activations.merge(l.activationText(), 1, Integer::sum);
            }
        }
        int pairs = 0;
        for (GraphNode n : m.nodes()) {
            if (n.opType().equals("QuantizeLinear") && n.domain().isEmpty()) {
                pairs += m.consumersOf(n.output()).stream().anyMatch(c -> c.opType().equals("DequantizeLinear"))
                        ? 1 : 0;
            }
        }
        activationQdqPairs = pairs;
    }

    /**
     * Summarizes a model.
     *
     * @param m the model
     * @return its blocks
     */
    public static BlockSummary of(OnnxModel m) {
        return new BlockSummary(m);
    }

    /** The squeeze-and-excitation blocks, in graph order. */
    public List<SqueezeExcitation> squeezeExcitations() {
        return squeezeExcitations;
    }

    /** The layer's role in a block ({@code SE reduce}, {@code SE expand}), or null. */
    public String blockOf(Layer l) {
        return roles.get(l.name());
    }

    /** The layer's integer weight, for a layer of an already quantized model. */
    public Optional<QuantizedWeight> quantizedWeight(Layer l) {
        return Optional.ofNullable(quantized.get(l.name()));
    }

    /** Number of layers whose weights are already quantized. */
    public int quantizedLayers() {
        return quantized.size();
    }

    /** Number of QuantizeLinear nodes followed by a DequantizeLinear (activation quantizers of a QDQ model). */
    public int activationQdqPairs() {
        return activationQdqPairs;
    }

    /** Layers per fused activation, e.g. {@code HardSwish -> 19}, in order of first appearance. */
    public Map<String, Integer> activationCounts() {
        return Map.copyOf(activations);
    }

    /**
     * One line: the blocks and fused activations, e.g. {@code 9 squeeze-and-excitation blocks · fused activations:
     * 19 HardSwish, 14 ReLU, 9 HardSigmoid}; empty for a model without either.
     */
    public String text() {
        StringBuilder b = new StringBuilder();
        if (!squeezeExcitations.isEmpty()) {
            int n = squeezeExcitations.size();
            b.append(n).append(" squeeze-and-excitation block").append(n == 1 ? "" : "s");
        }
        if (!activations.isEmpty()) {
            b.append(b.length() == 0 ? "" : " · ").append("fused activations: ").append(activations.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
        }
        return b.toString();
    }

    /**
     * One line about an already quantized model, e.g. {@code 54 of 54 layers with integer weights, 97 activation
     * QuantizeLinear/DequantizeLinear pairs}; empty for a float model.
     */
    public String quantizedText(int layers) {
        if (quantized.isEmpty() && activationQdqPairs == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "%d of %d layers with integer weights, %d activation "
                + "QuantizeLinear/DequantizeLinear pairs", quantized.size(), layers, activationQdqPairs);
    }
}
