package org.quantscope.core.quant;

/**
 * The clipping-range search shared by the histogram-based estimators ({@link MseEstimator}, {@link CosineEstimator}):
 * the calibration values stream into a bounded {@link StreamingHistogram}; {@link #range()} tries {@link #CANDIDATES}
 * fractions k/100 (k = 100 down to 1) of the full range and keeps the candidate with the lowest
 * {@link #cost(Encoding)} (ties prefer the wider range). Symmetric signed: [-t, t] with t = f max|x|; unsigned
 * symmetric: [0, f max(x, 0)]; asymmetric: [f min(x, 0), f max(x, 0)], each quantized with the spec's exact grid,
 * conventions and rounding. Subclasses define only the cost, over the histogram's bin centres weighted by counts.
 */
abstract class ClippingSearch implements RangeEstimator {

    /** Number of candidate ranges. */
    static final int CANDIDATES = 100;

    /** The per-tensor quantizer the range is for. */
    final QuantizerSpec spec;
    /** The observed values. */
    final StreamingHistogram histogram;

    ClippingSearch(QuantizerSpec spec, int bins) {
        if (spec.granularity() != Granularity.PER_TENSOR) {
            throw new IllegalArgumentException("estimators work per tensor; use a per-tensor spec per channel");
        }
        this.spec = spec;
        this.histogram = new StreamingHistogram(bins, false);
    }

    /** The cost of quantizing the observed values with {@code e}; lower is better. */
    abstract double cost(Encoding e);

    @Override
    public void observe(float[] values, int from, int to) {
        histogram.add(values, from, to);
    }

    @Override
    public Range range() {
        if (histogram.total() == 0) {
            throw new IllegalStateException("no calibration values were observed");
        }
        float minNeg = Math.min(histogram.min(), 0f);
        float maxPos = Math.max(histogram.max(), 0f);
        float amax = Math.max(-minNeg, maxPos);
        Range best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int k = CANDIDATES; k >= 1; k--) {
            float f = (float) k / CANDIDATES;
            Range r;
            if (spec.symmetric()) {
                r = spec.signed() ? new Range(-f * amax, f * amax) : new Range(0f, f * maxPos);
            } else {
                r = new Range(f * minNeg, f * maxPos);
            }
            double c = cost(EncodingCalculator.compute(spec, r));
            if (best == null || c < bestCost) {
                bestCost = c;
                best = r;
            }
        }
        return best;
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range());
    }

    /** Fake-quantizes one value with a per-tensor encoding of this spec. */
    final float fakeQuant(float x, Encoding e) {
        int z = e.zeroPoint(0);
        float s = e.scale(0);
        return (float) (FakeQuantizer.quantize(x, s, z, spec.qmin(), spec.qmax()) - z) * s;
    }
}
