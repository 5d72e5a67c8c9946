package org.quantscope.core.quant;

import java.util.Arrays;

/**
 * Per-channel min-max range of a (weight) tensor along an axis: eq. 14-15 of the white paper applied to every slice
 * {@code W[..., c, ...]} separately (per-channel granularity, §2.4.2).
 */
public final class PerChannelMinMax {

    private PerChannelMinMax() {
    }

    /**
     * The range of every channel.
     *
     * @param data  values in row-major order
     * @param shape the tensor's shape
     * @param axis  the channel axis
     * @return one range per index along the axis (NaN values are ignored; an all-NaN channel gets [0, 0])
     */
    public static Range[] ranges(float[] data, int[] shape, int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + Arrays.toString(shape));
        }
        int channels = shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] mins = new float[channels];
        float[] maxs = new float[channels];
        Arrays.fill(mins, Float.POSITIVE_INFINITY);
        Arrays.fill(maxs, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < data.length; i++) {
            int c = (i / inner) % channels;
            float x = data[i];
            if (x < mins[c]) {
                mins[c] = x;
            }
            if (x > maxs[c]) {
                maxs[c] = x;
            }
        }
        Range[] out = new Range[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = mins[c] <= maxs[c] ? new Range(mins[c], maxs[c]) : new Range(0f, 0f);
        }
        return out;
    }
}
