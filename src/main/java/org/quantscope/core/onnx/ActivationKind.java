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
