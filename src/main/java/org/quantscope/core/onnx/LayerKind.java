package org.quantscope.core.onnx;

/** The kinds of linear operations QuantScope quantizes as layers. */
public enum LayerKind {
    /** Ordinary convolution (groups = 1). */
    CONV("Conv"),
    /** Depthwise convolution: groups equal to input channels, one filter per channel. */
    DEPTHWISE_CONV("Depthwise conv"),
    /** Grouped convolution with 1 &lt; groups &lt; input channels. */
    GROUPED_CONV("Grouped conv"),
    /** General matrix multiplication (fully connected). */
    GEMM("Gemm"),
    /** MatMul with a constant right-hand side. */
    MATMUL("MatMul");

    private final String label;

    LayerKind(String label) {
        this.label = label;
    }

    /** Human-readable label. */
    public String label() {
        return label;
    }
}
