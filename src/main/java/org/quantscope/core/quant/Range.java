package org.quantscope.core.quant;

/**
 * A clipping range [min, max] chosen by a {@link RangeEstimator} (q_min and q_max of white paper eq. 14-19).
 *
 * @param min lower clipping threshold
 * @param max upper clipping threshold, &gt;= min
 */
public record Range(float min, float max) {

    /** Checks min &lt;= max and that both are finite. */
    public Range {
        if (!(min <= max) || Float.isInfinite(min) || Float.isInfinite(max)) {
            throw new IllegalArgumentException("invalid range [" + min + ", " + max + "]");
        }
    }

    /** max - min. */
    public float width() {
        return max - min;
    }
}
