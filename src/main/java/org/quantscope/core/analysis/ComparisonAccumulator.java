package org.quantscope.core.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sums behind a {@link ComparisonResult}, added batch by batch: top-1 hits of both models, agreement, largest
 * logit difference, KL divergence, and {@link ErrorMetrics} of intermediate tensors. Shared by the full-model
 * comparison ({@link ModelComparison}) and the runs from cached activations ({@link SensitivityCache}), so both
 * compute their figures the same way, in the same order.
 */
final class ComparisonAccumulator {

    private final Map<String, ErrorMetrics.Accumulator> tensors = new LinkedHashMap<>();
    private int samples;
    private int correctF;
    private int correctQ;
    private int agree;
    private double maxDiff;
    private double maxRef;
    private double kl;

    ComparisonAccumulator(List<String> tensorNames) {
        tensorNames.forEach(t -> tensors.put(t, new ErrorMetrics.Accumulator()));
    }

    /** Adds the FP32 values of tensor {@code t} from {@code fp32[offset...]} and the candidate's values. */
    void addTensor(String t, float[] fp32, int offset, float[] candidate) {
        tensors.get(t).add(fp32, offset, candidate);
    }

    /**
     * Adds {@code count} samples' logits.
     *
     * @param lf     FP32 logits, row-major, sample 0 of this batch at row {@code row}
     * @param lq     candidate logits of the batch, row-major from 0
     * @param labels labels, sample 0 of this batch at {@code row}
     * @param row    the batch's first sample in {@code lf} and {@code labels}
     * @param count  samples in the batch
     */
    void addLogits(float[] lf, float[] lq, int[] labels, int row, int count) {
        int k = lq.length / count;
        for (int i = 0; i < count; i++) {
            int off = (row + i) * k;
            int pf = ModelComparison.argmax(lf, off, k);
            int pq = ModelComparison.argmax(lq, i * k, k);
            int label = labels[row + i];
            correctF += pf == label ? 1 : 0;
            correctQ += pq == label ? 1 : 0;
            agree += pf == pq ? 1 : 0;
            kl += klDivergence(lf, off, lq, i * k, k);
            for (int j = 0; j < k; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(lf[off + j] - lq[i * k + j]));
                maxRef = Math.max(maxRef, Math.abs(lf[off + j]));
            }
        }
        samples += count;
    }

    /** The comparison so far; {@code scales} gives each tensor's quantizer scale for rmse/scale (missing = NaN). */
    ComparisonResult result(Map<String, Double> scales) {
        Map<String, ErrorMetrics> metrics = new LinkedHashMap<>();
        tensors.forEach((t, a) -> metrics.put(t, a.result(scales.getOrDefault(t, Double.NaN))));
        double n = samples;
        return new ComparisonResult(samples, correctF / n, correctQ / n, agree / n, maxDiff, maxRef, kl / n,
                metrics);
    }

    /** KL(softmax(p) || softmax(q)) of one row, in double. */
    static double klDivergence(float[] p, int pOff, float[] q, int qOff, int k) {
        double pm = Double.NEGATIVE_INFINITY;
        double qm = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            pm = Math.max(pm, p[pOff + j]);
            qm = Math.max(qm, q[qOff + j]);
        }
        double ps = 0;
        double qs = 0;
        for (int j = 0; j < k; j++) {
            ps += Math.exp(p[pOff + j] - pm);
            qs += Math.exp(q[qOff + j] - qm);
        }
        double lps = Math.log(ps);
        double lqs = Math.log(qs);
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double lp = p[pOff + j] - pm - lps;
            double lq = q[qOff + j] - qm - lqs;
            sum += Math.exp(lp) * (lp - lq);
        }
        return Math.max(sum, 0);
    }
}
