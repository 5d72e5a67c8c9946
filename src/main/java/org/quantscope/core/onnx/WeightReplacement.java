package org.quantscope.core.onnx;

/**
 * A new value for a constant input (weight or bias) of one node. For simulation the value is float (already
 * fake-quantized); for a deployable QDQ model it is integer grid values plus the scales and zero points of a
 * DequantizeLinear that turns them back into float.
 *
 * @param node       name of the node whose input is replaced
 * @param input      index of that input (1 = weight, 2 = bias of Conv/Gemm)
 * @param dims       shape of the tensor
 * @param floats     float32 values (simulation), or {@code null}
 * @param integers   integer grid values (export), or {@code null}
 * @param elemType   ONNX element type of the integers: 3 int8, 2 uint8, 6 int32 (ignored for floats)
 * @param scales     DequantizeLinear scales, one (per tensor) or one per channel (export only)
 * @param zeroPoints DequantizeLinear zero points, same length as scales (export only)
 * @param axis       channel axis of per-channel scales, -1 per tensor (export only)
 */
public record WeightReplacement(String node, int input, long[] dims, float[] floats, int[] integers, int elemType,
                                float[] scales, int[] zeroPoints, int axis) {

    /** A float replacement (simulation). */
    public static WeightReplacement floats(String node, int input, long[] dims, float[] values) {
        return new WeightReplacement(node, input, dims, values, null, 1, null, null, -1);
    }

    /** An integer replacement with its DequantizeLinear parameters (deployable export). */
    public static WeightReplacement integers(String node, int input, long[] dims, int[] values, int elemType,
                                             float[] scales, int[] zeroPoints, int axis) {
        if (scales.length != zeroPoints.length || scales.length == 0) {
            throw new IllegalArgumentException("scales and zero points of " + node + " input " + input
                    + " must have the same non-zero length");
        }
        return new WeightReplacement(node, input, dims, null, values, elemType, scales, zeroPoints, axis);
    }
}
