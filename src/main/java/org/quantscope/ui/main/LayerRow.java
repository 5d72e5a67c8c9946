package org.quantscope.ui.main;

/**
 * One row of the layer table, already formatted for display.
 *
 * @param index       1-based position in the graph
 * @param name        layer (node) name
 * @param kind        {@code Conv}, {@code Depthwise conv}, {@code Gemm}, ...
 * @param weightShape e.g. {@code 32x1x3x3}
 * @param parameters  weight and bias parameters
 * @param fusedWith   what is fused into the layer, e.g. {@code BN + ReLU6}, {@code BN + HardSwish}, or {@code —}
 * @param block       the layer's role in a block, e.g. {@code SE reduce} or {@code SE expand}, or {@code —}
 * @param weightType  {@code float32}, or the integer grid of an already quantized layer, e.g. {@code W8 uint8
 *                    per-channel}
 */
public record LayerRow(int index, String name, String kind, String weightShape, long parameters, String fusedWith,
                       String block, String weightType) {

    /** Whether the layer's weight is already quantized (an integer weight in a QDQ model). */
    public boolean quantized() {
        return !weightType.startsWith("float");
    }
}
