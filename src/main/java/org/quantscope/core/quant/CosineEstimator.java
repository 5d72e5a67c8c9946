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
public final class CosineEstimator extends ClippingSearch {

    /** Number of candidate ranges. */
    public static final int CANDIDATES = ClippingSearch.CANDIDATES;

    /**
     * @param spec the per-tensor quantizer the range is for
     * @param bins histogram bins (even)
     */
    public CosineEstimator(QuantizerSpec spec, int bins) {
        super(spec, bins);
    }

    /** @param spec the per-tensor quantizer the range is for; 2048 bins */
    public CosineEstimator(QuantizerSpec spec) {
        this(spec, StreamingHistogram.DEFAULT_BINS);
    }

    @Override
    public String name() {
        return "cosine";
    }

    /** The cosine distance, 1 - {@link #cosine(Encoding)}. */
    @Override
    double cost(Encoding e) {
        return 1 - cosine(e);
    }

    /**
     * Cosine similarity between the histogram's values (bin centres, weighted by counts) and their fake quantization
     * with encoding {@code e}; 1 for identical directions, 0 when the quantized values are all zero.
     *
     * @param e a per-tensor encoding of this estimator's spec
     * @return the similarity in [-1, 1]
     */
    public double cosine(Encoding e) {
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int i = 0; i < histogram.bins(); i++) {
            long c = histogram.count(i);
            if (c == 0) {
                continue;
            }
            float x = (float) histogram.binCenter(i);
            float y = fakeQuant(x, e);
            xy += c * (double) x * y;
            xx += c * (double) x * x;
            yy += c * (double) y * y;
        }
        return xx == 0 || yy == 0 ? 0 : xy / Math.sqrt(xx * yy);
    }
}
