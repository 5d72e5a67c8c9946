package org.quantscope.core.analysis;

import org.quantscope.core.Provenance;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The first half of the quantization debugging flowchart (white paper §3.7, Fig. 9) on a calibrated model:
 * <ol>
 *   <li>FP32 sanity: every quantizer disabled reproduces the model as loaded ({@link SanityCheck});</li>
 *   <li>weights versus activations: accuracy with only one kind quantized;</li>
 *   <li>per layer: weight statistics, error at the layer output with every quantizer on (propagated) and with only
 *       the layer's own quantizers on, FP32 input (isolated), the accuracy drop with only this layer quantized
 *       (sensitivity) and the gain with only this layer left in float; layers over the thresholds of
 *       {@link DiagnoseSettings} are flagged with a suggested fix.</li>
 * </ol>
 * Quantizers keep their calibrated encodings in every variant ({@link QuantizationSimulator#withOnly}), so the
 * variants differ only in which quantizers are applied. Every run streams the first {@code samples} samples in
 * batches. The two per-layer variants start at the layer, from FP32 and fully quantized activations cached at the
 * cut before it ({@link SensitivityCache}); the results are those of runs from the model input (same graph before
 * the cut), and {@link DiagnoseSettings#activationCacheBytes} 0 runs them from the model input.
 */
public final class LayerDiagnostics {

    private LayerDiagnostics() {
    }

    /**
     * Runs the diagnosis.
     *
     * @param qm       the calibrated model
     * @param data     labelled samples (normally the test data)
     * @param settings samples, thresholds, sensitivity on/off
     * @param session  ONNX Runtime settings
     * @param progress overall progress (runs x samples)
     * @param cancel   cancellation
     * @return the diagnosis
     */
    public static DiagnosisResult diagnose(QuantizedModel qm, Dataset data, DiagnoseSettings settings,
                                           SessionSettings session, ProgressListener progress,
                                           CancellationToken cancel) {
        return diagnose(qm, false, data, settings, session, progress, cancel);
    }

    /**
     * Runs the diagnosis of a model that post-training fixes may have changed. Fixes such as cross-layer equalization
     * with ReLU6 replaced by ReLU, or AdaRound (weights moved onto their grid), change the FP32 function on purpose, and
     * report that effect themselves; the sanity check then compares the simulation with every quantizer off against
     * the prepared FP32 graph after the fixes, which checks the simulation's rewriting.
     *
     * @param qm       the calibrated model
     * @param fixed    whether {@code qm.prepared()} was changed by post-training fixes
     * @param data     labelled samples (normally the test data)
     * @param settings samples, thresholds, sensitivity on/off
     * @param session  ONNX Runtime settings
     * @param progress overall progress (runs x samples)
     * @param cancel   cancellation
     * @return the diagnosis
     */
    public static DiagnosisResult diagnose(QuantizedModel qm, boolean fixed, Dataset data, DiagnoseSettings settings,
                                           SessionSettings session, ProgressListener progress,
                                           CancellationToken cancel) {
        OnnxModel fp32 = qm.prepared();
        List<Layer> layers = fp32.layers();
        int n = Math.min(settings.samples(), data.size());
        Map<String, String> outputs = new LinkedHashMap<>();
        Map<String, Double> scales = new LinkedHashMap<>();
        for (Layer l : layers) {
            String t = fp32.resolveIdentity(l.output());
            outputs.put(l.name(), t);
            outputQuantizer(qm, t).ifPresent(q -> scales.put(t, (double) q.encoding().scale(0)));
        }
        List<String> tensors = new ArrayList<>(new java.util.LinkedHashSet<>(outputs.values()));
        SensitivityCache cache = SensitivityCache.plan(qm, data, n, outputs, settings, session, cancel);
        int runs = 4 + (settings.sensitivity() ? 2 * layers.size() : layers.size()) + cache.fillRuns();
        int[] run = {0};

        ComparisonResult sanityRun = compare(fixed ? fp32 : qm.original(), QuantizationSimulator.withOnly(qm,
                q -> false), List.of(), scales, data, n, settings, session, progress, run, runs, "FP32 sanity check",
                cancel);
        SanityCheck sanity = new SanityCheck(sanityRun.maxAbsLogitDiff(), sanityRun.predictionAgreement(),
                sanityRun.predictionAgreement() == 1.0
                        && sanityRun.maxAbsLogitDiff() <= SanityCheck.allowed(sanityRun.maxAbsLogit()),
                fixed ? SanityCheck.AFTER_FIXES : SanityCheck.AS_LOADED);
        ComparisonResult full = compare(fp32, qm, tensors, scales, data, n, settings, session, progress, run, runs,
                "Full quantization", cancel);
        ComparisonResult weightsOnly = compare(fp32, QuantizationSimulator.withOnly(qm, q -> q.site().isWeight()),
                List.of(), scales, data, n, settings, session, progress, run, runs, "Weights only", cancel);
        ComparisonResult actsOnly = compare(fp32, QuantizationSimulator.withOnly(qm, q -> !q.site().isWeight()),
                List.of(), scales, data, n, settings, session, progress, run, runs, "Activations only", cancel);

        List<LayerDiagnosis> result = new ArrayList<>();
        for (SensitivityCache.LayerPlan plan : cache.plans()) {
            Layer l = plan.layer;
            String t = plan.output;
            Predicate<QuantizerState> own = plan.own;
            String only = "Layer " + l.name() + ": only this layer";
            String allBut = "Layer " + l.name() + ": all but this layer";
            ComparisonResult iso;
            double gain = Double.NaN;
            if (plan.cached()) {
                cache.fill(plan, step -> runProgress(progress, run, runs, n, step), cancel);
                iso = cache.onlyThisLayer(plan, scales, runProgress(progress, run, runs, n, only), cancel);
                if (settings.sensitivity()) {
                    ComparisonResult floatLayer = cache.allButThisLayer(plan,
                            runProgress(progress, run, runs, n, allBut), cancel);
                    gain = (floatLayer.accuracy() - full.accuracy()) * 100;
                }
            } else {
                iso = compare(fp32, QuantizationSimulator.withOnly(qm, own), List.of(t), scales, data, n, settings,
                        session, progress, run, runs, only, cancel);
                if (settings.sensitivity()) {
                    ComparisonResult floatLayer = compare(fp32, QuantizationSimulator.withOnly(qm, own.negate()),
                            List.of(), scales, data, n, settings, session, progress, run, runs, allBut, cancel);
                    gain = (floatLayer.accuracy() - full.accuracy()) * 100;
                }
            }
            QuantizerState weight = qm.quantizersOfLayer(l.name()).stream()
                    .filter(q -> q.site().isWeight() && q.enabled()).findFirst().orElse(null);
            WeightStats ws = weight == null ? null : WeightStatistics.of(fp32, weight);
            ErrorMetrics isolated = iso.tensors().get(t);
            double drop = settings.sensitivity() ? iso.dropPoints() : Double.NaN;
            double kl = settings.sensitivity() ? iso.meanLogitKl() : Double.NaN;
            String[] flag = flag(settings, isolated, drop, ws, weight, outputQuantizer(qm, t).orElse(null));
            result.add(new LayerDiagnosis(l.name(), l.kind().label(), t,
                    outputQuantizer(qm, t).map(q -> q.site().name()).orElse(null), ws, full.tensors().get(t),
                    isolated, drop, kl, gain, flag[0], flag[1]));
        }
        Map<String, String> st = new LinkedHashMap<>(qm.settings().describe());
        st.put("samples", String.valueOf(n));
        st.put("calibrationData", qm.calibrationData());
        st.put("calibrationSize", String.valueOf(qm.calibration().size()));
        st.put("calibrationSeed", String.valueOf(qm.calibration().seed()));
        st.put("rmseOverScaleThreshold", String.valueOf(settings.rmseOverScaleThreshold()));
        st.put("sensitivityThreshold", String.valueOf(settings.sensitivityThreshold()));
        st.put("activationCacheBytes", String.valueOf(settings.activationCacheBytes()));
        long fromCut = cache.plans().stream().filter(SensitivityCache.LayerPlan::cached).count();
        st.put("layersRunFromCachedActivations", fromCut + " of " + layers.size());
        Provenance p = Provenance.of(qm.original().path().toString(), qm.original().sha256(), data.description(), st);
        return new DiagnosisResult(full, sanity, weightsOnly, actsOnly, result, settings, qm, p);
    }

    private static ComparisonResult compare(OnnxModel fp32, QuantizedModel candidate, List<String> tensors,
                                            Map<String, Double> scales, Dataset data, int n, DiagnoseSettings s,
                                            SessionSettings session, ProgressListener progress, int[] run, int runs,
                                            String step, CancellationToken cancel) {
        return ModelComparison.compare(fp32, candidate.simulation(), tensors, scales, data, n, s.batchSize(),
                session, runProgress(progress, run, runs, n, step), cancel);
    }

    /** The listener of the next run: overall progress is runs x samples. */
    private static ProgressListener runProgress(ProgressListener progress, int[] run, int runs, int n, String step) {
        int index = run[0]++;
        return (done, total, m) -> progress.onProgress((long) index * n + done, (long) runs * n,
                step + " (" + (index + 1) + "/" + runs + ")");
    }

    private static java.util.Optional<QuantizerState> outputQuantizer(QuantizedModel qm, String tensor) {
        return qm.quantizers().stream().filter(q -> q.enabled() && !q.site().isWeight()
                && q.site().tensor().equals(tensor)).findFirst();
    }

    /** The flag and the fix to try first (white paper Fig. 9 order: per-channel, range setting, bits, float). */
    static String[] flag(DiagnoseSettings s, ErrorMetrics isolated, double drop, WeightStats ws, QuantizerState weight,
                         QuantizerState output) {
        boolean highError = isolated != null && (!Double.isNaN(isolated.rmseOverScale())
                ? isolated.rmseOverScale() > s.rmseOverScaleThreshold()
                : isolated.sqnrDb() < s.sqnrThresholdDb());
        boolean sensitive = !Double.isNaN(drop) && drop >= s.sensitivityThreshold();
        if (!highError && !sensitive) {
            return new String[] {"", ""};
        }
        String flag = highError && sensitive ? "high error, sensitive" : highError ? "high error" : "sensitive";
        String fix;
        if (weight != null && weight.spec().granularity() == Granularity.PER_TENSOR && ws != null
                && ws.rangeRatio() > 10) {
            fix = String.format(Locale.ROOT, "per-channel weights (channel ranges differ %.0fx; quantizer %s)",
                    ws.rangeRatio(), weight.site().name());
        } else if (output != null && output.chosen().width() < output.observed().width() * 0.999f) {
            fix = "another activation range method for " + output.site().name() + " (this one clips)";
        } else if (weight != null && weight.spec().bits() < 8 || output != null && output.spec().bits() < 8) {
            fix = "higher bits for this layer";
        } else if (output != null && "minmax".equals(output.rangeMethod())) {
            fix = "another activation range method for " + output.site().name() + " (mse or percentile)";
        } else {
            fix = "keep this layer in float";
        }
        return new String[] {flag, fix};
    }
}
