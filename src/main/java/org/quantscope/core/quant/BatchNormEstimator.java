package org.quantscope.core.quant;

/**
 * Data-free BN-based range setting, eq. 18-19 of the white paper (Nagel et al. 2019): for activations that come out
 * of a batch normalization with per-channel shift beta and scale gamma, q_min = min(beta - alpha |gamma|) and q_max =
 * max(beta + alpha |gamma|), alpha = 6 by default. |gamma| is used because a negative gamma still means a standard
 * deviation of |gamma|. When a ReLU follows, the lower bound is clipped at 0 (and the upper bound too, if every channel
 * is negative). Observed data is ignored.
 */
public final class BatchNormEstimator implements RangeEstimator {

    /** The white paper's alpha. */
    public static final float DEFAULT_ALPHA = 6f;

    private final QuantizerSpec spec;
    private final Range range;

    /**
     * @param spec          the per-tensor quantizer the range is for
     * @param gamma         the BN scale per channel
     * @param beta          the BN shift per channel, same length
     * @param alpha         how many standard deviations to keep, &gt; 0
     * @param followedByRelu whether a ReLU follows the BN
     */
    public BatchNormEstimator(QuantizerSpec spec, float[] gamma, float[] beta, float alpha, boolean followedByRelu) {
        if (gamma.length != beta.length || gamma.length == 0) {
            throw new org.quantscope.core.InputException("BatchNorm scale and shift must have the same, non-zero"
                    + " number of channels, got " + gamma.length + " and " + beta.length);
        }
        if (!(alpha > 0)) {
            throw new org.quantscope.core.InputException("alpha must be positive, got " + alpha);
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < gamma.length; c++) {
            float g = Math.abs(gamma[c]);
            lo = Math.min(lo, beta[c] - alpha * g);
            hi = Math.max(hi, beta[c] + alpha * g);
        }
        if (followedByRelu) {
            lo = Math.max(lo, 0f);
            hi = Math.max(hi, 0f);
        }
        this.spec = spec;
        this.range = new Range(lo, hi);
    }

    @Override
    public String name() {
        return "bn";
    }

    @Override
    public void observe(float[] values, int from, int to) {
        // data-free
    }

    @Override
    public Range range() {
        return range;
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range);
    }
}
