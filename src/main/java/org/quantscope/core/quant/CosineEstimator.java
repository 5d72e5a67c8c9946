package org.quantscope.core.quant;

/**
 * Cosine calibration (the reliability paper, Yuan et al. 2023, appendix B.3, eq. 4): among candidate clipping ranges,
 * the one whose fake quantization keeps the calibration values most parallel to themselves, that is which maximizes
 * the cosine similarity {@code <x, q(x)> / (|x| |q(x)|)} (minimizes the cosine distance). The candidates are those of
 * {@link MseEstimator}: {@link #CANDIDATES} = 100 fractions k/100 (k = 1..100) of the full range, the paper's "search
 * 100 times uniformly within the range of the maximum value". Symmetric signed: [-t, t] with t = f max|x|; unsigned
 * symmetric: [0, f max(x, 0)]; asymmetric: [f min(x, 0), f max(x, 0)], each quantized with the spec's exact grid,
 * conventions and rounding. The sums are taken over a {@link StreamingHistogram} (every value at its bin centre), so
 * memory is bounded; ties prefer the wider range.
 *
 * <p>Unlike MSE, cosine similarity ignores the overall scale of the error and weighs its direction: clipping that
 * shrinks all large values by the same factor costs little, so cosine tends to clip harder than MSE on long tails.
 */
public final class CosineEstimator implements RangeEstimator {

    /** Number of candidate ranges. */
    public static final int CANDIDATES = MseEstimator.CANDIDATES;

    private final QuantizerSpec spec;
    private final StreamingHistogram histogram;

    /**
     * @param spec the per-tensor quantizer the range is for
     * @param bins histogram bins (even)
     */
    public CosineEstimator(QuantizerSpec spec, int bins) {
        if (spec.granularity() != Granularity.PER_TENSOR) {
            throw new IllegalArgumentException("estimators work per tensor; use a per-tensor spec per channel");
        }
        this.spec = spec;
        this.histogram = new StreamingHistogram(bins, false);
    }

    /** @param spec the per-tensor quantizer the range is for; 2048 bins */
    public CosineEstimator(QuantizerSpec spec) {
        this(spec, StreamingHistogram.DEFAULT_BINS);
    }

    @Override
    public String name() {
        return "cosine";
    }

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
        double bestCos = Double.NEGATIVE_INFINITY;
        for (int k = CANDIDATES; k >= 1; k--) {
            float f = (float) k / CANDIDATES;
            Range r;
            if (spec.symmetric()) {
                r = spec.signed() ? new Range(-f * amax, f * amax) : new Range(0f, f * maxPos);
            } else {
                r = new Range(f * minNeg, f * maxPos);
            }
            double cos = cosine(EncodingCalculator.compute(spec, r));
            if (cos > bestCos) {
                bestCos = cos;
                best = r;
            }
        }
        return best;
    }

    /**
     * Cosine similarity between the histogram's values (bin centres, weighted by counts) and their fake quantization
     * with encoding {@code e}; 1 for identical directions, 0 when the quantized values are all zero.
     *
     * @param e a per-tensor encoding of this estimator's spec
     * @return the similarity in [-1, 1]
     */
    public double cosine(Encoding e) {
        float s = e.scale(0);
        int z = e.zeroPoint(0);
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < histogram.bins(); i++) {
            long c = histogram.count(i);
            if (c == 0) {
                continue;
            }
            float x = (float) histogram.binCenter(i);
            float y = (float) (FakeQuantizer.quantize(x, s, z, qmin, qmax) - z) * s;
            xy += c * (double) x * y;
            xx += c * (double) x * x;
            yy += c * (double) y * y;
        }
        return xx == 0 || yy == 0 ? 0 : xy / Math.sqrt(xx * yy);
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range());
    }
}
