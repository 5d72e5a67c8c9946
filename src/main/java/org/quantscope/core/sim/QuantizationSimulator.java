package org.quantscope.core.sim;

import org.quantscope.core.InputException;
import org.quantscope.core.Provenance;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.SubsetDataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.BatchNormFolding;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.ModelCapabilities;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.EncodingCalculator;
import org.quantscope.core.quant.FakeQuantStats;
import org.quantscope.core.quant.FakeQuantizer;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.Range;
import org.quantscope.core.quant.RangeEstimators;
import org.quantscope.core.quant.RunningMinMax;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulates quantization of a model the way a deployment computes it: BN folded (eq. 10-12), weights fake-quantized
 * offline, activations calibrated on streamed calibration batches and fake-quantized inside the ONNX graph, the whole
 * run by ONNX Runtime ({@link QuantizedGraphWriter#simulation}). {@link #prepare} builds the quantized model;
 * {@link #simulate} also evaluates FP32 and quantized accuracy on test data.
 */
public final class QuantizationSimulator {

    private QuantizationSimulator() {
    }

    /**
     * The quantizer sites the settings give for a model, without calibrating anything (fast: BN folding and
     * placement only), for listing quantizers or building overrides.
     *
     * @param original the model as loaded
     * @param settings the settings (folding and placement are read)
     * @return the sites, weights first
     */
    public static List<QuantizerSite> sites(OnnxModel original, QuantSettings settings) {
        ModelCapabilities.alreadyQuantized(original).ifPresent(p -> { // integer weights: nothing to place on
            throw new InputException(p);
        });
        OnnxModel prepared = settings.foldBatchNorm() ? BatchNormFolding.fold(original) : original;
        return QuantizerPlacement.place(prepared, original, settings.placement());
    }

    /**
     * Checks, before any data is read, that the settings can be applied to the model: its graph could be brought to
     * opset 13 (decision 0017), BN can be folded, every override names a quantizer, and every quantizer's bits and
     * per-channel axis are valid.
     *
     * @param original the model as loaded
     * @param settings the settings
     * @return the quantizer sites
     * @throws InputException naming the node, quantizer or setting at fault
     */
    public static List<QuantizerSite> plan(OnnxModel original, QuantSettings settings) {
        ModelCapabilities.requireQuantizable(original);
        List<QuantizerSite> sites = sites(original, settings);
        check(original, settings, sites);
        return sites;
    }

    private static void check(OnnxModel original, QuantSettings settings, List<QuantizerSite> sites) {
        for (String name : settings.overrides().keySet()) {
            List<QuantizerSite> ofLayer = sites.stream().filter(s -> name.equals(s.layer())).toList();
            if (sites.stream().noneMatch(s -> s.name().equals(name)) && !ofLayer.isEmpty()) {
                throw new InputException("'" + name + "' is a layer, not a quantizer; its quantizers are "
                        + String.join(", ", ofLayer.stream().map(s -> s.name() + " (" + (s.isWeight() ? "weight"
                        : "activation") + ")").toList()) + ": override one of these");
            }
            if (sites.stream().noneMatch(s -> s.name().equals(name))) {
                throw new InputException("no quantizer named '" + name + "' in " + original.path().getFileName()
                        + "; quantizers are named after weight initializers and activation tensors (see "
                        + "@{listQuantizers}).");
            }
        }
        for (QuantizerSite s : sites) {
            settings.spec(s);
        }
    }

    /**
     * Folds, places, calibrates and builds the simulation graph.
     *
     * @param original    the model as loaded
     * @param settings    quantization settings
     * @param calibPool   the pool calibration samples are drawn from
     * @param calibration size, seed and sampling of the draw
     * @param session     ONNX Runtime settings
     * @param progress    progress of the calibration
     * @param cancel      cancellation
     * @return the quantized model
     */
    public static QuantizedModel prepare(OnnxModel original, QuantSettings settings, Dataset calibPool,
                                         CalibrationSettings calibration, SessionSettings session,
                                         ProgressListener progress, CancellationToken cancel) {
        return prepare(original, null, settings, calibPool, calibration, session, progress, cancel);
    }

    /**
     * Like {@link #prepare(OnnxModel, QuantSettings, Dataset, CalibrationSettings, SessionSettings,
     * ProgressListener, CancellationToken)}, on a model already folded and transformed by post-training fixes (for
     * example {@link org.quantscope.core.transform.CrossLayerEqualization}) instead of {@code original} folded. The
     * transformed model must keep the original's node names (quantizers are still named after the original's
     * weights). BN-based activation ranges are not available then (the BN statistics no longer describe the
     * rescaled channels): {@code bn} falls back to min-max with a note.
     *
     * @param original    the model as loaded
     * @param transformed the folded, transformed model, or null to fold {@code original} per the settings
     * @param settings    quantization settings
     * @param calibPool   calibration pool
     * @param calibration calibration draw
     * @param session     ONNX Runtime settings
     * @param progress    progress of the calibration
     * @param cancel      cancellation
     * @return the quantized model
     */
    public static QuantizedModel prepare(OnnxModel original, OnnxModel transformed, QuantSettings settings,
                                         Dataset calibPool, CalibrationSettings calibration, SessionSettings session,
                                         ProgressListener progress, CancellationToken cancel) {
        return prepare(original, transformed, settings, calibPool, calibration, session, Map.of(), progress,
                cancel);
    }

    /**
     * Like {@link #prepare(OnnxModel, OnnxModel, QuantSettings, Dataset, CalibrationSettings, SessionSettings,
     * ProgressListener, CancellationToken)}, with some weight encodings given instead of computed from the weights:
     * after AdaRound the weights already lie on their grids, and a range computed again from them could be narrower
     * (a largest weight rounded down) and move the grid.
     *
     * @param original     the model as loaded
     * @param transformed  the folded, transformed model, or null
     * @param settings     quantization settings
     * @param calibPool    calibration pool
     * @param calibration  calibration draw
     * @param session      ONNX Runtime settings
     * @param frozen       weight encodings to keep, by quantizer name (the others are computed)
     * @param progress     progress of the calibration
     * @param cancel       cancellation
     * @return the quantized model
     */
    public static QuantizedModel prepare(OnnxModel original, OnnxModel transformed, QuantSettings settings,
                                         Dataset calibPool, CalibrationSettings calibration, SessionSettings session,
                                         Map<String, Encoding> frozen, ProgressListener progress,
                                         CancellationToken cancel) {
        ModelCapabilities.requireQuantizable(original); // before any calibration run
        List<String> warnings = new ArrayList<>();
        OnnxModel prepared = transformed != null ? transformed
                : settings.foldBatchNorm() ? BatchNormFolding.fold(original) : original;
        warnings.addAll(prepared.warnings());
        if (!settings.foldBatchNorm()) {
            long bns = original.layers().stream().filter(l -> l.batchNorm() != null).count();
            if (bns > 0) {
                warnings.add(bns + " BatchNormalization node(s) kept in float (BN folding is off for preset "
                        + settings.preset() + ").");
            }
        }
        List<QuantizerSite> sites = QuantizerPlacement.place(prepared, original, settings.placement());
        check(original, settings, sites);
        SubsetDataset calib = CalibrationSampler.sample(calibPool, calibration.sampling(), calibration.size(),
                calibration.seed());
        Map<String, ActivationCalibration> acts = Calibrator.calibrate(prepared, transformed == null ? original : null,
                sites, settings, calib, calibration.batchSize(), session, progress, cancel);
        List<QuantizerState> states = new ArrayList<>();
        for (QuantizerSite s : sites) {
            cancel.throwIfCancelled();
            if (!settings.enabled(s)) {
                states.add(new QuantizerState(s, false, null, settings.rangeMethod(s), null, null, null, null,
                        "disabled"));
                continue;
            }
            QuantizerSpec spec = settings.spec(s);
            if (s.isWeight()) {
                WeightTensor w = prepared.constant(s.tensor()).orElseThrow(() -> new InputException(
                        original.path() + ": weight '" + s.tensor() + "' of " + s.node() + " is not a constant"));
                int[] shape = s.intShape();
                String method = settings.rangeMethod(s);
                Encoding e = frozen.get(s.name());
                Range[] ranges;
                if (e != null && !e.spec().equals(spec)) {
                    throw new IllegalArgumentException("frozen encoding of " + s.name() + " is " + e.spec()
                            + " but the settings ask for " + spec);
                }
                if (e != null) {
                    ranges = new Range[e.channels()];
                    for (int c = 0; c < ranges.length; c++) {
                        ranges[c] = new Range(e.mins()[c], e.maxs()[c]);
                    }
                } else {
                    ranges = RangeEstimators.forWeights(method, w.floats(), shape, spec);
                    e = spec.granularity() == Granularity.PER_CHANNEL
                            ? EncodingCalculator.computePerChannel(spec, ranges)
                            : EncodingCalculator.compute(spec, ranges[0]);
                }
                FakeQuantStats st = FakeQuantizer.quantizeDequantize(w.floats(), shape, e,
                        new float[w.floats().length]);
                RunningMinMax mm = new RunningMinMax();
                mm.add(w.floats());
                states.add(new QuantizerState(s, true, spec, method, mm.range(), widest(ranges), e, st, ""));
            } else {
                ActivationCalibration c = acts.get(s.name());
                states.add(new QuantizerState(s, true, spec, c.method(), c.observed(), c.chosen(), c.encoding(), null,
                        c.note()));
                if (!c.note().isEmpty()) {
                    warnings.add("Activation '" + s.name() + "': " + c.note() + ".");
                }
            }
        }
        warnings.addAll(PlacementCheck.check(prepared, states).warnings());
        SimulationGraphBuilder.Built built = SimulationGraphBuilder.build(prepared, states, settings.biasInt32());
        warnings.addAll(built.warnings());
        return new QuantizedModel(original, prepared, built.simulation(), states, built.biases(), settings,
                calibration, calib.description(), warnings);
    }

    /**
     * The same quantized model with its activation quantizers calibrated again on other calibration samples (and
     * possibly another activation range method), every weight quantizer reused as it is: no folding, placement or
     * weight range setting is repeated. This is what repeated calibration trials need (the reliability experiment):
     * per trial only the activation ranges change.
     *
     * @param qm              a calibrated model
     * @param prepared        the graph to calibrate on, or null for {@code qm.prepared()}; another graph must have
     *                        the same nodes and weights (only biases may differ, as after empirical bias correction)
     * @param activationRange the activation range method (as in {@link QuantSettings#activationRange()})
     * @param calib           the calibration samples, already drawn
     * @param calibration     how they were drawn (recorded with the model)
     * @param bnStatistics    whether the BN parameters of {@code qm.original()} describe the prepared graph (false
     *                        after cross-layer equalization; {@code bn} then falls back to min-max)
     * @param session         ONNX Runtime settings
     * @param progress        progress of the calibration
     * @param cancel          cancellation
     * @return the recalibrated model with its simulation graph
     */
    public static QuantizedModel recalibrate(QuantizedModel qm, OnnxModel prepared, String activationRange,
                                             Dataset calib, CalibrationSettings calibration, boolean bnStatistics,
                                             SessionSettings session, ProgressListener progress,
                                             CancellationToken cancel) {
        OnnxModel graph = prepared == null ? qm.prepared() : prepared;
        QuantSettings settings = qm.settings().withRanges(qm.settings().weightRange(), activationRange);
        List<QuantizerSite> sites = qm.quantizers().stream().map(QuantizerState::site).toList();
        Map<String, ActivationCalibration> acts = Calibrator.calibrate(graph, bnStatistics ? qm.original() : null,
                sites, settings, calib, calibration.batchSize(), session, progress, cancel);
        List<QuantizerState> states = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (QuantizerState q : qm.quantizers()) {
            ActivationCalibration c = acts.get(q.site().name());
            if (q.site().isWeight() || !q.enabled() || c == null) {
                states.add(q);
                continue;
            }
            states.add(new QuantizerState(q.site(), true, q.spec(), c.method(), c.observed(), c.chosen(),
                    c.encoding(), null, c.note()));
            if (!c.note().isEmpty()) {
                warnings.add("Activation '" + q.site().name() + "': " + c.note() + ".");
            }
        }
        warnings.addAll(PlacementCheck.check(graph, states).warnings());
        SimulationGraphBuilder.Built built = SimulationGraphBuilder.build(graph, states, settings.biasInt32());
        warnings.addAll(built.warnings());
        return new QuantizedModel(qm.original(), graph, built.simulation(), states, built.biases(), settings,
                calibration, calib.description(), warnings);
    }

    /**
     * The same quantized model with only the quantizers {@code keep} accepts applied, the others left in float. No
     * calibration is repeated: every kept quantizer keeps its encoding, which is what an analysis that switches
     * quantizers on and off (weights only, one layer only, ...) needs to compare like with like.
     *
     * @param qm   the calibrated model
     * @param keep which quantizers stay enabled
     * @return the model with the others disabled and its simulation graph rebuilt
     */
    public static QuantizedModel withOnly(QuantizedModel qm, java.util.function.Predicate<QuantizerState> keep) {
        List<QuantizerState> states = new ArrayList<>();
        for (QuantizerState q : qm.quantizers()) {
            states.add(q.enabled() && !keep.test(q) ? new QuantizerState(q.site(), false, null, q.rangeMethod(),
                    null, null, null, null, "disabled for this analysis") : q);
        }
        SimulationGraphBuilder.Built built = SimulationGraphBuilder.build(qm.prepared(), states,
                qm.settings().biasInt32());
        return new QuantizedModel(qm.original(), qm.prepared(), built.simulation(), states, built.biases(),
                qm.settings(), qm.calibration(), qm.calibrationData(), qm.warnings());
    }

    /**
     * The simulation graph of a part of the prepared model (a {@link org.quantscope.core.onnx.GraphCut#suffix}) with
     * only the quantizers {@code keep} accepts applied: exactly the nodes {@link #withOnly} would give that part of
     * the graph, for runs that start at a cut from cached activations. Quantizers of tensors outside the part are
     * left out; quantizers of the part's inputs listed in {@code applied} are not inserted again, because the cached
     * values fed there were captured after their quantizer (a run of the quantized model). Every kept encoding still
     * counts for int32 bias scales, as in the whole graph.
     *
     * @param qm      the calibrated model
     * @param part    a sub-model of {@code qm.prepared()}
     * @param keep    which quantizers stay enabled
     * @param applied inputs of {@code part} fed with already quantized values
     * @return the simulation graph of the part
     */
    public static OnnxModel simulationOfPart(QuantizedModel qm, OnnxModel part,
                                             java.util.function.Predicate<QuantizerState> keep,
                                             java.util.Set<String> applied) {
        List<QuantizerState> states = new ArrayList<>();
        for (QuantizerState q : qm.quantizers()) {
            if (q.enabled() && keep.test(q)) {
                states.add(q);
            }
        }
        return SimulationGraphBuilder.build(qm.prepared(), part, states, qm.settings().biasInt32(), applied)
                .simulation();
    }

    /**
     * Prepares the quantized model and evaluates FP32 and quantized accuracy on the same test data.
     *
     * @param original  the model as loaded
     * @param test      labelled test data
     * @param calibPool calibration pool
     * @param settings  quantization settings
     * @param calibration calibration draw
     * @param eval      evaluation batch size and limit
     * @param session   ONNX Runtime settings (QDQ fusion is turned off for the simulation graph)
     * @param fp32      a FP32 result of {@code original} on {@code test} to reuse, or null to compute it
     * @param progress  progress of all steps
     * @param cancel    cancellation
     * @return FP32 and quantized accuracy with the quantized model
     */
    public static SimulationResult simulate(OnnxModel original, Dataset test, Dataset calibPool,
                                            QuantSettings settings, CalibrationSettings calibration,
                                            EvaluationSettings eval, SessionSettings session, EvaluationResult fp32,
                                            ProgressListener progress, CancellationToken cancel) {
        return simulate(original, null, test, calibPool, settings, calibration, eval, session, fp32, progress,
                cancel);
    }

    /**
     * {@link #simulate(OnnxModel, Dataset, Dataset, QuantSettings, CalibrationSettings, EvaluationSettings,
     * SessionSettings, EvaluationResult, ProgressListener, CancellationToken)} on a transformed model (see
     * {@link #prepare(OnnxModel, OnnxModel, QuantSettings, Dataset, CalibrationSettings, SessionSettings,
     * ProgressListener, CancellationToken)}); the FP32 figures are those of {@code original}.
     *
     * @param original    the model as loaded
     * @param transformed folded and transformed model, or null
     * @param test        labelled test data
     * @param calibPool   calibration pool
     * @param settings    quantization settings
     * @param calibration calibration draw
     * @param eval        evaluation batch size and limit
     * @param session     ONNX Runtime settings
     * @param fp32        FP32 result of {@code original} to reuse, or null
     * @param progress    progress
     * @param cancel      cancellation
     * @return FP32 and quantized accuracy
     */
    public static SimulationResult simulate(OnnxModel original, OnnxModel transformed, Dataset test,
                                            Dataset calibPool, QuantSettings settings,
                                            CalibrationSettings calibration, EvaluationSettings eval,
                                            SessionSettings session, EvaluationResult fp32,
                                            ProgressListener progress, CancellationToken cancel) {
        return simulate(original, transformed, test, calibPool, settings, calibration, eval, session, fp32, Map.of(),
                progress, cancel);
    }

    /**
     * {@link #simulate(OnnxModel, OnnxModel, Dataset, Dataset, QuantSettings, CalibrationSettings,
     * EvaluationSettings, SessionSettings, EvaluationResult, ProgressListener, CancellationToken)} keeping the given
     * weight encodings (see {@link #prepare(OnnxModel, OnnxModel, QuantSettings, Dataset, CalibrationSettings,
     * SessionSettings, Map, ProgressListener, CancellationToken)}).
     *
     * @param original    the model as loaded
     * @param transformed folded and transformed model, or null
     * @param test        labelled test data
     * @param calibPool   calibration pool
     * @param settings    quantization settings
     * @param calibration calibration draw
     * @param eval        evaluation batch size and limit
     * @param session     ONNX Runtime settings
     * @param fp32        FP32 result of {@code original} to reuse, or null
     * @param frozen      weight encodings to keep, by quantizer name
     * @param progress    progress
     * @param cancel      cancellation
     * @return FP32 and quantized accuracy
     */
    public static SimulationResult simulate(OnnxModel original, OnnxModel transformed, Dataset test,
                                            Dataset calibPool, QuantSettings settings,
                                            CalibrationSettings calibration, EvaluationSettings eval,
                                            SessionSettings session, EvaluationResult fp32,
                                            Map<String, Encoding> frozen, ProgressListener progress,
                                            CancellationToken cancel) {
        long start = System.nanoTime();
        EvaluationResult base = fp32;
        if (base == null) {
            try (InferenceSession s = InferenceSession.open(original, session.forEvaluation())) {
                base = Evaluator.evaluate(s, test, eval, stage(progress, "FP32: evaluating"), cancel);
            }
        }
        QuantizedModel qm = prepare(original, transformed, settings, calibPool, calibration, session, frozen,
                stage(progress, "Calibrating"), cancel);
        EvaluationResult quant = evaluate(qm, test, eval, session, stage(progress, "Quantized: evaluating"), cancel);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new SimulationResult(base, quant, qm, seconds, provenance(qm, test, eval));
    }

    /**
     * Evaluates the simulation graph of a quantized model.
     *
     * @param qm       the quantized model
     * @param test     labelled test data
     * @param eval     batch size and limit
     * @param session  ONNX Runtime settings (QDQ fusion is turned off)
     * @param progress progress
     * @param cancel   cancellation
     * @return accuracy of the quantized model
     */
    public static EvaluationResult evaluate(QuantizedModel qm, Dataset test, EvaluationSettings eval,
                                            SessionSettings session, ProgressListener progress,
                                            CancellationToken cancel) {
        int n = eval.limit() > 0 ? Math.min(eval.limit(), test.size()) : test.size();
        SessionSettings s0 = session.forSimulation()
                .withRelayout(session.relayoutQuantizers() || n >= RELAYOUT_MIN_SAMPLES).forEvaluation();
        try (InferenceSession s = InferenceSession.open(qm.simulation(), s0)) {
            return Evaluator.evaluate(s, test, eval, progress, cancel);
        }
    }

    /**
     * From this many samples on, {@link #evaluate} lets per-tensor quantizers run on ONNX Runtime's blocked
     * convolution layout ({@link SessionSettings#relayoutQuantizers}). That costs a second session creation and a
     * probe run (tens of milliseconds on the demo), which only a long evaluation wins back; the outputs are the same
     * bit for bit either way.
     */
    public static final int RELAYOUT_MIN_SAMPLES = 1024;

    /** Samples per ONNX Runtime run of the simulation graph (as of every evaluation: {@link Evaluator#RUN_SAMPLES}). */
    public static final int SIMULATION_RUN_SAMPLES = Evaluator.RUN_SAMPLES;

    /** Provenance of a simulation: model hash, test and calibration data, every setting. */
    static Provenance provenance(QuantizedModel qm, Dataset test, EvaluationSettings eval) {
        Map<String, String> st = new LinkedHashMap<>(qm.settings().describe());
        st.put("calibrationSize", String.valueOf(qm.calibration().size()));
        st.put("calibrationSeed", String.valueOf(qm.calibration().seed()));
        st.put("calibrationSampling", qm.calibration().sampling().name().toLowerCase(java.util.Locale.ROOT));
        st.put("calibrationData", qm.calibrationData());
        st.put("batchSize", String.valueOf(eval.batchSize()));
        return Provenance.of(qm.original().path().toString(), qm.original().sha256(), test.description(), st);
    }

    private static ProgressListener stage(ProgressListener p, String message) {
        return (done, total, m) -> p.onProgress(done, total, message);
    }

    private static Range widest(Range[] ranges) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (Range r : ranges) {
            lo = Math.min(lo, r.min());
            hi = Math.max(hi, r.max());
        }
        return new Range(lo, hi);
    }

    /**
     * Quantizes a bias to int32 with scale s_w[c] * s_in (float32 product), round half to even, as the ONNX Runtime
     * quantization tools do.
     */
    static BiasQuantization quantizeBias(String layer, float[] bias, Encoding weight, float inputScale) {
        int channels = bias.length;
        float[] scales = new float[weight.channels() == 1 ? 1 : channels];
        int[] q = new int[channels];
        for (int c = 0; c < channels; c++) {
            float s = weight.scale(weight.channels() == 1 ? 0 : c) * inputScale;
            if (scales.length > 1 || c == 0) {
                scales[scales.length == 1 ? 0 : c] = s;
            }
            double v = Math.rint(bias[c] / s);
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        return new BiasQuantization(layer, scales, q);
    }
}
