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
        int m = settings.layerSamplesFor(n, data.sampleLength());
        SensitivityCache cache = SensitivityCache.plan(qm, data, m, outputs, settings, session, cancel);
        boolean subset = m < n && settings.sensitivity();
        int layerRuns = (settings.sensitivity() ? 2 * layers.size() : layers.size()) + cache.fillRuns()
                + (subset ? 1 : 0);
        Runs runs = new Runs(progress, 4 + layerRuns, 4L * n + (long) layerRuns * m);

        ComparisonResult sanityRun = compare(fixed ? fp32 : qm.original(), QuantizationSimulator.withOnly(qm,
                q -> false), List.of(), scales, data, n, settings, session, runs, "FP32 sanity check",
                cancel);
        SanityCheck sanity = sanity(sanityRun, fixed);
        ComparisonResult full = compare(fp32, qm, tensors, scales, data, n, settings, session, runs,
                "Full quantization", cancel);
        // the float gain compares with the full quantization on the samples the per-layer runs use
        double fullLayerAccuracy = subset ? compare(fp32, qm, List.of(), scales, data, m, settings, session, runs,
                "Full quantization, first " + m + " samples", cancel).accuracy() : full.accuracy();
        ComparisonResult weightsOnly = compare(fp32, QuantizationSimulator.withOnly(qm, q -> q.site().isWeight()),
                List.of(), scales, data, n, settings, session, runs, "Weights only", cancel);
        ComparisonResult actsOnly = compare(fp32, QuantizationSimulator.withOnly(qm, q -> !q.site().isWeight()),
                List.of(), scales, data, n, settings, session, runs, "Activations only", cancel);

        Evidence evidence = Evidence.of(settings, full, weightsOnly, actsOnly);
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
                cache.fill(plan, step -> runs.next(n, step), cancel);
                iso = cache.onlyThisLayer(plan, scales, runs.next(m, only), cancel);
                if (settings.sensitivity()) {
                    ComparisonResult floatLayer = cache.allButThisLayer(plan,
                            runs.next(m, allBut), cancel);
                    gain = (floatLayer.accuracy() - fullLayerAccuracy) * 100;
                }
            } else {
                iso = compare(fp32, QuantizationSimulator.withOnly(qm, own), List.of(t), scales, data, m, settings,
                        session, runs, only, cancel);
                if (settings.sensitivity()) {
                    ComparisonResult floatLayer = compare(fp32, QuantizationSimulator.withOnly(qm, own.negate()),
                            List.of(), scales, data, m, settings, session, runs, allBut, cancel);
                    gain = (floatLayer.accuracy() - fullLayerAccuracy) * 100;
                }
            }
            QuantizerState weight = qm.quantizersOfLayer(l.name()).stream()
                    .filter(q -> q.site().isWeight() && q.enabled()).findFirst().orElse(null);
            WeightStats ws = weight == null ? null : WeightStatistics.of(fp32, weight);
            ErrorMetrics isolated = iso.tensors().get(t);
            double drop = settings.sensitivity() ? iso.dropPoints() : Double.NaN;
            double kl = settings.sensitivity() ? iso.meanLogitKl() : Double.NaN;
            Flag flag = flag(settings, evidence, isolated, drop, gain, ws, weight,
                    outputQuantizer(qm, t).orElse(null));
            result.add(new LayerDiagnosis(l.name(), l.kind().label(), t,
                    outputQuantizer(qm, t).map(q -> q.site().name()).orElse(null), ws, full.tensors().get(t),
                    isolated, drop, kl, gain, flag.flag(), flag.remedies(), flag.reason()));
        }
        Map<String, String> st = new LinkedHashMap<>(qm.settings().describe());
        st.put("samples", String.valueOf(n));
        st.put("layerSamples", String.valueOf(m));
        st.put("calibrationData", qm.calibrationData());
        st.put("calibrationSize", String.valueOf(qm.calibration().size()));
        st.put("calibrationSeed", String.valueOf(qm.calibration().seed()));
        st.put("rmseOverScaleThreshold", String.valueOf(settings.rmseOverScaleThreshold()));
        st.put("sensitivityThreshold", String.valueOf(settings.sensitivityThreshold()));
        st.put("targetDrop", String.valueOf(settings.targetDrop()));
        st.put("activationCacheBytes", String.valueOf(settings.activationCacheBytes()));
        long fromCut = cache.plans().stream().filter(SensitivityCache.LayerPlan::cached).count();
        st.put("layersRunFromCachedActivations", fromCut + " of " + layers.size());
        Provenance p = Provenance.of(qm.original().path().toString(), qm.original().sha256(), data.description(), st);
        return new DiagnosisResult(full, sanity, weightsOnly, actsOnly, result, settings, qm, p, m);
    }

    /**
     * The FP32 sanity check alone (white paper §3.7, first step): the simulation with every quantizer off against the
     * FP32 model (after the fixes when {@code fixed}).
     *
     * @param qm       the calibrated model
     * @param fixed    whether {@code qm.prepared()} was changed by post-training fixes
     * @param data     samples
     * @param samples  how many (the first ones)
     * @param batch    samples per run
     * @param session  ONNX Runtime settings
     * @param progress progress
     * @param cancel   cancellation
     * @return the check
     */
    public static SanityCheck sanityCheck(QuantizedModel qm, boolean fixed, Dataset data, int samples, int batch,
                                          SessionSettings session, ProgressListener progress,
                                          CancellationToken cancel) {
        ComparisonResult r = ModelComparison.compare(fixed ? qm.prepared() : qm.original(),
                QuantizationSimulator.withOnly(qm, q -> false).simulation(), List.of(), Map.of(), data, samples,
                batch, session, progress, cancel);
        return sanity(r, fixed);
    }

    private static SanityCheck sanity(ComparisonResult r, boolean fixed) {
        return new SanityCheck(r.maxAbsLogitDiff(), r.predictionAgreement(), r.predictionAgreement() == 1.0
                && r.maxAbsLogitDiff() <= SanityCheck.allowed(r.maxAbsLogit()),
                fixed ? SanityCheck.AFTER_FIXES : SanityCheck.AS_LOADED);
    }

    private static ComparisonResult compare(OnnxModel fp32, QuantizedModel candidate, List<String> tensors,
                                            Map<String, Double> scales, Dataset data, int n, DiagnoseSettings s,
                                            SessionSettings session, Runs runs, String step,
                                            CancellationToken cancel) {
        return ModelComparison.compare(fp32, candidate.simulation(), tensors, scales, data, n, s.batchSize(),
                session, runs.next(n, step), cancel);
    }

    /** The runs of a diagnosis in order; overall progress counts the samples of every run. */
    private static final class Runs {
        private final ProgressListener progress;
        private final int count;
        private final long totalSamples;
        private int index;
        private long before;

        Runs(ProgressListener progress, int count, long totalSamples) {
            this.progress = progress;
            this.count = count;
            this.totalSamples = totalSamples;
        }

        /** The listener of the next run, over {@code samples} samples. */
        ProgressListener next(int samples, String step) {
            int i = index++;
            long base = before;
            before += samples;
            return (done, total, message) -> progress.onProgress(Math.min(base + done, totalSamples), totalSamples,
                    step + " (" + (i + 1) + "/" + count + ")");
        }
    }

    private static java.util.Optional<QuantizerState> outputQuantizer(QuantizedModel qm, String tensor) {
        return qm.quantizers().stream().filter(q -> q.enabled() && !q.site().isWeight()
                && q.site().tensor().equals(tensor)).findFirst();
    }

    /**
     * What the whole-model comparisons say about where remedies can help.
     *
     * @param met               the model is within the target drop: nothing is flagged
     * @param weightsMatter     quantizing the weights alone costs more than half the target (or neither part alone
     *                          does, and together they exceed it)
     * @param activationsMatter the same for the activations
     * @param weightsDrop       points lost with only the weights quantized
     * @param activationsDrop   points lost with only the activations quantized
     */
    record Evidence(boolean met, boolean weightsMatter, boolean activationsMatter, double weightsDrop,
                    double activationsDrop) {

        static Evidence of(DiagnoseSettings s, ComparisonResult full, ComparisonResult weightsOnly,
                           ComparisonResult actsOnly) {
            double half = s.targetDrop() / 2;
            double w = weightsOnly.dropPoints();
            double a = actsOnly.dropPoints();
            boolean neither = w <= half && a <= half;
            return new Evidence(full.dropPoints() <= s.targetDrop(), w > half || neither, a > half || neither, w, a);
        }
    }

    /**
     * Whether a per-tensor grid wastes enough of the narrowest channel's bits to make per-channel weights the first
     * remedy: on the grid of the widest channel, a channel {@code ratio} times narrower uses {@code log2(ratio)} bits
     * fewer; per-channel comes first where that is at least 40 % of the bits (a ratio of 9.2 at 8 bits, 3.0 at 4 bits).
     */
    static boolean unevenChannels(double ratio, int bits) {
        return Double.isFinite(ratio) && ratio > 1 && Math.log(ratio) / Math.log(2) >= 0.4 * bits;
    }

    /** A layer's flag and the remedies to try, first one first, with the reason for the first. */
    record Flag(String flag, List<Remedy> remedies, String reason) {
        static final Flag NONE = new Flag("", List.of(), "");
    }

    /**
     * The flag and the fixes to try (white paper Fig. 9 order: per-channel, range setting, bits, float), only where
     * the measured evidence points at the part a fix changes: nothing is flagged when the model meets the target;
     * weight remedies only where the weights alone cost more than half the target, activation remedies likewise;
     * per-channel first for per-tensor weights below 8 bits, or at 8 bits with uneven channels
     * ({@link #unevenChannels}); float fallback only where keeping the layer in float was measured to gain accuracy.
     */
    static Flag flag(DiagnoseSettings s, Evidence e, ErrorMetrics isolated, double drop, double gain, WeightStats ws,
                     QuantizerState weight, QuantizerState output) {
        if (e.met()) {
            return Flag.NONE;
        }
        boolean highError = isolated != null && (!Double.isNaN(isolated.rmseOverScale())
                ? isolated.rmseOverScale() > s.rmseOverScaleThreshold()
                : isolated.sqnrDb() < s.sqnrThresholdDb());
        boolean sensitive = !Double.isNaN(drop) && drop >= s.sensitivityThreshold();
        if (!highError && !sensitive) {
            return Flag.NONE;
        }
        String flag = highError && sensitive ? "high error, sensitive" : highError ? "high error" : "sensitive";
        String weights = String.format(Locale.ROOT, "weights alone cost %.2f points", e.weightsDrop());
        String acts = String.format(Locale.ROOT, "activations alone cost %.2f points", e.activationsDrop());
        List<Remedy> remedies = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        if (e.weightsMatter() && weight != null && weight.spec().granularity() == Granularity.PER_TENSOR
                && (weight.spec().bits() < 8 || ws != null && unevenChannels(ws.rangeRatio(), weight.spec().bits()))) {
            remedies.add(new Remedy.PerChannelWeights(weight.site().name()));
            reasons.add((ws != null && Double.isFinite(ws.rangeRatio()) ? String.format(Locale.ROOT,
                    "channel ranges differ %.1fx; ", ws.rangeRatio()) : "") + weights);
        }
        boolean clips = output != null && output.chosen().width() < output.observed().width() * 0.999f;
        if (e.activationsMatter() && output != null && !"mse".equals(output.rangeMethod())
                && (clips || "minmax".equals(output.rangeMethod()))) {
            remedies.add(new Remedy.QuantizerRange(output.site().name(), "mse"));
            reasons.add((clips ? "this range clips" : "min-max range") + "; " + acts);
        }
        if (e.weightsMatter() && weight != null && weight.spec().bits() < 8) {
            remedies.add(new Remedy.QuantizerBits(weight.site().name(), 8));
            reasons.add(weights);
        }
        if (e.activationsMatter() && output != null && output.spec().bits() < 8) {
            remedies.add(new Remedy.QuantizerBits(output.site().name(), 8));
            reasons.add(acts);
        }
        if (gain > 0) {
            List<String> own = new ArrayList<>();
            if (weight != null) {
                own.add(weight.site().name());
            }
            if (output != null) {
                own.add(output.site().name());
            }
            if (!own.isEmpty()) {
                remedies.add(new Remedy.FloatFallback(own));
                reasons.add(String.format(Locale.ROOT, "measured: %+.2f points with this layer in float", gain));
            }
        }
        return new Flag(flag, remedies, reasons.isEmpty() ? "" : reasons.get(0));
    }
}
