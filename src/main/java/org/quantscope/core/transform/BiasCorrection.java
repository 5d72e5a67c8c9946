package org.quantscope.core.transform;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Empirical bias correction (white paper §3.3, eq. 25-27): the weight quantization error of a layer shifts the mean
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
        int done = 0;
        for (Layer l : layers) {
            cancel.throwIfCancelled();
            progress.onProgress(done, layers.size(), "Bias correction: " + l.name());
            QuantizedModel only = QuantizationSimulator.withOnly(qm, q -> q.site().isWeight()
                    && l.name().equals(q.site().layer()));
            double[] shift = meanShift(prepared, only.simulation(), l.linear().output(), calib, batchSize, session,
                    cancel);
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
            biases.add(WeightReplacement.floats(l.linear().name(), 2, b.dims(), nb));
            progress.onProgress(++done, layers.size(), "Bias correction: " + l.name());
        }
        return new Result(QuantizedGraphWriter.simulation(prepared, biases, List.of()), corrections);
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
             BatchPrefetcher batches = new BatchPrefetcher(data, data.size(), batchSize)) {
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
