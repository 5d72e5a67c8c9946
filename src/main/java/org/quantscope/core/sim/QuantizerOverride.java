package org.quantscope.core.sim;

import org.quantscope.core.quant.Granularity;

/**
 * A per-quantizer change to the global {@link QuantSettings}: switch one quantizer off, or give it other bits,
 * granularity or range method. {@code null} fields keep the global value.
 *
 * @param enabled     whether the quantizer is applied (false = the tensor stays float)
 * @param bits        bit width 2..16, or null
 * @param granularity per-tensor or per-channel (weights only), or null
 * @param rangeMethod range-setting method name, or null
 */
public record QuantizerOverride(boolean enabled, Integer bits, Granularity granularity, String rangeMethod) {

    /** Switches a quantizer off. */
    public static final QuantizerOverride DISABLED = new QuantizerOverride(false, null, null, null);

    /** An enabled quantizer with other bits. */
    public static QuantizerOverride bits(int bits) {
        return new QuantizerOverride(true, bits, null, null);
    }
}
