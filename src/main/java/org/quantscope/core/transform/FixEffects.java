package org.quantscope.core.transform;

import org.quantscope.core.analysis.ErrorMetrics;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.EstimateSamples;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-layer quantization error before and after the post-training fixes, measured in the whole quantized network
 * (every quantizer on, the error propagated from earlier layers included) at each layer's linear output (before the
 * activation, where bias correction acts). Each state is compared with its own FP32 graph: the model as folded before
 * the fixes, the equalized model after (equalization rescales the channels of the intermediate tensors, so comparing
 * the equalized network with the original one would count the rescaling as error).
 *
 * @param samples how many samples were compared
 * @param data    description of the samples
 * @param layers  one entry per layer, in graph order
 */
public record FixEffects(int samples, String data, List<LayerEffect> layers) {

    /**
     * One layer.
     *
     * @param layer              the layer (its linear node)
     * @param tensor             the compared tensor
     * @param before             error of the quantization without fixes
     * @param after              error with the fixes
     * @param meanAbsShiftBefore mean over channels of |E[quantized - fp32]| per channel, without fixes
     * @param meanAbsShiftAfter  the same with the fixes
     * @param relativeShiftBefore mean over channels of |E[quantized - fp32]| / std(fp32) per channel, without fixes:
     *                            unit-free, so comparable when a fix rescales the channels (equalization)
     * @param relativeShiftAfter  the same with the fixes
     */
    public record LayerEffect(String layer, String tensor, ErrorMetrics before, ErrorMetrics after,
                              double meanAbsShiftBefore, double meanAbsShiftAfter, double relativeShiftBefore,
                              double relativeShiftAfter) {
    }

    /** Copies the list. */
    public FixEffects {
        layers = List.copyOf(layers);
    }

    /**
     * Measures.
     *
     * @param outcome   the pipeline's result (with fixes)
     * @param data      samples to compare on (held-out data: the test set)
     * @param samples   how many (the first ones); fewer for large inputs ({@link EstimateSamples})
     * @param batchSize samples per run
     * @param session   ONNX Runtime settings
     * @param progress  progress
     * @param cancel    cancellation
     * @return the per-layer comparison
     */
    public static FixEffects measure(PtqPipeline.Outcome outcome, Dataset data, int samples, int batchSize,
                                     SessionSettings session, ProgressListener progress, CancellationToken cancel) {
        int n = Math.min(EstimateSamples.of(samples, data.sampleLength()), data.size());
        OnnxModel before = outcome.before().model().prepared();
        List<Layer> layers = before.layers();
        List<String> tensors = new ArrayList<>();
        boolean[] last = new boolean[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String t = l.linear().output();
            if (l.kind() == LayerKind.MATMUL && l.biasName() != null) {
                // the bias is added by the Add that follows: measure after it, where bias correction acts
                String add = org.quantscope.core.onnx.BiasInput.of(before, l).node();
                t = before.nodes().stream().filter(x -> x.name().equals(add)).findFirst().orElseThrow().output();
            }
            tensors.add(t);
            last[i] = l.kind() == LayerKind.MATMUL;
        }
        State b = state(before, outcome.before().model().simulation(), tensors, last, data, n, batchSize, session,
                progress, cancel);
        State a = state(outcome.reference(), outcome.after().model().simulation(), tensors, last, data, n,
                batchSize, session, progress, cancel);
        List<LayerEffect> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            out.add(new LayerEffect(layers.get(i).name(), tensors.get(i), b.metrics[i].result(Double.NaN),
                    a.metrics[i].result(Double.NaN), b.meanAbsShift(i), a.meanAbsShift(i), b.relativeShift(i),
                    a.relativeShift(i)));
        }
        return new FixEffects(n, data.description(), out);
    }

    /** Error sums of one state. */
    private static final class State {
        final ErrorMetrics.Accumulator[] metrics;
        final double[][] shift;
        final double[][] refSum;
        final double[][] refSq;
        final long[][] count;

        State(int tensors) {
            metrics = new ErrorMetrics.Accumulator[tensors];
            shift = new double[tensors][];
            refSum = new double[tensors][];
            refSq = new double[tensors][];
            count = new long[tensors][];
            for (int i = 0; i < tensors; i++) {
                metrics[i] = new ErrorMetrics.Accumulator();
            }
        }

        double meanAbsShift(int t) {
            if (shift[t] == null) {
                return Double.NaN;
            }
            double s = 0;
            for (int c = 0; c < shift[t].length; c++) {
                s += Math.abs(shift[t][c] / Math.max(1, count[t][c]));
            }
            return s / shift[t].length;
        }

        /** {@code featuresLast}: a MatMul output {@code [N, ..., K]}; otherwise channels are axis 1. */
        double relativeShift(int t) {
            if (shift[t] == null) {
                return Double.NaN;
            }
            double s = 0;
            int used = 0;
            for (int c = 0; c < shift[t].length; c++) {
                long n = count[t][c];
                if (n < 2) {
                    continue;
                }
                double mean = refSum[t][c] / n;
                double var = Math.max(0, refSq[t][c] / n - mean * mean);
                if (var > 0) {
                    s += Math.abs(shift[t][c] / n) / Math.sqrt(var);
                    used++;
                }
            }
            return used == 0 ? Double.NaN : s / used;
        }

        void add(int t, FloatTensor ref, FloatTensor q, boolean featuresLast) {
            metrics[t].add(ref.data(), q.data());
            long[] shape = ref.shape();
            int channels = featuresLast ? (int) shape[shape.length - 1] : shape.length >= 2 ? (int) shape[1] : 1;
            int inner = 1;
            if (!featuresLast) {
                for (int d = 2; d < shape.length; d++) {
                    inner *= (int) shape[d];
                }
            }
            if (shift[t] == null) {
                shift[t] = new double[channels];
                refSum[t] = new double[channels];
                refSq[t] = new double[channels];
                count[t] = new long[channels];
            }
            float[] r = ref.data();
            float[] v = q.data();
            int c = 0;
            for (int base = 0; base < r.length; base += inner) { // one channel's block of one sample
                double d = 0;
                double sum = 0;
                double sq = 0;
                int end = Math.min(r.length, base + inner);
                for (int i = base; i < end; i++) {
                    d += (double) v[i] - r[i];
                    sum += r[i];
                    sq += (double) r[i] * r[i];
                }
                shift[t][c] += d;
                refSum[t][c] += sum;
                refSq[t][c] += sq;
                count[t][c] += end - base;
                if (++c == channels) {
                    c = 0;
                }
            }
        }
    }

    private static State state(OnnxModel reference, OnnxModel simulation, List<String> tensors, boolean[] last,
                               Dataset data, int n,
                               int batchSize, SessionSettings session, ProgressListener progress,
                               CancellationToken cancel) {
        State st = new State(tensors.size());
        try (InferenceSession f = InferenceSession.open(reference, session, tensors);
             InferenceSession q = InferenceSession.open(simulation, session.forSimulation(), tensors)) {
            List<CaptureBatch.Pass> passes = CaptureBatch.passes(batchSize, data.sampleShape(), tensors,
                    "the per-layer error before and after the fixes", cancel, f, q);
            int done = 0;
            for (CaptureBatch.Pass pass : passes) {
                try (BatchPrefetcher batches = new BatchPrefetcher(data, n, pass.batch())) {
                    while (batches.hasNext()) {
                        cancel.throwIfCancelled();
                        Batch b = batches.next();
                        Map<String, FloatTensor> fo = f.run(b.data(), b.shape(), pass.tensors(), cancel);
                        Map<String, FloatTensor> qo = q.run(b.data(), b.shape(), pass.tensors(), cancel);
                        for (int i = 0; i < tensors.size(); i++) {
                            if (fo.containsKey(tensors.get(i))) {
                                st.add(i, fo.get(tensors.get(i)), qo.get(tensors.get(i)), last[i]);
                            }
                        }
                        done += b.count();
                        progress.onProgress(done, n * passes.size(), "Per-layer error before and after the fixes");
                    }
                }
            }
        }
        return st;
    }
}
