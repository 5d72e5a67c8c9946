package org.quantscope.core.transform;

import org.quantscope.core.InputException;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The standard post-training pipeline (white paper Fig. 8) with the fixes the user picked, measured against the same
 * quantization without them: BN folding -> cross-layer equalization -> bias absorption -> weight quantization ->
 * bias correction -> activation calibration -> evaluation. The command line and the window run exactly this.
 */
public final class PtqPipeline {

    /**
     * Which fixes to apply.
     *
     * @param cle            cross-layer equalization
     * @param biasAbsorption absorb high biases after equalization (needs {@code cle})
     * @param biasCorrection {@code null}, {@code empirical} or {@code analytic} (analytic cannot follow {@code cle})
     * @param adaround       AdaRound hyper-parameters, or {@code null} for round-to-nearest weights (not together
     *                       with bias correction: AdaRound already minimizes each layer's output error, mean
     *                       included)
     * @param relu6          what equalization does with ReLU6 between two layers: exact per-channel bounds (the
     *                       default) or the paper's replacement by ReLU
     */
    public record Fixes(boolean cle, boolean biasAbsorption, String biasCorrection, AdaRoundSettings adaround,
                        CrossLayerEqualization.Relu6Handling relu6) {

        /** No fix. */
        public static final Fixes NONE = new Fixes(false, false, null, null);

        /**
         * Fixes with the exact treatment of ReLU6.
         *
         * @param cle            cross-layer equalization
         * @param biasAbsorption bias absorption
         * @param biasCorrection bias correction or null
         * @param adaround       AdaRound hyper-parameters or null
         */
        public Fixes(boolean cle, boolean biasAbsorption, String biasCorrection, AdaRoundSettings adaround) {
            this(cle, biasAbsorption, biasCorrection, adaround, CrossLayerEqualization.Relu6Handling.EXACT);
        }

        /**
         * Fixes without AdaRound.
         *
         * @param cle            cross-layer equalization
         * @param biasAbsorption bias absorption
         * @param biasCorrection bias correction or null
         */
        public Fixes(boolean cle, boolean biasAbsorption, String biasCorrection) {
            this(cle, biasAbsorption, biasCorrection, null);
        }

        /** Validates the combination. */
        public Fixes {
            if (relu6 == null) {
                relu6 = CrossLayerEqualization.Relu6Handling.EXACT;
            }
            if (biasCorrection != null) {
                biasCorrection = biasCorrection.trim().toLowerCase(Locale.ROOT);
                if (!biasCorrection.equals("empirical") && !biasCorrection.equals("analytic")) {
                    throw new InputException("bias correction must be empirical (eq. 27, from calibration data) or "
                            + "analytic (eq. 28, from BN statistics), got '" + biasCorrection + "'");
                }
                if (biasCorrection.equals("analytic") && cle) {
                    throw new InputException("@{biasCorrectionAnalytic} needs the BN statistics of the model as "
                            + "folded, which cross-layer equalization rescales; use @{biasCorrectionEmpirical} with "
                            + "@{cle}");
                }
            }
            if (adaround != null && biasCorrection != null) {
                throw new InputException("@{adaround} and @{biasCorrection} do not go together: AdaRound already "
                        + "minimizes each layer's output error, its mean shift included (white paper §3.4); pick one");
            }
            if (biasAbsorption && !cle) {
                throw new InputException("@{biasAbsorption} moves biases between the layers cross-layer equalization "
                        + "pairs; give @{cle} too");
            }
        }

        /** The fixes and their parameters, for provenance ({@code fixes} is {@code none} without any). */
        public Map<String, String> describe() {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            List<String> names = new java.util.ArrayList<>();
            if (cle) {
                // the mode is always spelled: before it existed, a bare "cle" meant ReLU6 replaced by ReLU
                names.add("cle(relu6=" + relu6.id() + ")");
            }
            if (biasAbsorption) {
                names.add("biasAbsorption(exact-only)");
            }
            if (biasCorrection != null) {
                names.add("biasCorrection=" + biasCorrection);
            }
            if (adaround != null) {
                names.add("adaround");
                m.put("adaround", String.format(Locale.ROOT, "iterations=%d, samples=%d, batchRows=%d, maxRows=%d, "
                        + "lambda=%s, beta=%s->%s, warmStart=%s, learningRate=%s, seed=%d", adaround.iterations(),
                        adaround.samples(), adaround.batchRows(), adaround.maxRows(), adaround.lambda(),
                        adaround.betaStart(), adaround.betaEnd(), adaround.warmStart(), adaround.learningRate(),
                        adaround.seed()));
            }
            m.put("fixes", names.isEmpty() ? "none" : String.join(", ", names));
            return m;
        }

        /** Whether any fix is asked for. */
        public boolean any() {
            return cle || biasAbsorption || biasCorrection != null || adaround != null;
        }
    }

    /**
     * What the pipeline measured.
     *
     * @param before           the quantization without fixes (same settings and calibration draw)
     * @param after            with the fixes ({@code before} itself when none was asked for)
     * @param cle              the equalization, or null
     * @param absorbed         what bias absorption moved (empty without it)
     * @param biasCorrection   the bias correction, or null
     * @param fp32AfterCle     FP32 accuracy of the equalized model (with absorption), or null without CLE
     * @param adaround         the AdaRound record, or null
     * @param reference        the FP32 graph the fixed quantization approximates: the model as folded, or after
     *                         equalization and absorption (before bias correction and AdaRound, which change only
     *                         how it is quantized)
     * @param skipped          pairs bias absorption left alone because it would not be exact there
     * @param fp32Changes      how much each fix that rewrites the FP32 graph (equalization, absorption) changed the
     *                         FP32 function, measured on the first test samples; bias correction and AdaRound change
     *                         only how the model is quantized and have no entry
     */
    public record Outcome(SimulationResult before, SimulationResult after, CrossLayerEqualization.Result cle,
                          List<BiasAbsorption.Absorbed> absorbed, BiasCorrection.Result biasCorrection,
                          EvaluationResult fp32AfterCle, AdaRound.Result adaround, OnnxModel reference,
                          List<BiasAbsorption.Skipped> skipped, List<FunctionChange> fp32Changes) {

        /** Copies the lists. */
        public Outcome {
            absorbed = List.copyOf(absorbed);
            skipped = List.copyOf(skipped);
            fp32Changes = List.copyOf(fp32Changes);
        }

        /** How each equalized layer's calibrated output range changed, widest growth first (empty without CLE). */
        public List<ActivationRangeChange> activationRanges() {
            return cle == null ? List.of() : ActivationRangeChange.of(cle, before.model(), after.model());
        }
    }

    private PtqPipeline() {
    }

    /**
     * Runs the pipeline.
     *
     * @param model       the model as loaded
     * @param test        labelled test data
     * @param pool        calibration pool
     * @param settings    quantization settings
     * @param calibration calibration draw
     * @param eval        evaluation batch size and limit
     * @param session     ONNX Runtime settings
     * @param fixes       which fixes
     * @param fp32        FP32 result of {@code model} on {@code test} to reuse, or null
     * @param progress    progress of every step
     * @param cancel      cancellation
     * @return before and after
     */
    public static Outcome run(OnnxModel model, Dataset test, Dataset pool, QuantSettings settings,
                              CalibrationSettings calibration, EvaluationSettings eval, SessionSettings session,
                              Fixes fixes, EvaluationResult fp32, ProgressListener progress, CancellationToken cancel) {
        check(settings, fixes, pool);
        SimulationResult before = QuantizationSimulator.simulate(model, test, pool, settings, calibration, eval,
                session, fp32, progress, cancel);
        if (!fixes.any()) {
            before = new SimulationResult(before.fp32(), before.quantized(), before.model(), before.seconds(),
                    before.provenance().withSettings(fixes.describe()));
            return new Outcome(before, before, null, List.of(), null, null, null, before.model().prepared(), List.of(),
                    List.of());
        }
        Transformed t = transform(model, pool, settings, calibration, session, fixes, before.model(), progress,
                cancel);
        CrossLayerEqualization.Result cle = t.cle();
        EvaluationResult fp32AfterCle = null;
        List<FunctionChange> changes = new java.util.ArrayList<>();
        if (cle != null) {
            try (InferenceSession s = InferenceSession.open(t.reference(), session.forEvaluation())) { // with absorption
                fp32AfterCle = Evaluator.evaluate(s, test, eval, progress, cancel);
            }
            int n = eval.limit() > 0 ? Math.min(eval.limit(), FunctionChange.SAMPLES) : FunctionChange.SAMPLES;
            changes.add(FunctionChange.measure("cle", cle.folded(), cle.model(), test, n, eval.batchSize(), session,
                    progress, cancel));
            if (fixes.biasAbsorption()) {
                changes.add(FunctionChange.measure("biasAbsorption", cle.model(), t.reference(), test, n,
                        eval.batchSize(), session, progress, cancel));
            }
        }
        SimulationResult after = QuantizationSimulator.simulate(model, t.model(), test, pool, settings, calibration,
                eval, session, before.fp32(), t.frozen(), progress, cancel);
        after = new SimulationResult(after.fp32(), after.quantized(), after.model(), after.seconds(),
                after.provenance().withSettings(fixes.describe()));
        return new Outcome(before, after, cle, t.absorbed(), t.biasCorrection(), fp32AfterCle, t.adaround(),
                t.reference(), t.skipped(), changes);
    }

    /**
     * The quantized model with the fixes applied, without evaluating anything (for analyses such as the layer
     * diagnosis).
     *
     * @param model       the model as loaded
     * @param pool        calibration pool
     * @param settings    quantization settings
     * @param calibration calibration draw
     * @param session     ONNX Runtime settings
     * @param fixes       which fixes
     * @param progress    progress
     * @param cancel      cancellation
     * @return the calibrated model after the fixes
     */
    public static QuantizedModel prepare(OnnxModel model, Dataset pool, QuantSettings settings,
                                         CalibrationSettings calibration, SessionSettings session, Fixes fixes,
                                         ProgressListener progress, CancellationToken cancel) {
        check(settings, fixes, pool);
        QuantizedModel plain = QuantizationSimulator.prepare(model, settings, pool, calibration, session, progress,
                cancel);
        if (!fixes.any()) {
            return plain;
        }
        Transformed t = transform(model, pool, settings, calibration, session, fixes, plain, progress, cancel);
        return QuantizationSimulator.prepare(model, t.model(), settings, pool, calibration, session, t.frozen(),
                progress, cancel);
    }

    /** The transformed model and the records of each step. */
    private record Transformed(OnnxModel model, CrossLayerEqualization.Result cle,
                               List<BiasAbsorption.Absorbed> absorbed, List<BiasAbsorption.Skipped> skipped,
                               BiasCorrection.Result biasCorrection, AdaRound.Result adaround, OnnxModel reference) {

        /** Weight encodings the final calibration must keep (AdaRound's grids). */
        Map<String, Encoding> frozen() {
            return adaround == null ? Map.of() : adaround.encodings();
        }
    }

    private static void check(QuantSettings settings, Fixes fixes, Dataset pool) {
        if (fixes.adaround() != null && fixes.adaround().samples() > pool.size()) {
            throw new InputException("AdaRound asks for " + fixes.adaround().samples() + " calibration samples but "
                    + "the calibration pool " + pool.description() + " has " + pool.size()
                    + "; lower the AdaRound sample count");
        }
        checkCombination(settings, fixes);
    }

    /**
     * The rules between the quantizer scheme and the fixes (those among the fixes themselves are checked by
     * {@link Fixes}); cheap, so front ends call it before any data is read.
     *
     * @param settings the scheme
     * @param fixes    the fixes
     * @throws InputException naming the settings that clash
     */
    public static void checkCombination(QuantSettings settings, Fixes fixes) {
        if (fixes.cle() && !settings.foldBatchNorm()) {
            throw new InputException("@{cle} needs BatchNormalization folded first (white paper Fig. 8); "
                    + "@{bnFoldOn}, or use a preset that folds BN (academic does not)");
        }
    }

    /** Equalization, absorption and bias correction; {@code plain} is the model quantized without fixes. */
    private static Transformed transform(OnnxModel model, Dataset pool, QuantSettings settings,
                                         CalibrationSettings calibration, SessionSettings session, Fixes fixes,
                                         QuantizedModel plain, ProgressListener progress, CancellationToken cancel) {
        CrossLayerEqualization.Result cle = null;
        List<BiasAbsorption.Absorbed> absorbed = List.of();
        List<BiasAbsorption.Skipped> skipped = List.of();
        OnnxModel transformed = null;
        // plain was prepared from the loaded model: its prepared graph is the model folded (or not) as the settings
        // say, so no fix folds BatchNorm again (one more copy of every weight at ImageNet size)
        OnnxModel folded = plain.prepared();
        if (fixes.cle()) {
            cle = CrossLayerEqualization.equalize(folded, fixes.relu6());
            transformed = cle.model();
            if (fixes.biasAbsorption()) {
                Dataset calib = CalibrationSampler.sample(pool, calibration.sampling(), calibration.size(),
                        calibration.seed());
                Map<String, double[]> seen = ChannelMinimum.measure(cle.model(),
                        BiasAbsorption.preActivationTensors(cle), calib, calibration.batchSize(), session, progress,
                        cancel);
                BiasAbsorption.Result a = BiasAbsorption.absorb(cle, model, seen);
                absorbed = a.absorbed();
                skipped = a.skipped();
                transformed = a.model();
            }
        }
        OnnxModel reference = transformed != null ? transformed : plain.prepared();
        BiasCorrection.Result bc = null;
        if ("analytic".equals(fixes.biasCorrection())) {
            bc = BiasCorrection.analytic(plain);
            transformed = bc.model();
        } else if ("empirical".equals(fixes.biasCorrection())) {
            OnnxModel base = transformed != null ? transformed : folded;
            QuantizedModel q0 = QuantizationSimulator.prepare(model, base, settings, pool, calibration, session,
                    progress, cancel);
            Dataset calib = CalibrationSampler.sample(pool, calibration.sampling(), calibration.size(),
                    calibration.seed());
            bc = BiasCorrection.empirical(q0, calib, calibration.batchSize(), session, progress, cancel);
            transformed = bc.model();
        }
        AdaRound.Result ada = null;
        if (fixes.adaround() != null) {
            OnnxModel base = transformed != null ? transformed : folded;
            QuantizedModel q0 = transformed == null ? plain : QuantizationSimulator.prepare(model, base, settings,
                    pool, calibration, session, progress, cancel);
            AdaRoundSettings as = fixes.adaround();
            Dataset samples = CalibrationSampler.sample(pool, calibration.sampling(), as.samples(), as.seed());
            ada = AdaRound.apply(q0, samples, calibration.batchSize(), as, session, progress, cancel);
            transformed = ada.model();
        }
        return new Transformed(transformed, cle, absorbed, skipped, bc, ada, reference);
    }
}
