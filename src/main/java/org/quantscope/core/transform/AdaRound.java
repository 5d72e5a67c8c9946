package org.quantscope.core.transform;

import org.nd4j.linalg.api.buffer.DataType;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.FakeQuantizer;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdaRound (white paper §3.4, eq. 32-35): learns, layer by layer, whether each weight rounds down or up.
 *
 * <p>Layers are taken in graph order. For layer L the rows are captured from the calibration samples: the input
 * from the network whose earlier layers already carry their final quantized weights (activations in float: their
 * ranges are set after AdaRound, white paper Fig. 8, as AIMET does), the target from the FP32 network, both through
 * L's activation (eq. 35, asymmetric reconstruction). The rounding variables start where the soft weights equal the
 * FP32 weights, and Adam minimizes {@link AdaRoundObjective}: the reconstruction term alone during the warm start,
 * then with the regularizer whose beta decays from 20 to 2. The result is the hard rounding (h(V) &ge; 0.5 rounds
 * up). On L's rows, the reconstruction error of that rounding is compared with round-to-nearest; should it be
 * larger, L keeps round-to-nearest (recorded), so AdaRound never does worse than nearest rounding on any layer's
 * reconstruction loss.
 *
 * <p>The weight encodings stay those of the quantized model: the new weights lie on the same grids and are handed to
 * {@link org.quantscope.core.sim.QuantizationSimulator#prepare(OnnxModel, OnnxModel,
 * org.quantscope.core.sim.QuantSettings, Dataset, org.quantscope.core.sim.CalibrationSettings, SessionSettings,
 * Map, ProgressListener, CancellationToken)} with those encodings frozen.
 */
public final class AdaRound {

    /**
     * What happened to one layer.
     *
     * @param layer          the layer (its linear node)
     * @param quantizer      its weight quantizer
     * @param rows           rows (output positions) the layer was optimized on
     * @param nearestLoss    reconstruction error of round-to-nearest on those rows (mean over rows of the summed
     *                       squared output error)
     * @param adaroundLoss   reconstruction error of the learned rounding
     * @param kept           {@code adaround}, {@code nearest} (learned rounding was not better) or {@code skipped}
     * @param flipped        weights rounded the other way than nearest
     * @param weights        weight elements
     * @param seconds        time spent on the layer
     * @param note           why the layer was skipped, or empty
     */
    public record LayerResult(String layer, String quantizer, int rows, double nearestLoss, double adaroundLoss,
                              String kept, long flipped, long weights, double seconds, String note) {
    }

    /**
     * The rounded model.
     *
     * @param model     the prepared model with every AdaRounded weight replaced by its dequantized grid values
     * @param encodings the weight encodings to keep (by quantizer name)
     * @param layers    one entry per quantized weight, in graph order
     * @param settings  the hyper-parameters used
     * @param seconds   total time
     */
    public record Result(OnnxModel model, Map<String, Encoding> encodings, List<LayerResult> layers,
                         AdaRoundSettings settings, double seconds) {

        /** Copies. */
        public Result {
            encodings = Map.copyOf(encodings);
            layers = List.copyOf(layers);
        }
    }

    private AdaRound() {
    }

    /**
     * Runs AdaRound on every layer with an enabled weight quantizer.
     *
     * @param qm        the quantized model (its prepared graph and weight encodings are used)
     * @param calib     calibration samples (the settings' sample count is already drawn)
     * @param batchSize samples per ONNX Runtime run while capturing
     * @param settings  hyper-parameters
     * @param session   ONNX Runtime settings
     * @param progress  iterations done / total, with the layer in the message
     * @param cancel    cancellation (checked at every iteration)
     * @return the model with learned rounding
     */
    public static Result apply(QuantizedModel qm, Dataset calib, int batchSize, AdaRoundSettings settings,
                               SessionSettings session, ProgressListener progress, CancellationToken cancel) {
        long start = System.nanoTime();
        OnnxModel prepared = qm.prepared();
        List<Layer> layers = new ArrayList<>();
        Map<String, QuantizerState> weightOf = new LinkedHashMap<>();
        for (Layer l : prepared.layers()) {
            qm.quantizersOfLayer(l.name()).stream().filter(q -> q.enabled() && q.site().isWeight()).findFirst()
                    .ifPresent(q -> {
                        layers.add(l);
                        weightOf.put(l.name(), q);
                    });
        }
        List<WeightReplacement> done = new ArrayList<>();
        Map<String, Encoding> encodings = new LinkedHashMap<>();
        List<LayerResult> results = new ArrayList<>();
        long totalSteps = (long) layers.size() * settings.iterations();
        for (int li = 0; li < layers.size(); li++) {
            cancel.throwIfCancelled();
            Layer l = layers.get(li);
            QuantizerState q = weightOf.get(l.name());
            encodings.put(q.site().name(), q.encoding());
            long t0 = System.nanoTime();
            WeightTensor w = prepared.constant(l.weightName()).orElseThrow();
            String label = "AdaRound " + (li + 1) + "/" + layers.size() + ": " + l.name();
            progress.onProgress((long) li * settings.iterations(), totalSteps, label);
            AdaRoundLayer problem;
            try {
                problem = AdaRoundLayer.of(prepared, l, q.encoding());
            } catch (AdaRoundLayer.Unsupported e) {
                float[] nearest = new float[w.floats().length];
                FakeQuantizer.quantizeDequantize(w.floats(), q.site().intShape(), q.encoding(), nearest);
                done.add(WeightReplacement.floats(l.linear().name(), 1, w.dims(), nearest));
                results.add(new LayerResult(l.name(), q.site().name(), 0, Double.NaN, Double.NaN, "skipped", 0,
                        nearest.length, seconds(t0), e.getMessage() + "; round-to-nearest kept"));
                continue;
            }
            OnnxModel prefix = QuantizedGraphWriter.simulation(prepared, done, List.of());
            AdaRoundObjective obj = problem.capture(prepared, prefix, calib, batchSize, settings, li,
                    DataType.FLOAT, session, cancel);
            final int layerIndex = li;
            double[] v = optimize(obj, problem, settings, (it, total, m) -> progress.onProgress(
                    (long) layerIndex * settings.iterations() + it, totalSteps, label), cancel);
            int[] up = new int[v.length];
            int[] near = new int[v.length];
            long flipped = 0;
            for (int i = 0; i < v.length; i++) {
                up[i] = v[i] >= 0 ? 1 : 0;
                double u = problem.quotient[i];
                near[i] = (int) (Math.rint(u) - Math.floor(u));
                if (up[i] != near[i]) {
                    flipped++;
                }
            }
            double nearestLoss = obj.hardLoss(near);
            double adaLoss = obj.hardLoss(up);
            boolean better = adaLoss <= nearestLoss;
            float[] values = dequantize(problem, better ? up : near, w.floats().length);
            done.add(WeightReplacement.floats(l.linear().name(), 1, w.dims(), values));
            results.add(new LayerResult(l.name(), q.site().name(), obj.rows, nearestLoss, adaLoss,
                    better ? "adaround" : "nearest", better ? flipped : 0, v.length, seconds(t0),
                    better ? "" : "learned rounding did not lower the layer's reconstruction error"));
            progress.onProgress((long) (li + 1) * settings.iterations(), totalSteps, label);
        }
        OnnxModel rounded = QuantizedGraphWriter.simulation(prepared, done, List.of());
        return new Result(rounded, encodings, results, settings, seconds(start));
    }

    /**
     * Adam on the objective; returns the final rounding variables.
     *
     * @param obj      the layer's objective
     * @param problem  the layer (for the initialization)
     * @param settings hyper-parameters
     * @param progress iterations done
     * @param cancel   cancellation
     * @return V after the last iteration
     */
    static double[] optimize(AdaRoundObjective obj, AdaRoundLayer problem, AdaRoundSettings settings,
                             ProgressListener progress, CancellationToken cancel) {
        int n = obj.size();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u = problem.quotient[i];
            v[i] = AdaRoundObjective.inverseH(u - Math.floor(u));
        }
        double[] m = new double[n];
        double[] s = new double[n];
        double[] g = new double[n];
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        int blocks = obj.fullBlocks();
        int warm = settings.warmIterations();
        int iters = settings.iterations();
        for (int t = 0; t < iters; t++) {
            cancel.throwIfCancelled();
            double lambda = t < warm ? 0 : settings.lambda();
            obj.lossAndGradient(v, t % blocks, settings.beta(t), lambda, g);
            double c1 = 1 - Math.pow(b1, t + 1);
            double c2 = 1 - Math.pow(b2, t + 1);
            for (int i = 0; i < n; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                s[i] = b2 * s[i] + (1 - b2) * g[i] * g[i];
                v[i] -= settings.learningRate() * (m[i] / c1) / (Math.sqrt(s[i] / c2) + eps);
            }
            if ((t + 1) % 100 == 0) {
                progress.onProgress(t + 1, iters, "");
            }
        }
        return v;
    }

    /** The dequantized weights of a rounding, in the weight's own layout, as the fake quantizer computes them. */
    private static float[] dequantize(AdaRoundLayer p, int[] up, int length) {
        float[] out = new float[length];
        for (int i = 0; i < up.length; i++) {
            int q = (int) Math.floor(p.quotient[i]) + up[i] + p.zero[i];
            q = Math.max(p.qmin, Math.min(p.qmax, q));
            out[p.flatIndex[i]] = (float) (q - p.zero[i]) * (float) p.scale[i];
        }
        return out;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
