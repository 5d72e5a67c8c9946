package org.quantscope.core.quant;

/**
 * Entropy (KL-divergence) calibration as in TensorRT and MQBench's KLD calibration (MQBench §4). Algorithm:
 * <ol>
 * <li>Stream a {@link StreamingHistogram} of |x| with N = 2048 bins over [0, max|x|].</li>
 * <li>Let m = number of positive grid levels, 2^(b-1) for a signed grid (128 for int8, as TensorRT) and 2^b for an
 * unsigned one. For every candidate threshold bin i = m..N:
 * <ul>
 * <li>reference P = counts[0..i) with all counts at or above bin i (the outliers) folded into bin i-1;</li>
 * <li>candidate Q: counts[0..i) merged into m equal groups (group j takes bins floor(j i/m)..floor((j+1) i/m)),
 * each group's sum spread evenly over its bins whose P is non-zero (empty bins stay empty);</li>
 * <li>both smoothed (every zero gets eps = 1e-4, taken evenly from the non-zero entries, as MXNet does), normalised,
 * and KL(P || Q) = sum P log(P/Q) computed.</li>
 * </ul></li>
 * <li>The threshold is T = i* times the bin width for the i* of least KL (the first one on ties).</li>
 * </ol>
 * Symmetric signed quantizers get [-T, T], unsigned symmetric ones [0, T]; asymmetric ones get
 * [max(min, -T), min(max, T)], the symmetric threshold cut to the observed range, like ONNX Runtime's entropy
 * calibrator. If m &gt;= N (more than 12 bits) there is nothing to search and the full range is used.
 */
public final class KlEstimator implements RangeEstimator {

    private static final double SMOOTHING_EPS = 1e-4;

    private final QuantizerSpec spec;
    private final StreamingHistogram histogram;

    /**
     * @param spec the per-tensor quantizer the range is for
     * @param bins histogram bins (even)
     */
    public KlEstimator(QuantizerSpec spec, int bins) {
        this.spec = spec;
        this.histogram = new StreamingHistogram(bins, true);
    }

    /** @param spec the per-tensor quantizer the range is for; 2048 bins */
    public KlEstimator(QuantizerSpec spec) {
        this(spec, StreamingHistogram.DEFAULT_BINS);
    }

    @Override
    public String name() {
        return "kl";
    }

    @Override
    public void observe(float[] values, int from, int to) {
        histogram.add(values, from, to);
    }

    /** The threshold T on |x|. */
    public double threshold() {
        if (histogram.total() == 0) {
            throw new IllegalStateException("no calibration values were observed");
        }
        int n = histogram.bins();
        int m = spec.signed() ? 1 << (spec.bits() - 1) : 1 << spec.bits();
        double amax = Math.max(-histogram.min(), histogram.max());
        if (m >= n) {
            return amax;
        }
        long[] h = histogram.counts();
        double[] p = new double[n];
        double[] q = new double[n];
        int bestI = n;
        double bestKl = Double.POSITIVE_INFINITY;
        long tail = 0;
        for (int k = m; k < n; k++) {
            tail += h[k];
        }
        for (int i = m; i <= n; i++) {
            for (int k = 0; k < i; k++) {
                p[k] = h[k];
            }
            p[i - 1] += tail;
            for (int j = 0; j < m; j++) {
                int start = (int) ((long) j * i / m);
                int end = (int) ((long) (j + 1) * i / m);
                double sum = 0;
                int nonZero = 0;
                for (int k = start; k < end; k++) {
                    sum += h[k];
                    if (p[k] != 0) {
                        nonZero++;
                    }
                }
                for (int k = start; k < end; k++) {
                    q[k] = p[k] != 0 ? sum / nonZero : 0;
                }
            }
            double kl = divergence(p, q, i);
            if (kl < bestKl) {
                bestKl = kl;
                bestI = i;
            }
            if (i < n) {
                tail -= h[i];
            }
        }
        return Math.min(amax, bestI * histogram.binWidth());
    }

    /** KL(P || Q) over the first {@code len} entries after smoothing and normalising; infinity if Q is all zero. */
    static double divergence(double[] p, double[] q, int len) {
        double[] ps = smooth(p, len);
        double[] qs = smooth(q, len);
        if (ps == null || qs == null) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int k = 0; k < len; k++) {
            if (ps[k] > 0) {
                kl += ps[k] * Math.log(ps[k] / qs[k]);
            }
        }
        return kl;
    }

    /** Normalises, then moves eps onto every zero entry, taken evenly from the non-zero ones; null if all zero. */
    private static double[] smooth(double[] d, int len) {
        double total = 0;
        int zeros = 0;
        for (int k = 0; k < len; k++) {
            total += d[k];
            if (d[k] == 0) {
                zeros++;
            }
        }
        int nonZeros = len - zeros;
        if (total == 0 || nonZeros == 0) {
            return null;
        }
        double take = SMOOTHING_EPS * zeros / nonZeros;
        double[] out = new double[len];
        for (int k = 0; k < len; k++) {
            double v = d[k] / total;
            out[k] = v == 0 ? SMOOTHING_EPS : Math.max(v - take, SMOOTHING_EPS * 1e-3);
        }
        return out;
    }

    @Override
    public Range range() {
        float t = (float) threshold();
        if (spec.symmetric()) {
            return spec.signed() ? new Range(-t, t) : new Range(0f, t);
        }
        float lo = Math.max(histogram.min(), -t);
        float hi = Math.min(histogram.max(), t);
        return new Range(Math.min(lo, hi), Math.max(lo, hi));
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range());
    }
}
