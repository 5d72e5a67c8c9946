package org.quantscope.core.analysis;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
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
        ComparisonAccumulator acc = new ComparisonAccumulator(tensors);
        int done = 0;
        progress.onProgress(0, n, "Comparing");
        try (InferenceSession f = InferenceSession.open(fp32, session, capture);
             InferenceSession q = InferenceSession.open(candidate, session.forSimulation(), capture)) {
            // the logits are compared in the first pass; more passes only when the tensors do not fit at once
            List<CaptureBatch.Pass> passes = CaptureBatch.passes(batchSize, data.sampleShape(), outs,
                    "the per-layer comparison of FP32 and quantized", cancel, f, q);
            for (int p = 0; p < passes.size(); p++) {
                CaptureBatch.Pass pass = passes.get(p);
                List<String> runOuts = new ArrayList<>(pass.tensors());
                if (!runOuts.contains(logits)) {
                    runOuts.add(0, logits);
                }
                try (BatchPrefetcher batches = new BatchPrefetcher(data, n, pass.batch())) {
                    while (batches.hasNext()) {
                        cancel.throwIfCancelled();
                        Batch b = batches.next();
                        Map<String, FloatTensor> fo = f.run(b.data(), b.shape(), runOuts, cancel);
                        Map<String, FloatTensor> qo = q.run(b.data(), b.shape(), runOuts, cancel);
                        for (String t : tensors) {
                            if (pass.tensors().contains(t)) {
                                acc.addTensor(t, fo.get(t).data(), 0, qo.get(t).data());
                            }
                        }
                        if (p == 0) {
                            acc.addLogits(fo.get(logits).data(), qo.get(logits).data(), b.labels(), 0, b.count());
                        }
                        done += b.count();
                        progress.onProgress(done, n * passes.size(), "Comparing");
                    }
                }
            }
        }
        return acc.result(scales);
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
        return ComparisonAccumulator.klDivergence(p, off, q, off, k);
    }
}
