package org.quantscope.core.transform;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.SideBranches;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bias correction (white paper §3.3, eq. 25-28), empirical ({@link #empirical}) or analytic ({@link #analytic}).
 * Empirical bias correction: the weight quantization error of a layer shifts the mean
 * of its output, E[W^ x] - E[W x] = dW E[x], most in depthwise layers with few weights per channel. For each layer
 * with a quantized weight and a bias, the shift is measured per output channel on the calibration data, layer-wise:
 * only that layer's weight quantizer is applied and its input is the FP32 network's (eq. 27); the shift is then
 * subtracted from the bias. Measured at the linear node's output (before the activation), where eq. 25 holds.
 */
public final class BiasCorrection {

    /**
     * One corrected layer.
     *
     * @param layer          the layer (its Conv/Gemm node)
     * @param meanAbsShift   mean over channels of |E[W^ x] - E[W x]| before the correction
     * @param correction     the per-channel value subtracted from the bias
     */
    public record LayerCorrection(String layer, double meanAbsShift, double[] correction) {
    }

    /**
     * The corrected model and the corrections.
     *
     * @param model       the prepared model with corrected biases (feed it to {@link QuantizationSimulator#prepare})
     * @param corrections one entry per corrected layer, in graph order
     */
    public record Result(OnnxModel model, List<LayerCorrection> corrections) {
    }

    private BiasCorrection() {
    }

    /**
     * Measures and corrects.
     *
     * @param qm        a quantized model (its weight encodings are used; activations are ignored)
     * @param calib     calibration samples
     * @param batchSize samples per run
     * @param session   ONNX Runtime settings
     * @param progress  layers done / total
     * @param cancel    cancellation
     * @return the model with corrected biases
     */
    public static Result empirical(QuantizedModel qm, Dataset calib, int batchSize, SessionSettings session,
                                   ProgressListener progress, CancellationToken cancel) {
        OnnxModel prepared = qm.prepared();
        List<Layer> layers = new ArrayList<>();
        for (Layer l : prepared.layers()) {
            boolean quantized = qm.quantizersOfLayer(l.name()).stream().anyMatch(q -> q.enabled()
                    && q.site().isWeight());
            if (quantized && l.biasName() != null && prepared.constant(l.biasName()).isPresent()) {
                layers.add(l);
            }
        }
        List<LayerCorrection> corrections = new ArrayList<>();
        List<WeightReplacement> biases = new ArrayList<>();
        Map<String, double[]> shifts = allShifts(qm, layers, calib, batchSize, session, progress, cancel);
        int done = 0;
        for (Layer l : layers) {
            cancel.throwIfCancelled();
            double[] shift;
            if (shifts != null) {
                shift = shifts.get(l.name());
            } else {
                progress.onProgress(done, layers.size(), "Bias correction: " + l.name());
                QuantizedModel only = QuantizationSimulator.withOnly(qm, q -> q.site().isWeight()
                        && l.name().equals(q.site().layer()));
                shift = meanShift(prepared, only.simulation(), l.linear().output(), calib, batchSize, session,
                        cancel);
            }
            WeightTensor b = prepared.constant(l.biasName()).orElseThrow();
            float[] nb = b.floats().clone();
            // Gemm adds beta * C: the bias moves by shift / beta
            double beta = l.linear().opType().equals("Gemm") ? l.linear().doubleAttr("beta", 1.0) : 1.0;
            double abs = 0;
            for (int c = 0; c < nb.length && c < shift.length; c++) {
                nb[c] = (float) (nb[c] - shift[c] / beta);
                abs += Math.abs(shift[c]);
            }
            corrections.add(new LayerCorrection(l.name(), abs / Math.max(1, shift.length), shift));
            org.quantscope.core.onnx.BiasInput at = org.quantscope.core.onnx.BiasInput.of(prepared, l);
            biases.add(WeightReplacement.floats(at.node(), at.input(), b.dims(), nb));
            if (shifts == null) {
                progress.onProgress(++done, layers.size(), "Bias correction: " + l.name());
            }
        }
        return new Result(QuantizedGraphWriter.simulation(prepared, biases, List.of()), corrections);
    }

    /**
     * Every layer's mean shift (eq. 27) in one pass over the calibration data: the FP32 graph with, after each
     * layer's linear node, a copy of it with the layer's quantized weights and the same FP32 input
     * ({@link SideBranches}). Equal to {@link #meanShift} per layer (the mean of the copy minus the mean of the
     * original, per channel), at one ONNX Runtime run per batch instead of two sessions and two runs per layer.
     *
     * @return per layer name the shift per channel, or null when the copies cannot be built (then layer by layer)
     */
    private static Map<String, double[]> allShifts(QuantizedModel qm, List<Layer> layers, Dataset calib,
                                                   int batchSize, SessionSettings session, ProgressListener progress,
                                                   CancellationToken cancel) {
        if (layers.isEmpty()) {
            return Map.of();
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        layers.forEach(l -> names.add(l.name()));
        QuantizedModel weights = QuantizationSimulator.withOnly(qm, q -> q.site().isWeight()
                && names.contains(q.site().layer()));
        java.util.Optional<SideBranches.Result> side = SideBranches.of(qm.prepared(), weights.simulation(),
                layers.stream().map(l -> l.linear().name()).toList());
        if (side.isEmpty()) {
            return null;
        }
        List<String> tensors = new ArrayList<>();
        for (Layer l : layers) {
            tensors.add(l.linear().output());
            tensors.add(side.get().outputs().get(l.linear().name()));
        }
        Map<String, double[]> sums = new java.util.HashMap<>();
        Map<String, long[]> counts = new java.util.HashMap<>();
        int n = calib.size();
        try (InferenceSession s = InferenceSession.open(side.get().model(), session.forSimulation(), tensors)) {
            List<CaptureBatch.Pass> passes = CaptureBatch.passes(batchSize, calib.sampleShape(), tensors,
                    "empirical bias correction", cancel, s);
            int done = 0;
            for (CaptureBatch.Pass pass : passes) {
                try (BatchPrefetcher batches = new BatchPrefetcher(calib, n, pass.batch())) {
                    while (batches.hasNext()) {
                        cancel.throwIfCancelled();
                        Batch b = batches.next();
                        Map<String, FloatTensor> out = s.run(b.data(), b.shape(), pass.tensors(), cancel);
                        out.forEach((t, v) -> channelSums(t, v, sums, counts));
                        done += b.count();
                        progress.onProgress(done, n * passes.size(), "Bias correction: all layers in one pass");
                    }
                }
            }
        }
        Map<String, double[]> shifts = new java.util.HashMap<>();
        for (Layer l : layers) {
            String f = l.linear().output();
            String q = side.get().outputs().get(l.linear().name());
            double[] fs = sums.get(f);
            double[] qs = sums.get(q);
            long[] c = counts.get(f);
            double[] mean = new double[fs.length];
            for (int ch = 0; ch < mean.length; ch++) {
                mean[ch] = c[ch] == 0 ? 0 : (qs[ch] - fs[ch]) / c[ch];
            }
            shifts.put(l.name(), mean);
        }
        return shifts;
    }

    private static void channelSums(String t, FloatTensor v, Map<String, double[]> sums, Map<String, long[]> counts) {
        long[] shape = v.shape();
        int channels = shape.length >= 2 ? (int) shape[1] : 1;
        int inner = 1;
        for (int d = 2; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        double[] sum = sums.computeIfAbsent(t, k -> new double[channels]);
        long[] count = counts.computeIfAbsent(t, k -> new long[channels]);
        float[] x = v.data();
        for (int i = 0; i < x.length; i++) {
            int ch = (i / inner) % channels;
            sum[ch] += x[i];
            count[ch]++;
        }
    }

    /**
     * Analytic bias correction (white paper eq. 28, data-free): for a layer whose input comes straight from a layer
     * group with a BatchNormalization (and ReLU, ReLU6/Clip or no activation), the input of channel i is modelled as
     * a normal distribution with mean beta_i and standard deviation |gamma_i| of that BN, clipped by the activation;
     * E[x] is that clipped normal's mean (eq. 28 for ReLU), and the bias is corrected by dW E[x], dW = W^ - W
     * (zero padding at the borders is ignored, as in the paper). Layers whose input has no such BN are left alone
     * and listed with a zero correction. Needs the BN statistics, so it runs on the BN-folded model only (not after
     * cross-layer equalization, which rescales the channels).
     *
     * @param qm a quantized model whose prepared graph is the original model BN-folded
     * @return the model with corrected biases
     */
    public static Result analytic(QuantizedModel qm) {
        OnnxModel prepared = qm.prepared();
        OnnxModel original = qm.original();
        List<LayerCorrection> corrections = new ArrayList<>();
        List<WeightReplacement> biases = new ArrayList<>();
        for (Layer l : prepared.layers()) {
            QuantizerState w = qm.quantizersOfLayer(l.name()).stream().filter(q -> q.enabled() && q.site().isWeight())
                    .findFirst().orElse(null);
            if (w == null || l.biasName() == null || prepared.constant(l.biasName()).isEmpty()) {
                continue;
            }
            double[] ex = expectedInput(original, original.resolveIdentity(l.linear().input(0)));
            if (ex == null) {
                continue;
            }
            WeightTensor wt = prepared.constant(l.weightName()).orElseThrow();
            float[] fq = new float[wt.floats().length];
            org.quantscope.core.quant.FakeQuantizer.quantizeDequantize(wt.floats(), w.site().intShape(), w.encoding(),
                    fq);
            double[] corr = deltaTimesMean(l, wt.floats(), fq, wt.dims(), ex);
            if (corr == null) {
                continue;
            }
            WeightTensor b = prepared.constant(l.biasName()).orElseThrow();
            float[] nb = b.floats().clone();
            double beta = l.linear().opType().equals("Gemm") ? l.linear().doubleAttr("beta", 1.0) : 1.0;
            double abs = 0;
            for (int c = 0; c < nb.length && c < corr.length; c++) {
                nb[c] = (float) (nb[c] - corr[c] / beta);
                abs += Math.abs(corr[c]);
            }
            corrections.add(new LayerCorrection(l.name(), abs / Math.max(1, corr.length), corr));
            org.quantscope.core.onnx.BiasInput at = org.quantscope.core.onnx.BiasInput.of(prepared, l);
            biases.add(WeightReplacement.floats(at.node(), at.input(), b.dims(), nb));
        }
        return new Result(QuantizedGraphWriter.simulation(prepared, biases, List.of()), corrections);
    }

    /** E[x] per channel of a layer-group output with a BN (clipped normal), or null when no BN produces it. */
    private static double[] expectedInput(OnnxModel original, String tensor) {
        for (Layer p : original.layers()) {
            if (!original.resolveIdentity(p.output()).equals(tensor) || p.batchNorm() == null) {
                continue;
            }
            float[] gamma = original.constant(p.batchNorm().input(1)).map(WeightTensor::floats).orElse(null);
            float[] beta = original.constant(p.batchNorm().input(2)).map(WeightTensor::floats).orElse(null);
            if (gamma == null || beta == null) {
                return null;
            }
            double lo;
            double hi;
            switch (p.activationKind()) {
                case NONE -> {
                    lo = Double.NEGATIVE_INFINITY;
                    hi = Double.POSITIVE_INFINITY;
                }
                case RELU -> {
                    lo = 0;
                    hi = Double.POSITIVE_INFINITY;
                }
                case RELU6, CLIP, CHANNEL_CLIP -> {
                    lo = Double.isNaN(p.clipMin()) ? Double.NEGATIVE_INFINITY : p.clipMin();
                    hi = Double.isNaN(p.clipMax()) ? Double.POSITIVE_INFINITY : p.clipMax();
                }
                default -> {
                    return null;
                }
            }
            double[] ex = new double[gamma.length];
            for (int c = 0; c < ex.length; c++) {
                double top = p.channelClipMax() == null ? hi : p.clipMax(c);
                ex[c] = clippedNormalMean(beta[c], Math.abs(gamma[c]), lo, top);
            }
            return ex;
        }
        return null;
    }

    /**
     * Mean of clamp(X, lo, hi) for X ~ N(mu, sigma^2): mu [Phi(b) - Phi(a)] + sigma [phi(a) - phi(b)] + lo Phi(a)
     * + hi [1 - Phi(b)] with a = (lo - mu) / sigma, b = (hi - mu) / sigma; for lo = 0, hi = infinity this is eq. 28.
     */
    static double clippedNormalMean(double mu, double sigma, double lo, double hi) {
        if (sigma == 0) {
            return Math.max(lo, Math.min(hi, mu));
        }
        double a = (lo - mu) / sigma;
        double b = (hi - mu) / sigma;
        double pa = Double.isInfinite(a) ? (a < 0 ? 0 : 1) : cdf(a);
        double pb = Double.isInfinite(b) ? (b < 0 ? 0 : 1) : cdf(b);
        double da = Double.isInfinite(a) ? 0 : pdf(a);
        double db = Double.isInfinite(b) ? 0 : pdf(b);
        double m = mu * (pb - pa) + sigma * (da - db);
        if (!Double.isInfinite(lo)) {
            m += lo * pa;
        }
        if (!Double.isInfinite(hi)) {
            m += hi * (1 - pb);
        }
        return m;
    }

    private static double pdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
    static double cdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                + t * 0.17087277)))))))));
        return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    /** dW E[x] per output channel for Conv (plain or depthwise) and Gemm; null for other layers. */
    private static double[] deltaTimesMean(Layer l, float[] w, float[] fq, long[] dims, double[] ex) {
        switch (l.kind()) {
            case CONV, DEPTHWISE_CONV -> {
                int out = (int) dims[0];
                int in = (int) dims[1];
                int k = w.length / (out * in);
                boolean depthwise = l.kind() == org.quantscope.core.onnx.LayerKind.DEPTHWISE_CONV;
                double[] corr = new double[out];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        int channel = depthwise ? o : i;
                        if (channel >= ex.length) {
                            return null;
                        }
                        for (int j = 0; j < k; j++) {
                            int idx = (o * in + i) * k + j;
                            corr[o] += ((double) fq[idx] - w[idx]) * ex[channel];
                        }
                    }
                }
                return corr;
            }
            case GEMM -> {
                boolean transB = l.linear().longAttr("transB", 0) == 1;
                int out = (int) (transB ? dims[0] : dims[1]);
                int in = (int) (transB ? dims[1] : dims[0]);
                if (in != ex.length) {
                    return null;
                }
                double[] corr = new double[out];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        int idx = transB ? o * in + i : i * out + o;
                        corr[o] += ((double) fq[idx] - w[idx]) * ex[i];
                    }
                }
                return corr;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Per channel (axis 1) mean of (candidate - reference) of one tensor over the samples.
     *
     * @param reference the FP32 model
     * @param candidate the model to compare
     * @param tensor    the tensor, present under the same name in both
     * @param data      samples
     * @param batchSize samples per run
     * @param session   ONNX Runtime settings (the candidate runs with QDQ fusion off)
     * @param cancel    cancellation
     * @return the mean difference per channel
     */
    public static double[] meanShift(OnnxModel reference, OnnxModel candidate, String tensor, Dataset data,
                                     int batchSize, SessionSettings session, CancellationToken cancel) {
        double[] sum = null;
        long[] count = null;
        try (InferenceSession f = InferenceSession.open(reference, session, List.of(tensor));
             InferenceSession q = InferenceSession.open(candidate, session.forSimulation(), List.of(tensor));
             BatchPrefetcher batches = new BatchPrefetcher(data, data.size(), CaptureBatch.size(batchSize,
                     data.sampleShape(), List.of(tensor), "empirical bias correction", null, cancel, f, q))) {
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                FloatTensor a = f.run(b.data(), b.shape(), List.of(tensor), cancel).get(tensor);
                FloatTensor c = q.run(b.data(), b.shape(), List.of(tensor), cancel).get(tensor);
                long[] shape = a.shape();
                int channels = shape.length >= 2 ? (int) shape[1] : 1;
                int inner = 1;
                for (int d = 2; d < shape.length; d++) {
                    inner *= (int) shape[d];
                }
                if (sum == null) {
                    sum = new double[channels];
                    count = new long[channels];
                }
                float[] av = a.data();
                float[] cv = c.data();
                for (int i = 0; i < av.length; i++) {
                    int ch = (i / inner) % channels;
                    sum[ch] += (double) cv[i] - av[i];
                    count[ch]++;
                }
            }
        }
        double[] mean = new double[sum == null ? 0 : sum.length];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = count[c] == 0 ? 0 : sum[c] / count[c];
        }
        return mean;
    }
}
