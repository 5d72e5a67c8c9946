package org.quantscope.core.quant;

/**
 * How a range [min, max] becomes a scale and zero point. Both conventions use the same integer grid
 * ({@link QuantizerSpec#qmin()}..{@link QuantizerSpec#qmax()}) and the same fake-quant function; they differ in the
 * divisor of the symmetric scale, the zero point of unsigned symmetric grids, and the floor of tiny scales. See
 * {@code docs/decisions/0005-quantization-conventions.md}.
 */
public enum ScaleConvention {
    /**
     * Default. Symmetric: s = max(|min|,|max|) / (2^(b-1)-1) (for example /127 for int8, so -max maps to -127 and
     * -128 stays unused), zero point 0; unsigned symmetric: s = max(max,0) / (2^b-1), zero point 0 (eq. 8 of the
     * white paper, negative values clip to 0). Asymmetric (eq. 4-7): the range is extended to include 0, s =
     * (max-min)/(qmax-qmin), z = clamp(roundHalfEven(qmin - min/s), qmin, qmax). All in float32, as the ONNX
     * Runtime quantization tools do with numpy float32. A zero-width range gives s = 1, z as above.
     */
    ONNX,
    /**
     * Matches {@code torch.ao.quantization} observers ({@code _calculate_qparams}) exactly. Symmetric: s =
     * max(-min_neg, max_pos) / ((qmax-qmin)/2) (for example /127.5 for int8 -128..127), floored at float32 eps
     * (2^-23); zero point 0 for signed grids, 128 for 8-bit unsigned (torch's quint8 default) and (qmin+qmax)/2
     * rounded down for other unsigned widths (torch's customized quant range). Affine: min_neg = min(min,0), max_pos =
     * max(max,0), s = max((max_pos-min_neg)/(qmax-qmin), eps), z = clamp(qmin - round(min_neg/s), qmin, qmax); every
     * operation in float32 as torch does, round half to even.
     */
    PYTORCH
}
