package org.quantscope.core.quant;

import java.util.Arrays;

/**
 * The quantization parameters of one tensor: per channel (or one, per tensor) a float32 scale and an integer zero
 * point, plus the float range the grid represents, min = s*(qmin-z) and max = s*(qmax-z) (eq. 6 applied to the grid
 * ends). This is what an encodings JSON exports (bitwidth, scale, offset, min, max). Arrays are copied in and out.
 *
 * @param scales      float32 scales, one per channel (length 1 per tensor)
 * @param zeroPoints  zero points on the integer grid, same length
 * @param mins        smallest representable value per channel
 * @param maxs        largest representable value per channel
 * @param spec        the quantizer these parameters belong to (bits, signedness, granularity, axis)
 */
public record Encoding(float[] scales, int[] zeroPoints, float[] mins, float[] maxs, QuantizerSpec spec) {

    /** Copies the arrays and checks that they have one entry per channel. */
    public Encoding {
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
        mins = mins.clone();
        maxs = maxs.clone();
        int n = scales.length;
        if (n == 0 || zeroPoints.length != n || mins.length != n || maxs.length != n) {
            throw new IllegalArgumentException("encoding arrays must have the same non-zero length");
        }
        if (spec.granularity() == Granularity.PER_TENSOR && n != 1) {
            throw new IllegalArgumentException("a per-tensor encoding has exactly one scale, got " + n);
        }
    }

    /** A copy of the scales. */
    @Override
    public float[] scales() {
        return scales.clone();
    }

    /** A copy of the zero points. */
    @Override
    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** A copy of the smallest representable values, s*(qmin-z). */
    @Override
    public float[] mins() {
        return mins.clone();
    }

    /** A copy of the largest representable values, s*(qmax-z). */
    @Override
    public float[] maxs() {
        return maxs.clone();
    }

    /** Number of channels (1 for per-tensor). */
    public int channels() {
        return scales.length;
    }

    /** Scale of channel {@code c}. */
    public float scale(int c) {
        return scales[c];
    }

    /** Zero point of channel {@code c}. */
    public int zeroPoint(int c) {
        return zeroPoints[c];
    }

    /** Bit width. */
    public int bits() {
        return spec.bits();
    }

    /** Whether the integer grid is signed. */
    public boolean signed() {
        return spec.signed();
    }

    /** Per-tensor or per-channel. */
    public Granularity granularity() {
        return spec.granularity();
    }

    /** The channel axis, -1 for per-tensor encodings. */
    public int axis() {
        return spec.axis();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(scales, e.scales) && Arrays.equals(zeroPoints, e.zeroPoints)
                && Arrays.equals(mins, e.mins) && Arrays.equals(maxs, e.maxs) && spec.equals(e.spec);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints)) + spec.hashCode();
    }

    @Override
    public String toString() {
        return "Encoding[scales=" + Arrays.toString(scales) + ", zeroPoints=" + Arrays.toString(zeroPoints)
                + ", bits=" + spec.bits() + ", signed=" + spec.signed() + ", " + spec.granularity() + "]";
    }
}
