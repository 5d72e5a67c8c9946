package org.quantscope.core.sim;

/** What a quantizer quantizes. */
public enum QuantizerKind {
    /** The weight of a Conv, Gemm or MatMul layer, quantized offline. */
    WEIGHT,
    /** An activation tensor, quantized in the graph at run time. */
    ACTIVATION
}
