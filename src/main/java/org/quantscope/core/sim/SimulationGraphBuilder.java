package org.quantscope.core.sim;

import org.quantscope.core.onnx.ActivationFakeQuant;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.FakeQuantizer;
import org.quantscope.core.quant.ScaleConvention;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the simulation graph of a set of calibrated quantizers: weights fake-quantized from their encodings,
 * activation quantizers inserted, and (optionally) int32 biases with scale s_w * s_in. Used by
 * {@link QuantizationSimulator#prepare} and, without recalibrating, by {@link QuantizationSimulator#withOnly}.
 */
final class SimulationGraphBuilder {

    /** The graph, its int32 biases, and remarks. */
    record Built(OnnxModel simulation, List<BiasQuantization> biases, List<String> warnings) {
    }

    private SimulationGraphBuilder() {
    }

    static Built build(OnnxModel prepared, List<QuantizerState> states, boolean biasInt32) {
        return build(prepared, prepared, states, biasInt32, Set.of());
    }

    /**
     * Builds the simulation graph of {@code part}, which is {@code prepared} itself or a sub-model of it
     * ({@code GraphCut#suffix}). Weight and activation quantizers of tensors {@code part} does not contain are left
     * out; quantizers of tensors in {@code applied} (inputs of {@code part} whose values already carry their
     * quantizer) are not inserted again. Every enabled activation encoding still counts for the s_w * s_in scale of
     * int32 biases, found by walking {@code prepared}, so a part gets the biases the whole graph gets.
     */
    static Built build(OnnxModel prepared, OnnxModel part, List<QuantizerState> states, boolean biasInt32,
                       Set<String> applied) {
        boolean whole = part == prepared;
        Set<String> partInputs = new java.util.HashSet<>();
        part.inputs().forEach(t -> partInputs.add(t.name()));
        List<WeightReplacement> replacements = new ArrayList<>();
        List<ActivationFakeQuant> fakeQuants = new ArrayList<>();
        Map<String, Encoding> weightEncodings = new HashMap<>();
        Map<String, Encoding> actByTensor = new HashMap<>();
        for (QuantizerState q : states) {
            if (!q.enabled()) {
                continue;
            }
            QuantizerSite s = q.site();
            Encoding e = q.encoding();
            if (s.isWeight()) {
                List<GraphNode> users = usersOf(part, s.tensor());
                if (!whole && users.isEmpty()) {
                    continue; // the weight's layer is not in this part
                }
                WeightTensor w = part.constant(s.tensor()).orElseThrow();
                float[] fq = fakeQuantized(w, s, e);
                for (GraphNode user : users) {
                    replacements.add(WeightReplacement.floats(user.name(), 1, w.dims(), fq));
                    weightEncodings.put(user.name(), e);
                }
            } else {
                actByTensor.put(s.tensor(), e);
                boolean inPart = whole || part.producerOf(s.tensor()).isPresent() || partInputs.contains(s.tensor());
                if (inPart && !applied.contains(s.tensor())) {
                    fakeQuants.add(new ActivationFakeQuant(s.tensor(), e.scale(0), e.zeroPoint(0), q.spec().qmin(),
                            q.spec().qmax(), q.spec().convention() == ScaleConvention.PYTORCH));
                }
            }
        }
        List<BiasQuantization> biases = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (biasInt32) {
            for (Layer l : part.layers()) {
                Encoding we = weightEncodings.get(l.linear().name());
                if (we == null || l.biasName() == null) {
                    continue;
                }
                Encoding in = inputEncoding(prepared, l, actByTensor);
                if (in == null) {
                    warnings.add("Bias of " + l.name() + " stays float: its input is not quantized, so there is no"
                            + " s_w * s_in scale for an int32 bias.");
                    continue;
                }
                WeightTensor b = part.constant(l.biasName()).orElseThrow();
                BiasQuantization bq = QuantizationSimulator.quantizeBias(l.name(), b.floats(), we, in.scale(0));
                float[] deq = new float[bq.values().length];
                for (int c = 0; c < deq.length; c++) {
                    deq[c] = (float) bq.values()[c] * bq.scales()[bq.scales().length == 1 ? 0 : c];
                }
                biases.add(bq);
                org.quantscope.core.onnx.BiasInput at = org.quantscope.core.onnx.BiasInput.of(prepared, l);
                replacements.add(WeightReplacement.floats(at.node(), at.input(), b.dims(), deq));
            }
        }
        return new Built(QuantizedGraphWriter.simulation(part, replacements, fakeQuants), biases, warnings);
    }

    /**
     * Fake-quantized weights, by encoding and then by weight tensor (identity): the variants of one calibrated model
     * (weights only, activations only, each layer alone for sensitivity, the parts run from cached activations, the
     * trials of a reliability experiment whose weight encodings are fixed) share them, so each weight is
     * fake-quantized once per configuration, not once per variant. Weak keys let them go with the model; soft
     * values let the collector take them back under memory pressure (they are recomputed to the same values).
     */
    private static final Map<Encoding, Map<WeightTensor, SoftReference<float[]>>> FAKE_QUANTIZED =
            new java.util.WeakHashMap<>();

    /** The fake-quantized values of {@code w} under {@code e}, computed once (never modify the array). */
    static float[] fakeQuantized(WeightTensor w, QuantizerSite site, Encoding e) {
        synchronized (FAKE_QUANTIZED) {
            Map<WeightTensor, SoftReference<float[]>> byWeight = FAKE_QUANTIZED.get(e);
            SoftReference<float[]> ref = byWeight == null ? null : byWeight.get(w);
            float[] had = ref == null ? null : ref.get();
            if (had != null) {
                return had;
            }
        }
        float[] fq = new float[w.floats().length];
        FakeQuantizer.quantizeDequantize(w.floats(), site.intShape(), e, fq);
        synchronized (FAKE_QUANTIZED) {
            FAKE_QUANTIZED.computeIfAbsent(e, k -> new java.util.IdentityHashMap<>()).put(w, new SoftReference<>(fq));
        }
        return fq;
    }

    private static List<GraphNode> usersOf(OnnxModel m, String weight) {
        List<GraphNode> users = new ArrayList<>();
        for (Layer l : m.layers()) {
            if (l.weightName().equals(weight)) {
                users.add(l.linear());
            }
        }
        return users;
    }

    /** The encoding of the quantizer feeding a layer's data input, through ops that pass quantized values. */
    private static Encoding inputEncoding(OnnxModel m, Layer l, Map<String, Encoding> acts) {
        String t = GridPreserving.coveringTensor(m, l.linear().input(0), acts::containsKey);
        return t == null ? null : acts.get(t);
    }
}
