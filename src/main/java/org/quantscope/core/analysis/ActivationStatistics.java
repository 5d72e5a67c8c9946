package org.quantscope.core.analysis;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.TensorSpec;
import org.quantscope.core.quant.CrossEntropyEstimator;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.Range;
import org.quantscope.core.quant.RangeEstimator;
import org.quantscope.core.quant.RangeEstimators;
import org.quantscope.core.quant.StreamingHistogram;
import org.quantscope.core.sim.Calibrator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams samples (normally the calibration set) through the FP32 model and collects, for every activation
 * quantizer, a histogram, percentiles, per-channel min/max and the range every range method would choose on the
 * quantizer's own grid. Memory: a fixed-size histogram and one estimator per method and quantizer, plus one batch.
 */
public final class ActivationStatistics {

    /** Bins of the reduced histogram handed to charts. */
    public static final int BINS = 128;
    /** Percent levels reported. */
    public static final double[] LEVELS = {0.01, 0.1, 1, 50, 99, 99.9, 99.99};

    private static final List<String> DATA_METHODS = List.of("minmax", "percentile", "mse", "kl");

    private ActivationStatistics() {
    }

    /**
     * Collects the statistics.
     *
     * @param qm        the quantized model (its activation quantizers, enabled or not, are described)
     * @param data      the samples to stream
     * @param samples   how many (the first ones)
     * @param batchSize samples per run
     * @param session   ONNX Runtime settings
     * @param progress  samples done / total
     * @param cancel    cancellation
     * @return one entry per activation quantizer, in graph order
     */
    public static List<ActivationStats> collect(QuantizedModel qm, Dataset data, int samples, int batchSize,
                                                SessionSettings session, ProgressListener progress,
                                                CancellationToken cancel) {
        OnnxModel fp32 = qm.prepared();
        String input = fp32.inputs().get(0).name();
        List<String> outputs = fp32.outputs().stream().map(TensorSpec::name).toList();
        List<QuantizerState> acts = qm.quantizers().stream().filter(q -> !q.site().isWeight()).toList();
        List<String> tensors = new ArrayList<>();
        Map<String, Collector> collectors = new LinkedHashMap<>();
        for (QuantizerState q : acts) {
            QuantizerSpec spec = qm.settings().spec(q.site());
            Collector c = new Collector(q, spec);
            for (String m : DATA_METHODS) {
                c.estimators.put(m, RangeEstimators.forActivations(m, spec));
            }
            if (outputs.contains(q.site().tensor())) {
                long[] shape = fp32.valueInfo(q.site().tensor()).map(TensorSpec::shape).orElse(new long[0]);
                if (shape.length >= 2 && shape[shape.length - 1] > 1) {
                    c.estimators.put("ce", new CrossEntropyEstimator(spec, (int) shape[shape.length - 1],
                            CrossEntropyEstimator.DEFAULT_MAX_ROWS, 0));
                }
            }
            collectors.put(q.site().name(), c);
            if (!q.site().tensor().equals(input) && !tensors.contains(q.site().tensor())) {
                tensors.add(q.site().tensor());
            }
        }
        int n = Math.min(samples, data.size());
        List<String> capture = tensors.stream().filter(t -> !outputs.contains(t)).toList();
        progress.onProgress(0, n, "Activation statistics");
        try (InferenceSession s = InferenceSession.open(fp32, session, capture);
             BatchPrefetcher batches = new BatchPrefetcher(data, n, CaptureBatch.size(batchSize, data.sampleShape(),
                     tensors, "the activation statistics", null, cancel, s))) {
            int done = 0;
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                Map<String, FloatTensor> out = tensors.isEmpty() ? Map.of() : s.run(b.data(), b.shape(), tensors,
                        cancel);
                for (Collector c : collectors.values()) {
                    String t = c.state.site().tensor();
                    if (t.equals(input)) {
                        long[] shape = b.shape();
                        float[] v = Arrays.copyOf(b.data(), b.count() * data.sampleLength());
                        c.add(v, shape);
                    } else {
                        FloatTensor ft = out.get(t);
                        c.add(ft.data(), ft.shape());
                    }
                }
                done += b.count();
                progress.onProgress(done, n, "Activation statistics");
            }
        }
        List<ActivationStats> result = new ArrayList<>();
        for (Collector c : collectors.values()) {
            result.add(c.result(qm));
        }
        return result;
    }

    /** State for one quantizer. */
    private static final class Collector {
        final QuantizerState state;
        final QuantizerSpec spec;
        final StreamingHistogram histogram = StreamingHistogram.ofValues();
        final Map<String, RangeEstimator> estimators = new LinkedHashMap<>();
        float[] channelMin;
        float[] channelMax;
        long count;

        Collector(QuantizerState state, QuantizerSpec spec) {
            this.state = state;
            this.spec = spec;
        }

        void add(float[] v, long[] shape) {
            histogram.add(v, 0, v.length);
            estimators.values().forEach(e -> e.observe(v, 0, v.length));
            count += v.length;
            if (shape.length >= 2 && shape[1] > 0) {
                int channels = (int) shape[1];
                int inner = 1;
                for (int d = 2; d < shape.length; d++) {
                    inner *= (int) shape[d];
                }
                if (channelMin == null) {
                    channelMin = new float[channels];
                    channelMax = new float[channels];
                    Arrays.fill(channelMin, Float.POSITIVE_INFINITY);
                    Arrays.fill(channelMax, Float.NEGATIVE_INFINITY);
                }
                for (int i = 0; i < v.length; i++) {
                    int c = (i / inner) % channels;
                    if (v[i] < channelMin[c]) {
                        channelMin[c] = v[i];
                    }
                    if (v[i] > channelMax[c]) {
                        channelMax[c] = v[i];
                    }
                }
            }
        }

        ActivationStats result(QuantizedModel qm) {
            Map<String, Range> ranges = new LinkedHashMap<>();
            estimators.forEach((m, e) -> ranges.put(m, e.range()));
            Calibrator.batchNormRange(qm.original(), state.site(), spec).ifPresent(r -> ranges.put("bn", r));
            double[] pct = new double[LEVELS.length];
            for (int i = 0; i < LEVELS.length; i++) {
                pct[i] = histogram.percentile(LEVELS[i]);
            }
            long[] fine = histogram.counts();
            long[] coarse = new long[BINS];
            int per = fine.length / BINS;
            for (int i = 0; i < fine.length; i++) {
                coarse[Math.min(i / per, BINS - 1)] += fine[i];
            }
            Histogram h = new Histogram(histogram.lower(), histogram.upper() > histogram.lower() ? histogram.upper()
                    : histogram.lower() + 1e-12, coarse, 0, 0);
            return new ActivationStats(state.site().name(), state.site().tensor(), state.site().role(),
                    state.site().layer(), count, histogram.min(), histogram.max(), h, LEVELS, pct,
                    channelMin == null ? new float[0] : channelMin, channelMax == null ? new float[0] : channelMax,
                    ranges, state.enabled() ? state.chosen() : null, state.rangeMethod());
        }
    }
}
