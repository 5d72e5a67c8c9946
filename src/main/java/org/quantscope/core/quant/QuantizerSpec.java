package org.quantscope.core.quant;

import java.util.Arrays;
import java.util.Objects;

import org.quantscope.core.InputException;

/**
 * What a quantizer is, independent of data: bit width, integer grid, scheme, granularity, scale constraint and the
 * convention that turns a range into a scale and zero point. Immutable and validated on construction.
 *
 * <p>Integer grid (white paper eq. 4 and 8): signed b bits give [-2^(b-1), 2^(b-1)-1] (4-bit: -8..7, 8-bit:
 * -128..127); unsigned b bits give [0, 2^b-1]. Symmetric quantizers fix the zero point (eq. 8a/8b); asymmetric
 * (uniform affine) quantizers have a free zero point (eq. 4-7). The default {@link ScaleConvention#ONNX} uses the
 * symmetric scale max|x| / (2^(b-1)-1); see {@link ScaleConvention} for the exact formulas of both conventions.
 *
 * @param bits            bit width, 2..16
 * @param signed          signed (two's complement) or unsigned integer grid
 * @param symmetric       symmetric (fixed zero point) or asymmetric (affine)
 * @param granularity     per-tensor or per-channel (white paper §2.2.3)
 * @param axis            the channel axis for per-channel quantizers, -1 for per-tensor
 * @param scaleConstraint free or power-of-two scale (§2.2.2)
 * @param convention      how scale and zero point are computed from a range
 */
public record QuantizerSpec(int bits, boolean signed, boolean symmetric, Granularity granularity, int axis,
                            ScaleConstraint scaleConstraint, ScaleConvention convention) {

    /** Validates every field; a bad value raises {@link InputException} naming the field and the allowed values. */
    public QuantizerSpec {
        if (bits < 2 || bits > 16) {
            throw new InputException("bits must be between 2 and 16, got " + bits);
        }
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(scaleConstraint, "scaleConstraint");
        Objects.requireNonNull(convention, "convention");
        if (granularity == Granularity.PER_TENSOR && axis != -1) {
            throw new InputException("a per-tensor quantizer has no axis (use -1), got axis " + axis);
        }
        if (granularity == Granularity.PER_CHANNEL && axis < 0) {
            throw new InputException("a per-channel quantizer needs a non-negative axis, got " + axis);
        }
        if (scaleConstraint == ScaleConstraint.POWER_OF_TWO && !symmetric) {
            throw new InputException("power-of-two scales need a symmetric quantizer (fixed zero point);"
                    + " choose symmetric or a free scale");
        }
    }

    /** A per-tensor quantizer with a free scale in the default (ONNX) convention. */
    public static QuantizerSpec perTensor(int bits, boolean signed, boolean symmetric) {
        return new QuantizerSpec(bits, signed, symmetric, Granularity.PER_TENSOR, -1, ScaleConstraint.FREE,
                ScaleConvention.ONNX);
    }

    /** A per-channel quantizer along {@code axis} with a free scale in the default (ONNX) convention. */
    public static QuantizerSpec perChannel(int bits, boolean signed, boolean symmetric, int axis) {
        return new QuantizerSpec(bits, signed, symmetric, Granularity.PER_CHANNEL, axis, ScaleConstraint.FREE,
                ScaleConvention.ONNX);
    }

    /** This spec with another convention. */
    public QuantizerSpec withConvention(ScaleConvention c) {
        return new QuantizerSpec(bits, signed, symmetric, granularity, axis, scaleConstraint, c);
    }

    /** This spec with another scale constraint. */
    public QuantizerSpec withScaleConstraint(ScaleConstraint c) {
        return new QuantizerSpec(bits, signed, symmetric, granularity, axis, c, convention);
    }

    /** Smallest grid value: -2^(b-1) if signed, else 0. */
    public int qmin() {
        return signed ? -(1 << (bits - 1)) : 0;
    }

    /** Largest grid value: 2^(b-1)-1 if signed, else 2^b-1. */
    public int qmax() {
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /**
     * Checks that the per-channel axis exists in a tensor of the given shape (no-op for per-tensor quantizers).
     *
     * @param shape      the tensor's shape
     * @param tensorName the tensor's name, for the message
     * @throws InputException if the axis is out of range
     */
    public void checkShape(int[] shape, String tensorName) {
        if (granularity == Granularity.PER_CHANNEL && axis >= shape.length) {
            throw new InputException("per-channel axis " + axis + " is out of range for tensor '" + tensorName
                    + "' of shape " + Arrays.toString(shape) + " (rank " + shape.length + "); use an axis between 0 and "
                    + (shape.length - 1));
        }
    }
}
