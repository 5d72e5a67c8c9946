package org.quantscope.core.sim;

import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.OnnxModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The check after placement (decision 0020): every data input of a quantized compute op must come from an enabled
 * activation quantizer, possibly through ops that pass quantized values through unchanged ({@link GridPreserving}).
 * A compute op is quantized when its weight quantizer is enabled (a MatMul between two activations always counts).
 * Every compute op left reading a float tensor is listed with the tensor, the op that produced its values and why, so
 * that a float input is never silent: the simulation's warnings (console, {@code warnings} and {@code floatInputs} in
 * the JSON, the window's Quantization tab) carry the result. Non-float inputs (integer ids) are not data and are not
 * listed.
 */
public final class PlacementCheck {

    /** How many disabled-quantizer layers one warning line names before summarizing the rest. */
    private static final int NAMED_IN_WARNING = 10;

    /**
     * A quantized compute op that reads a float tensor.
     *
     * @param layer      the layer (or MatMul node) name
     * @param tensor     the float tensor it reads
     * @param producer   the node that last changed the tensor's values, or empty for a model input
     * @param producerOp that node's operator type, or {@code model input}
     * @param quantizer  the disabled quantizer on the tensor's path, or null when none was placed
     * @param reason     why the input is float, as a sentence fragment
     */
    public record FloatInput(String layer, String tensor, String producer, String producerOp, String quantizer,
                             String reason) {

        /** Whether the input is float because a placed quantizer was disabled (by the user or an analysis). */
        public boolean disabled() {
            return quantizer != null;
        }
    }

    /**
     * The result of the check.
     *
     * @param computeLayers number of quantized compute ops checked
     * @param floatInputs   every quantized compute op input left in float
     */
    public record Result(int computeLayers, List<FloatInput> floatInputs) {

        /** Copies the list. */
        public Result {
            floatInputs = List.copyOf(floatInputs);
        }

        /** Whether every input of every quantized compute op is quantized. */
        public boolean complete() {
            return floatInputs.isEmpty();
        }

        /**
         * The warnings: one per input left float by the placement, and one line naming the layers whose input
         * quantizer is disabled.
         */
        public List<String> warnings() {
            List<String> w = new ArrayList<>();
            List<FloatInput> off = new ArrayList<>();
            for (FloatInput f : floatInputs) {
                if (f.disabled()) {
                    off.add(f);
                } else {
                    w.add("Float input: layer " + f.layer() + " reads " + f.tensor() + " (from " + describe(f) + ") "
                            + "without a quantizer: " + f.reason() + ". It computes on float values in the "
                            + "simulation and in the QDQ export.");
                }
            }
            if (!off.isEmpty()) {
                StringBuilder b = new StringBuilder("Float input: ").append(off.size())
                        .append(off.size() == 1 ? " quantized layer reads" : " quantized layers read")
                        .append(" an activation whose quantizer is disabled (@{disable} or an override), so ")
                        .append(off.size() == 1 ? "it computes" : "they compute").append(" on float inputs: ");
                for (int i = 0; i < Math.min(NAMED_IN_WARNING, off.size()); i++) {
                    b.append(i == 0 ? "" : ", ").append(off.get(i).layer()).append(" (")
                            .append(off.get(i).quantizer()).append(')');
                }
                if (off.size() > NAMED_IN_WARNING) {
                    b.append(" and ").append(off.size() - NAMED_IN_WARNING).append(" more (all listed in the JSON's "
                            + "floatInputs)");
                }
                w.add(b.append('.').toString());
            }
            return w;
        }
    }

    private PlacementCheck() {
    }

    /**
     * Checks a calibrated model's placement.
     *
     * @param qm the quantized model
     * @return the compute ops checked and their float inputs
     */
    public static Result check(QuantizedModel qm) {
        return check(qm.prepared(), qm.quantizers());
    }

    /**
     * Checks a placement.
     *
     * @param prepared the graph the quantizers were placed on
     * @param states   the quantizers, enabled or not
     * @return the compute ops checked and their float inputs
     */
    public static Result check(OnnxModel prepared, List<QuantizerState> states) {
        Set<String> quantizedWeights = new HashSet<>();
        Set<String> enabled = new HashSet<>();
        Map<String, String> disabled = new HashMap<>();
        for (QuantizerState q : states) {
            QuantizerSite s = q.site();
            if (s.isWeight() && q.enabled()) {
                quantizedWeights.add(s.tensor());
            } else if (!s.isWeight()) {
                if (q.enabled()) {
                    enabled.add(s.tensor());
                } else {
                    disabled.put(s.tensor(), s.name());
                }
            }
        }
        Set<String> checked = new LinkedHashSet<>();
        List<FloatInput> floats = new ArrayList<>();
        for (ComputeInput c : ComputeInput.all(prepared, QuantizerPlacement.dataTensors(prepared))) {
            if (c.layer() != null && !quantizedWeights.contains(c.layer().weightName())) {
                continue; // a layer left in float: its inputs may be float too
            }
            checked.add(c.node().name());
            if (GridPreserving.coveringTensor(prepared, c.tensor(), enabled::contains) != null) {
                continue;
            }
            GraphNode p = GridPreserving.valueProducer(prepared, c.tensor());
            String producerOp = p == null ? "model input" : p.opType();
            String off = GridPreserving.coveringTensor(prepared, c.tensor(), disabled::containsKey);
            String reason = off != null ? "its quantizer " + disabled.get(off) + " is disabled"
                    : "the placement puts no quantizer between " + (p == null ? "the model input" : producerOp
                    + " node " + p.name()) + " and this layer";
            floats.add(new FloatInput(c.name(), c.tensor(), p == null ? "" : p.name(), producerOp,
                    off == null ? null : disabled.get(off), reason));
        }
        return new Result(checked.size(), floats);
    }

    private static String describe(FloatInput f) {
        return f.producer().isEmpty() ? "the model input" : f.producerOp() + " node " + f.producer();
    }
}
