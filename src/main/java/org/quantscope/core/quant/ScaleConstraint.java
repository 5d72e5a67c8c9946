package org.quantscope.core.quant;

/** Whether the scale is any positive float or restricted to a power of two (white paper §2.2.2, s = 2^-k). */
public enum ScaleConstraint {
    /** Any positive float32 scale. */
    FREE,
    /**
     * Scale rounded <em>up</em> to the next power of two, s = 2^ceil(log2 s), so that the calibrated range is never
     * clipped by the rounding. Only allowed for symmetric quantizers (zero point fixed).
     */
    POWER_OF_TWO
}
