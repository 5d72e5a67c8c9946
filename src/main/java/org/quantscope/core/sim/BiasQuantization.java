package org.quantscope.core.sim;

/**
 * An int32 bias of one layer (white paper §2.3.2: the bias is added to the int32 accumulator, so its scale is
 * {@code s_w * s_in}, per output channel when the weights are per channel).
 *
 * @param layer  the Conv/Gemm node
 * @param scales the bias scale per output channel (float32 products s_w[c] * s_in)
 * @param values the int32 grid values of the bias
 */
public record BiasQuantization(String layer, float[] scales, int[] values) {
}
