package org.quantscope.core.quant;

/**
 * Running minimum and maximum over streamed batches (white paper eq. 14-15), in constant memory. NaN values are
 * ignored; infinities are kept (and make the range unusable, which {@link #range()} reports). Not thread-safe.
 */
public final class RunningMinMax {

    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long count;

    /**
     * Adds the finite and infinite values of {@code values[from, to)}.
     *
     * @param values a batch
     * @param from   first index, inclusive
     * @param to     last index, exclusive
     */
    public void add(float[] values, int from, int to) {
        float lo = min;
        float hi = max;
        long n = 0;
        for (int i = from; i < to; i++) {
            float x = values[i];
            if (x != x) {
                continue;
            }
            n++;
            if (x < lo) {
                lo = x;
            }
            if (x > hi) {
                hi = x;
            }
        }
        min = lo;
        max = hi;
        count += n;
    }

    /** Adds a whole batch. */
    public void add(float[] values) {
        add(values, 0, values.length);
    }

    /** Whether any non-NaN value was seen. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Number of non-NaN values seen. */
    public long count() {
        return count;
    }

    /** Smallest value seen (+infinity when empty). */
    public float min() {
        return min;
    }

    /** Largest value seen (-infinity when empty). */
    public float max() {
        return max;
    }

    /**
     * The range [min, max] of everything seen.
     *
     * @throws IllegalStateException when nothing was seen or a value was infinite
     */
    public Range range() {
        if (count == 0) {
            throw new IllegalStateException("no calibration values were observed");
        }
        if (Float.isInfinite(min) || Float.isInfinite(max)) {
            throw new IllegalStateException("calibration values include infinity: [" + min + ", " + max + "]");
        }
        return new Range(min, max);
    }
}
