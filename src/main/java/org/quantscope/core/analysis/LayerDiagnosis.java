package org.quantscope.core.analysis;

/**
 * Everything the diagnosis found about one layer group (Conv/Gemm/MatMul + BN + activation).
 *
 * @param name            the layer (its Conv/Gemm/MatMul node)
 * @param op              Conv, Depthwise conv, Gemm, ...
 * @param outputTensor    the tensor at the end of the layer group, where errors are measured
 * @param outputQuantizer the activation quantizer of that tensor, or null
 * @param weights         weight statistics, or null when the weight is not quantized
 * @param propagated      error at the layer output with every quantizer on
 * @param isolated        error at the layer output with only this layer's quantizers on (FP32 input)
 * @param sensitivityDrop accuracy drop in points with only this layer quantized (NaN when not run)
 * @param sensitivityKl   mean logit KL divergence with only this layer quantized (NaN when not run)
 * @param floatGain       accuracy gain in points when only this layer stays float and the rest is quantized
 * @param flag            why the layer is flagged ({@code high error}, {@code sensitive}, both), or empty
 * @param remedies        the fixes to try, first one first (white paper Fig. 9 order, only those the evidence points
 *                        at); empty when not flagged. A caller that cannot use the first (a hardware lock) takes the
 *                        next.
 * @param reason          why the first fix, with the measured figure it rests on, or empty
 */
public record LayerDiagnosis(String name, String op, String outputTensor, String outputQuantizer,
                             WeightStats weights, ErrorMetrics propagated, ErrorMetrics isolated,
                             double sensitivityDrop, double sensitivityKl, double floatGain, String flag,
                             java.util.List<Remedy> remedies, String reason) {

    /** Copies. */
    public LayerDiagnosis {
        remedies = java.util.List.copyOf(remedies);
    }

    /** The fix to try first, or null when not flagged. */
    public Remedy remedy() {
        return remedies.isEmpty() ? null : remedies.get(0);
    }

    /** The fix to try first with its reason, in plain words, or empty when not flagged. */
    public String suggestion() {
        Remedy remedy = remedy();
        return remedy == null ? "" : reason.isEmpty() ? remedy.describe() : remedy.describe() + " (" + reason + ")";
    }

    /** Weight range ratio (largest over median channel range), NaN without weight statistics. */
    public double weightRangeRatio() {
        return weights == null ? Double.NaN : weights.rangeRatio();
    }
}
