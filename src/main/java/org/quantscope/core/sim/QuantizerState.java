package org.quantscope.core.sim;

import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.FakeQuantStats;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.Range;

/**
 * One quantizer of a simulated model, as it was applied.
 *
 * @param site        where it sits
 * @param enabled     whether it was applied (a disabled quantizer leaves the tensor in float)
 * @param spec        bits, grid and granularity (null when disabled)
 * @param rangeMethod the range method used
 * @param observed    weights: min/max of the (folded) tensor; activations: min/max seen during calibration
 * @param chosen      the clipping range (per-tensor quantizers; for per-channel weights the widest channel range)
 * @param encoding    scales and zero points (null when disabled)
 * @param stats       weights: how many values were clipped or rounded to zero (null for activations)
 * @param note        remarks, such as a fallback of the range method, or empty
 */
public record QuantizerState(QuantizerSite site, boolean enabled, QuantizerSpec spec, String rangeMethod,
                             Range observed, Range chosen, Encoding encoding, FakeQuantStats stats, String note) {
}
