package org.quantscope.core.quant;

import java.util.Random;

/**
 * Cross-entropy range setting for the logits of a classifier (white paper §3.1, eq. 17): the clipping range that
 * minimizes the mean cross-entropy {@code H(softmax(v), softmax(q(v)))} between the float logits and their
 * fake-quantized values, so that the order of the largest logits survives quantization. Candidates are the same as
 * {@link MseEstimator}'s: {@code k/100} of the observed range (symmetric: [-t, t] with t = k/100 max|v|; asymmetric:
 * [k/100 min, k/100 max]), k = 1..100; ties keep the wider range.
 *
 * <p>Memory is bounded: at most {@code maxRows} logit rows are kept, chosen by reservoir sampling with a fixed seed,
 * so the result is deterministic for a given calibration order and does not grow with the calibration set.
 */
public final class CrossEntropyEstimator implements RangeEstimator {

    /** Default number of logit rows kept. */
    public static final int DEFAULT_MAX_ROWS = 2048;

    private final QuantizerSpec spec;
    private final int rowLength;
    private final float[][] rows;
    private final Random random;
    private final RunningMinMax minMax = new RunningMinMax();
    private long seen;
    private Range cached;

    /**
     * @param spec      the per-tensor quantizer of the logits
     * @param rowLength number of classes (values per sample), at least 2
     * @param maxRows   rows kept for the search
     * @param seed      seed of the reservoir sampling
     */
    public CrossEntropyEstimator(QuantizerSpec spec, int rowLength, int maxRows, long seed) {
        if (rowLength < 2) {
            throw new org.quantscope.core.InputException("cross-entropy range setting needs at least 2 scores per"
                    + " sample, got " + rowLength + "; use it on a classifier's logits");
        }
        this.spec = spec;
        this.rowLength = rowLength;
        this.rows = new float[maxRows][];
        this.random = new Random(seed);
    }

    @Override
    public String name() {
        return "ce";
    }

    @Override
    public void observe(float[] values, int from, int to) {
        if ((to - from) % rowLength != 0) {
            throw new IllegalArgumentException((to - from) + " values are not whole rows of " + rowLength);
        }
        minMax.add(values, from, to);
        cached = null;
        for (int off = from; off < to; off += rowLength) {
            int slot;
            if (seen < rows.length) {
                slot = (int) seen;
            } else {
                long r = (long) (random.nextDouble() * (seen + 1));
                slot = r < rows.length ? (int) r : -1;
            }
            if (slot >= 0) {
                float[] row = new float[rowLength];
                System.arraycopy(values, off, row, 0, rowLength);
                rows[slot] = row;
            }
            seen++;
        }
    }

    @Override
    public Range range() {
        if (cached != null) {
            return cached;
        }
        if (minMax.isEmpty()) {
            throw new IllegalStateException("no logits observed");
        }
        float lo = Math.min(minMax.min(), 0f);
        float hi = Math.max(minMax.max(), 0f);
        float amax = Math.max(-lo, hi);
        int kept = (int) Math.min(seen, rows.length);
        double best = Double.POSITIVE_INFINITY;
        Range bestRange = null;
        float[] q = new float[rowLength];
        for (int k = MseEstimator.CANDIDATES; k >= 1; k--) {
            float f = k / (float) MseEstimator.CANDIDATES;
            Range r = spec.symmetric() ? new Range(spec.signed() ? -amax * f : 0f, amax * f)
                    : new Range(lo * f, hi * f);
            if (r.width() <= 0) {
                continue;
            }
            Encoding e = EncodingCalculator.compute(spec, r);
            double loss = 0;
            for (int i = 0; i < kept; i++) {
                FakeQuantizer.quantizeDequantize(rows[i], new int[] {rowLength}, e, q);
                loss += crossEntropy(rows[i], q);
            }
            if (loss < best) {
                best = loss;
                bestRange = r;
            }
        }
        cached = bestRange != null ? bestRange : minMax.range();
        return cached;
    }

    /** H(softmax(p), softmax(q)) = -sum softmax(p)_i log softmax(q)_i, in double. */
    static double crossEntropy(float[] p, float[] q) {
        double pm = Double.NEGATIVE_INFINITY;
        double qm = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            pm = Math.max(pm, p[i]);
            qm = Math.max(qm, q[i]);
        }
        double ps = 0;
        double qs = 0;
        for (int i = 0; i < p.length; i++) {
            ps += Math.exp(p[i] - pm);
            qs += Math.exp(q[i] - qm);
        }
        double logQs = Math.log(qs);
        double h = 0;
        for (int i = 0; i < p.length; i++) {
            double pi = Math.exp(p[i] - pm) / ps;
            h -= pi * (q[i] - qm - logQs);
        }
        return h;
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range());
    }
}
