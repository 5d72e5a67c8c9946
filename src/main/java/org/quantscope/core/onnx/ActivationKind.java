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
    /** Other recognized element-wise activations (LeakyRelu, Sigmoid, HardSwish, ...), not positively homogeneous. */
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
