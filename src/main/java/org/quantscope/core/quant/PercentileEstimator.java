package org.quantscope.core.quant;

/**
 * Percentile ("quantile") range setting (MQBench §4): the range is cut at the {@code p}-th and (100-p)-th percentile
 * of the values, read from a {@link StreamingHistogram} (accurate to one bin). Symmetric quantizers use
 * max(|low|, |high|) on both sides; unsigned symmetric ones use [0, high].
 */
public final class PercentileEstimator implements RangeEstimator {

    /** Default percentile, 99.99. */
    public static final double DEFAULT_PERCENTILE = 99.99;

    private final QuantizerSpec spec;
    private final double percentile;
    private final StreamingHistogram histogram;

    /**
     * @param spec       the per-tensor quantizer the range is for
     * @param percentile the upper percentile in (50, 100]
     * @param bins       histogram bins (even)
     */
    public PercentileEstimator(QuantizerSpec spec, double percentile, int bins) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new org.quantscope.core.InputException("percentile must be above 50 and at most 100, got "
                    + percentile);
        }
        this.spec = spec;
        this.percentile = percentile;
        this.histogram = new StreamingHistogram(bins, false);
    }

    /** @param spec the per-tensor quantizer the range is for; uses 99.99 and 2048 bins */
    public PercentileEstimator(QuantizerSpec spec) {
        this(spec, DEFAULT_PERCENTILE, StreamingHistogram.DEFAULT_BINS);
    }

    @Override
    public String name() {
        return "percentile";
    }

    /** The upper percentile. */
    public double percentile() {
        return percentile;
    }

    @Override
    public void observe(float[] values, int from, int to) {
        histogram.add(values, from, to);
    }

    @Override
    public Range range() {
        float hi = (float) histogram.percentile(percentile);
        float lo = (float) histogram.percentile(100 - percentile);
        if (spec.symmetric()) {
            if (!spec.signed()) {
                return new Range(0f, Math.max(hi, 0f));
            }
            float t = Math.max(Math.abs(lo), Math.abs(hi));
            return new Range(-t, t);
        }
        return new Range(lo, hi);
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range());
    }
}
