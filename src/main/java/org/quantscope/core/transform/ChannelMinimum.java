package org.quantscope.core.transform;

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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest value of each channel (axis 1 of [N, C, ...], or the last axis of [N, C]) of some intermediate tensors
 * over a set of samples, streamed batch by batch (memory: one batch and one value per channel).
 */
final class ChannelMinimum {

    private ChannelMinimum() {
    }

    /**
     * Measures.
     *
     * @param model     the model
     * @param tensors   key -> tensor name in {@code model}
     * @param samples   the samples
     * @param batchSize samples per run
     * @param session   ONNX Runtime settings
     * @param progress  progress
     * @param cancel    cancellation
     * @return key -> minimum per channel
     */
    static Map<String, double[]> measure(OnnxModel model, Map<String, String> tensors, Dataset samples, int batchSize,
                                         SessionSettings session, ProgressListener progress, CancellationToken cancel) {
        Map<String, double[]> min = new LinkedHashMap<>();
        if (tensors.isEmpty() || samples.size() == 0) {
            return min;
        }
        List<String> names = new ArrayList<>(new java.util.LinkedHashSet<>(tensors.values()));
        Map<String, double[]> byTensor = new LinkedHashMap<>();
        int n = samples.size();
        int done = 0;
        try (InferenceSession s = InferenceSession.open(model, session, names);
             BatchPrefetcher batches = new BatchPrefetcher(samples, n, CaptureBatch.size(batchSize,
                     samples.sampleShape(), names, "the channel minima for bias absorption", null, cancel, s))) {
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                Map<String, FloatTensor> out = s.run(b.data(), b.shape(), names, cancel);
                for (String t : names) {
                    FloatTensor x = out.get(t);
                    long[] shape = x.shape();
                    int channels = (int) shape[1];
                    int inner = 1;
                    for (int d = 2; d < shape.length; d++) {
                        inner *= (int) shape[d];
                    }
                    double[] m = byTensor.computeIfAbsent(t, k -> filled(channels));
                    float[] v = x.data();
                    for (int i = 0; i < v.length; i++) {
                        int c = (i / inner) % channels;
                        if (v[i] < m[c]) {
                            m[c] = v[i];
                        }
                    }
                }
                done += b.count();
                progress.onProgress(done, n, "Bias absorption: pre-activation minima");
            }
        }
        tensors.forEach((k, t) -> min.put(k, byTensor.get(t)));
        return min;
    }

    private static double[] filled(int n) {
        double[] m = new double[n];
        Arrays.fill(m, Double.POSITIVE_INFINITY);
        return m;
    }
}
