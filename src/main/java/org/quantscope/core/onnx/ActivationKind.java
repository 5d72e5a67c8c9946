package org.quantscope.core.onnx;

/** Activation functions QuantScope recognizes after a linear layer. */
public enum ActivationKind {
    /** No activation fused with the layer. */
    NONE("none"),
    /** max(0, x). */
    RELU("ReLU"),
    /** Clip to [0, 6]. */
    RELU6("ReLU6"),
    /** Clip to other bounds. */
    CLIP("Clip"),
    /**
     * Clip to [0, b_c] with a bound per output channel: Relu followed by Min with a per-channel constant. Cross-layer
     * equalization across ReLU6 produces it (scaling channel c by 1/s_c scales its bound 6 to 6/s_c).
     */
    CHANNEL_CLIP("per-channel ReLU6"),
    /**
     * HardSwish x * HardSigmoid(x) = x * clip(x / 6 + 1/2, 0, 1): the HardSwish op (opset 14) or, as torch exports it
     * at opset 13 and older, HardSigmoid (alpha 1/6, beta 1/2) and a Mul of its input with the result. Minimum -0.375.
     */
    HARD_SWISH("HardSwish"),
    /** SiLU (Swish) x * Sigmoid(x): a Sigmoid and a Mul of its input with the result. Minimum about -0.278. */
    SILU("SiLU"),
    /** Other recognized element-wise activations (LeakyRelu, Sigmoid, Tanh, ...), not positively homogeneous. */
    OTHER("other");

    private final String label;

    ActivationKind(String label) {
        this.label = label;
    }

    /** Human-readable label. */
    public String label() {
        return label;
    }
}
