package org.quantscope.core.quant;

/** Whether one quantizer covers the whole tensor or one quantizer per slice along an axis (white paper §2.2.3). */
public enum Granularity {
    /** One scale and zero point for the whole tensor. */
    PER_TENSOR,
    /** One scale and zero point per index along {@link QuantizerSpec#axis()} (usually output channels of weights). */
    PER_CHANNEL
}
