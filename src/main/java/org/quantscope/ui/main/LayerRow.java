package org.quantscope.ui.main;

/**
 * One row of the layer table, already formatted for display.
 *
 * @param index       1-based position in the graph
 * @param name        layer (node) name
 * @param kind        {@code Conv}, {@code Depthwise conv}, {@code Gemm}, ...
 * @param weightShape e.g. {@code 32x1x3x3}
 * @param parameters  weight and bias parameters
 * @param fusedWith   what is fused into the layer, e.g. {@code BN + ReLU6}, or {@code —}
 */
public record LayerRow(int index, String name, String kind, String weightShape, long parameters, String fusedWith) {
}
