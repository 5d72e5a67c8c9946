package org.quantscope.core.quant;

import java.util.Objects;

/**
 * Turns a float range [min, max] (per tensor or per channel) into an {@link Encoding}: the scale and zero point of the
 * uniform quantizer of eq. 4-8 of the white paper, in the convention of the spec ({@link ScaleConvention}). Every
 * operation is done in float32, in the order the reference implementations use, so that the numbers match them bit
 * for bit.
 */
public final class EncodingCalculator {

    /** torch.finfo(torch.float32).eps = 2^-23, the floor on scales in the PyTorch convention. */
    public static final float FLOAT32_EPS = 0x1.0p-23f;

    private EncodingCalculator() {
    }

    /**
     * Encoding of a per-tensor quantizer for the range [min, max].
     *
     * @param spec a per-tensor spec
     * @param min  smallest value to represent
     * @param max  largest value to represent
     * @return the encoding
     */
    public static Encoding compute(QuantizerSpec spec, float min, float max) {
        if (spec.granularity() != Granularity.PER_TENSOR) {
            throw new IllegalArgumentException("use computePerChannel for a per-channel spec");
        }
        return computeChannels(spec, new float[] {min}, new float[] {max});
    }

    /**
     * Encoding of a per-tensor quantizer for a range.
     *
     * @param spec  a per-tensor spec
     * @param range the range
     * @return the encoding
     */
    public static Encoding compute(QuantizerSpec spec, Range range) {
        return compute(spec, range.min(), range.max());
    }

    /**
     * Encoding of a per-channel quantizer, one range per channel.
     *
     * @param spec a per-channel spec
     * @param mins per-channel minima
     * @param maxs per-channel maxima, same length
     * @return the encoding
     */
    public static Encoding computePerChannel(QuantizerSpec spec, float[] mins, float[] maxs) {
        if (spec.granularity() != Granularity.PER_CHANNEL) {
            throw new IllegalArgumentException("use compute for a per-tensor spec");
        }
        return computeChannels(spec, mins, maxs);
    }

    /**
     * Encoding of a per-channel quantizer from per-channel ranges (for example {@link PerChannelMinMax#ranges}).
     *
     * @param spec   a per-channel spec
     * @param ranges one range per channel
     * @return the encoding
     */
    public static Encoding computePerChannel(QuantizerSpec spec, Range[] ranges) {
        float[] mins = new float[ranges.length];
        float[] maxs = new float[ranges.length];
        for (int c = 0; c < ranges.length; c++) {
            mins[c] = ranges[c].min();
            maxs[c] = ranges[c].max();
        }
        return computePerChannel(spec, mins, maxs);
    }

    private static Encoding computeChannels(QuantizerSpec spec, float[] mins, float[] maxs) {
        Objects.requireNonNull(spec, "spec");
        if (mins.length != maxs.length) {
            throw new IllegalArgumentException("mins and maxs differ in length");
        }
        int n = mins.length;
        float[] scales = new float[n];
        int[] zps = new int[n];
        float[] gridMin = new float[n];
        float[] gridMax = new float[n];
        for (int c = 0; c < n; c++) {
            if (!(mins[c] <= maxs[c])) {
                throw new IllegalArgumentException("range min " + mins[c] + " > max " + maxs[c] + " in channel " + c);
            }
            long packed = spec.convention() == ScaleConvention.PYTORCH
                    ? pytorch(spec, mins[c], maxs[c]) : onnx(spec, mins[c], maxs[c]);
            float s = Float.intBitsToFloat((int) (packed >>> 32));
            int z = (int) packed;
            if (spec.scaleConstraint() == ScaleConstraint.POWER_OF_TWO) {
                s = nextPowerOfTwo(s);
            }
            scales[c] = s;
            zps[c] = z;
            gridMin[c] = (float) (spec.qmin() - z) * s;
            gridMax[c] = (float) (spec.qmax() - z) * s;
        }
        return new Encoding(scales, zps, gridMin, gridMax, spec);
    }

    /** ONNX (default) convention; see {@link ScaleConvention#ONNX}. Returns scale bits and zero point packed. */
    private static long onnx(QuantizerSpec spec, float min, float max) {
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        float lo = Math.min(min, 0f);
        float hi = Math.max(max, 0f);
        float s;
        int z;
        if (spec.symmetric()) {
            // signed: max|x| / (2^(b-1)-1); unsigned (eq. 8b): max(x,0) / (2^b-1)
            float amax = spec.signed() ? Math.max(-lo, hi) : hi;
            s = amax / (float) qmax;
            z = 0;
            if (s == 0f) {
                s = 1f;
            }
        } else {
            s = (hi - lo) / (float) (qmax - qmin);
            if (s == 0f) {
                s = 1f;
            }
            z = clamp((int) Math.rint((float) qmin - lo / s), qmin, qmax);
        }
        return pack(s, z);
    }

    /** PyTorch convention, mirroring torch.ao.quantization.observer._calculate_qparams in float32. */
    private static long pytorch(QuantizerSpec spec, float min, float max) {
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        float minNeg = Math.min(min, 0f);
        float maxPos = Math.max(max, 0f);
        float s;
        int z;
        if (spec.symmetric()) {
            float amax = Math.max(-minNeg, maxPos);
            s = amax / (float) ((qmax - qmin) / 2.0);
            s = Math.max(s, FLOAT32_EPS);
            if (spec.signed()) {
                z = 0;
            } else {
                z = spec.bits() == 8 ? 128 : Math.floorDiv(qmin + qmax, 2);
            }
        } else {
            s = (maxPos - minNeg) / (float) (qmax - qmin);
            s = Math.max(s, FLOAT32_EPS);
            z = qmin - (int) Math.rint(minNeg / s);
            z = clamp(z, qmin, qmax);
        }
        return pack(s, z);
    }

    /**
     * Smallest power of two that is &gt;= s (white paper §2.2.2: s = 2^-k); rounding up never clips the range.
     *
     * @param s a positive finite scale
     * @return the power of two
     */
    public static float nextPowerOfTwo(float s) {
        if (!(s > 0f) || Float.isInfinite(s)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + s);
        }
        double p = Math.scalb(1.0, Math.getExponent((double) s)); // 2^floor(log2 s), exact also for subnormals
        return (float) (p < s ? p * 2 : p);
    }

    private static long pack(float s, int z) {
        return ((long) Float.floatToRawIntBits(s) << 32) | (z & 0xFFFFFFFFL);
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
