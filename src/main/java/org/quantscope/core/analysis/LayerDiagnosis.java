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
 * @param remedy          the fix to try first, or null when not flagged
 * @param reason          why that fix, with the measured figure it rests on, or empty
 */
public record LayerDiagnosis(String name, String op, String outputTensor, String outputQuantizer,
                             WeightStats weights, ErrorMetrics propagated, ErrorMetrics isolated,
                             double sensitivityDrop, double sensitivityKl, double floatGain, String flag,
                             Remedy remedy, String reason) {

    /** The fix to try first with its reason, in plain words, or empty when not flagged. */
    public String suggestion() {
        return remedy == null ? "" : reason.isEmpty() ? remedy.describe() : remedy.describe() + " (" + reason + ")";
    }

    /** Weight range ratio (largest over median channel range), NaN without weight statistics. */
    public double weightRangeRatio() {
        return weights == null ? Double.NaN : weights.rangeRatio();
    }
}
