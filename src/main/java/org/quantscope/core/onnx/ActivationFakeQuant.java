package org.quantscope.core.onnx;

/**
 * One per-tensor activation quantizer to insert into a graph: {@code x' = (clamp(round(x / s) + z, qmin, qmax) - z) * s}
 * with round half to even (white paper eq. 7), written as a QuantizeLinear/DequantizeLinear pair when the grid is the
 * full int8 or uint8 range, otherwise as the exact equivalent {@code Div -> Round -> Clip(qmin - z, qmax - z) -> Mul}
 * (equivalent because {@code z} is an integer: clamping {@code round(v) + z} to [qmin, qmax] and subtracting {@code z}
 * equals clamping {@code round(v)} to [qmin - z, qmax - z]).
 *
 * @param tensor               the tensor to quantize (a graph input or a node output)
 * @param scale                the float32 scale, &gt; 0
 * @param zeroPoint            the zero point, in [qmin, qmax]
 * @param qmin                 smallest grid value
 * @param qmax                 largest grid value
 * @param multiplyByReciprocal compute {@code x * (1f / s)} instead of {@code x / s}, as PyTorch's fake-quant kernels do
 *                             (forces the emulated form, since QuantizeLinear divides)
 */
public record ActivationFakeQuant(String tensor, float scale, int zeroPoint, int qmin, int qmax,
                                  boolean multiplyByReciprocal) {

    /** Checks the parameters. */
    public ActivationFakeQuant {
        if (!(scale > 0f) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale of '" + tensor + "' must be positive and finite, got " + scale);
        }
        if (qmin >= qmax || zeroPoint < qmin || zeroPoint > qmax) {
            throw new IllegalArgumentException("grid [" + qmin + ", " + qmax + "] with zero point " + zeroPoint
                    + " is invalid for '" + tensor + "'");
        }
    }

    /** Whether the grid is exactly int8 (-128..127). */
    public boolean isInt8() {
        return qmin == -128 && qmax == 127;
    }

    /** Whether the grid is exactly uint8 (0..255). */
    public boolean isUint8() {
        return qmin == 0 && qmax == 255;
    }
}
