package org.quantscope.core.sim;

/**
 * Where one quantizer sits in the graph.
 *
 * @param name        stable identifier shown to the user and used for overrides and encodings: the weight
 *                    initializer's name in the original model (before BN folding renamed it), or the activation
 *                    tensor's name (Identity aliases resolved)
 * @param kind        weight or activation
 * @param tensor      the tensor in the prepared (BN-folded) graph the quantizer reads
 * @param node        weights: the Conv/Gemm/MatMul node using the weight; activations: the node producing the tensor
 *                    (empty for a model input)
 * @param layer       the layer group the quantizer belongs to (the linear node's name), or {@code null}
 * @param role        why the quantizer is there: {@code weight}, {@code model input}, {@code layer output},
 *                    {@code Add output}, {@code pool output}, {@code model output}, {@code layer input}, ...
 * @param channelAxis weights: the output-channel axis (per-channel quantization runs along it); activations: 1 (NCHW)
 * @param shape       the weight's shape; for activations the declared shape when known, else empty
 * @param nonNegative whether the values cannot be negative (after ReLU, ReLU6, Sigmoid, ... and through pooling),
 *                    which lets an adaptive-sign quantizer use the unsigned grid
 */
public record QuantizerSite(String name, QuantizerKind kind, String tensor, String node, String layer, String role,
                            int channelAxis, long[] shape, boolean nonNegative) {

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Whether this is a weight quantizer. */
    public boolean isWeight() {
        return kind == QuantizerKind.WEIGHT;
    }

    /** The shape as ints (weights). */
    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) shape[i];
        }
        return s;
    }
}
