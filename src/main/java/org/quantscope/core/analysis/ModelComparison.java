package org.quantscope.core.analysis;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an FP32 model and a candidate (a simulation graph) on the same batches and compares their logits and any
 * intermediate tensors both graphs contain under the same name (the simulation graph keeps tensor names, so a
 * captured tensor is the quantized value of the FP32 one). Streams batch by batch: memory holds one batch.
 */
public final class ModelComparison {

    private ModelComparison() {
    }

    /**
     * Compares.
     *
     * @param fp32      the reference model (normally BN-folded)
     * @param candidate the model to compare
     * @param tensors   intermediate tensors to compare
     * @param scales    quantizer scale per tensor, for rmse/scale (missing = NaN)
     * @param data      labelled samples
     * @param samples   how many samples (the first ones)
     * @param batchSize samples per run
     * @param session   ONNX Runtime settings (the candidate runs with QDQ fusion off)
     * @param progress  samples done / total
     * @param cancel    cancellation
     * @return the comparison
     */
    public static ComparisonResult compare(OnnxModel fp32, OnnxModel candidate, List<String> tensors,
                                           Map<String, Double> scales, Dataset data, int samples, int batchSize,
                                           SessionSettings session, ProgressListener progress,
                                           CancellationToken cancel) {
        int n = Math.min(samples, data.size());
        if (n <= 0) {
            throw new InputException(data.description() + " has no samples to compare on");
        }
        String logits = fp32.outputs().get(0).name();
        List<String> outs = new ArrayList<>();
        outs.add(logits);
        for (String t : tensors) {
            if (!outs.contains(t)) {
                outs.add(t);
            }
        }
        List<String> capture = outs.subList(1, outs.size());
        Map<String, ErrorMetrics.Accumulator> acc = new LinkedHashMap<>();
        tensors.forEach(t -> acc.put(t, new ErrorMetrics.Accumulator()));
        int correctF = 0;
        int correctQ = 0;
        int agree = 0;
        double maxDiff = 0;
        double kl = 0;
        int done = 0;
        progress.onProgress(0, n, "Comparing");
        try (InferenceSession f = InferenceSession.open(fp32, session, capture);
             InferenceSession q = InferenceSession.open(candidate, session.forSimulation(), capture);
             BatchPrefetcher batches = new BatchPrefetcher(data, n, batchSize)) {
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                Map<String, FloatTensor> fo = f.run(b.data(), b.shape(), outs, cancel);
                Map<String, FloatTensor> qo = q.run(b.data(), b.shape(), outs, cancel);
                for (String t : tensors) {
                    acc.get(t).add(fo.get(t).data(), qo.get(t).data());
                }
                float[] lf = fo.get(logits).data();
                float[] lq = qo.get(logits).data();
                int k = lf.length / b.count();
                for (int i = 0; i < b.count(); i++) {
                    int pf = argmax(lf, i * k, k);
                    int pq = argmax(lq, i * k, k);
                    int label = b.labels()[i];
                    correctF += pf == label ? 1 : 0;
                    correctQ += pq == label ? 1 : 0;
                    agree += pf == pq ? 1 : 0;
                    kl += klDivergence(lf, lq, i * k, k);
                    for (int j = 0; j < k; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(lf[i * k + j] - lq[i * k + j]));
                    }
                }
                done += b.count();
                progress.onProgress(done, n, "Comparing");
            }
        }
        Map<String, ErrorMetrics> metrics = new LinkedHashMap<>();
        acc.forEach((t, a) -> metrics.put(t, a.result(scales.getOrDefault(t, Double.NaN))));
        return new ComparisonResult(n, correctF / (double) n, correctQ / (double) n, agree / (double) n, maxDiff,
                kl / n, metrics);
    }

    /** First index of the maximum, as torch.argmax and the evaluator do. */
    static int argmax(float[] v, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /** KL(softmax(p) || softmax(q)) of one row, in double. */
    static double klDivergence(float[] p, float[] q, int off, int k) {
        double pm = Double.NEGATIVE_INFINITY;
        double qm = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            pm = Math.max(pm, p[off + j]);
            qm = Math.max(qm, q[off + j]);
        }
        double ps = 0;
        double qs = 0;
        for (int j = 0; j < k; j++) {
            ps += Math.exp(p[off + j] - pm);
            qs += Math.exp(q[off + j] - qm);
        }
        double lps = Math.log(ps);
        double lqs = Math.log(qs);
        double kl = 0;
        for (int j = 0; j < k; j++) {
            double lp = p[off + j] - pm - lps;
            double lq = q[off + j] - qm - lqs;
            kl += Math.exp(lp) * (lp - lq);
        }
        return Math.max(kl, 0);
    }
}
