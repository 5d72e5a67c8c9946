package org.quantscope.core.investigate;

import org.quantscope.core.InputException;
import org.quantscope.core.analysis.ComparisonResult;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.LayerDiagnosis;
import org.quantscope.core.analysis.LayerDiagnostics;
import org.quantscope.core.analysis.ModelComparison;
import org.quantscope.core.analysis.Remedy;
import org.quantscope.core.analysis.SanityCheck;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.reliability.BoxSummary;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.Configuration;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.BitCost;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionCandidates;
import org.quantscope.core.transform.MixedPrecisionPoint;
import org.quantscope.core.transform.MixedPrecisionTarget;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.core.workflow.MixedPrecisionWorkflow;
import org.quantscope.core.workflow.ReliabilityWorkflow;
import org.quantscope.core.workflow.SimulationWorkflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Takes the steps of an investigation, one at a time, each with the recommended action: it measures, decides by
 * {@link Rules}, and returns the {@link Step}. Every measurement is one of the existing workflows (simulation,
 * diagnosis, mixed-precision search, reliability trials); nothing here quantizes on its own. Simulations are cached
 * by configuration, so going back and forking re-measures nothing already measured.
 *
 * <p>Not thread-safe: one investigation runs its steps one after the other (the window runs each as a job).
 */
public final class Investigator {

    /**
     * What the steps run on.
     *
     * @param model        the model as loaded
     * @param test         labelled test data
     * @param pool         calibration pool
     * @param labelledPool the pool with labels (the mixed-precision search measures there), or null
     * @param eval         evaluation batch size and limit
     * @param session      ONNX Runtime settings
     * @param provenance   more provenance entries for results (data options, thread counts)
     */
    public record Context(OnnxModel model, Dataset test, Dataset pool, Dataset labelledPool, EvaluationSettings eval,
                          SessionSettings session, Map<String, String> provenance) {
    }

    /** Simulations kept in memory (the current configuration and the latest candidate; at ImageNet size each holds
     * its graphs). */
    private static final int RUNS_KEPT = 2;
    /** Reliability activation cache. */
    private static final long RELIABILITY_CACHE_BYTES = 256L << 20;

    private final Context ctx;
    private EvaluationResult fp32;
    private final Map<QuantConfig, Measurement> measured = new HashMap<>();
    private final LinkedHashMap<QuantConfig, SimulationWorkflow.Run> runs = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<QuantConfig, SimulationWorkflow.Run> e) {
            return size() > RUNS_KEPT;
        }
    };
    private Consumer<ReliabilityResult> trialListener = r -> { };

    /**
     * An investigator over a model and its data.
     *
     * @param ctx what the steps run on
     */
    public Investigator(Context ctx) {
        this.ctx = ctx;
    }

    /** Receives the reliability result after every trial (for live box plots). */
    public void onTrials(Consumer<ReliabilityResult> listener) {
        this.trialListener = listener == null ? r -> { } : listener;
    }

    /**
     * Takes every remaining step with its recommended action.
     *
     * @param inv      the investigation so far
     * @param each     receives every step taken
     * @param progress progress (the message names the step)
     * @param cancel   cancellation: the steps taken so far are kept by {@code each}
     * @return the finished investigation
     */
    public Investigation run(Investigation inv, Consumer<Step> each, ProgressListener progress,
                             CancellationToken cancel) {
        while (!inv.finished()) {
            Step s = next(inv, progress, cancel);
            inv = inv.with(s);
            each.accept(s);
        }
        return inv;
    }

    /**
     * Takes the next step with its recommended action.
     *
     * @param inv      the investigation so far
     * @param progress progress
     * @param cancel   cancellation
     * @return the step
     * @throws IllegalStateException when the verdict is already in
     */
    public Step next(Investigation inv, ProgressListener progress, CancellationToken cancel) {
        StepId id = inv.next();
        if (id == null) {
            throw new IllegalStateException("the investigation is finished");
        }
        ProgressListener p = (done, total, m) -> progress.onProgress(done, total, id.title() + ": " + m);
        return switch (id) {
            case SANITY -> sanity(inv, p, cancel);
            case BASELINE -> baseline(inv, p, cancel);
            case SPLIT -> split(inv, p, cancel);
            case PER_CHANNEL, CLE, BIAS_CORRECTION, ADAROUND, ACTIVATION_RANGE -> fix(inv, id, p, cancel);
            case LAYER_REMEDIES -> layerRemedies(inv, p, cancel);
            case MIXED_PRECISION -> mixedPrecision(inv, p, cancel);
            case RELIABILITY -> reliability(inv, p, cancel);
            case VERDICT -> verdict(inv, p, cancel);
        };
    }

    // ---- measurements -------------------------------------------------------------------------------------------

    /** Simulates a configuration (cached). */
    SimulationWorkflow.Run simulate(QuantConfig c, ProgressListener progress, CancellationToken cancel) {
        SimulationWorkflow.Run r = runs.get(c);
        if (r == null) {
            r = SimulationWorkflow.run(ctx.model(), ctx.test(), ctx.pool(), c, ctx.eval(), ctx.session(), fp32,
                    ctx.provenance(), progress, cancel);
            fp32 = r.result().fp32();
            runs.put(c, r);
            measured.put(c, Measurement.of(r.result(), ctx.test().classNames()));
        }
        return r;
    }

    /** The accuracy of a configuration (cached). */
    Measurement measure(QuantConfig c, ProgressListener progress, CancellationToken cancel) {
        Measurement m = measured.get(c);
        return m != null ? m : Measurement.of(simulate(c, progress, cancel).result(), ctx.test().classNames());
    }

    private int testSamples() {
        int n = ctx.test().size();
        return ctx.eval().limit() > 0 ? Math.min(n, ctx.eval().limit()) : n;
    }

    private double minGain(Investigation inv) {
        return Rules.minGain(inv.setup().targets(), testSamples());
    }

    // ---- steps --------------------------------------------------------------------------------------------------

    private Step sanity(Investigation inv, ProgressListener p, CancellationToken cancel) {
        QuantConfig c = inv.configuration();
        QuantizedModel qm = simulate(c, p, cancel).result().model();
        int n = Math.min(inv.setup().settings().sanitySamples(), testSamples());
        SanityCheck s = LayerDiagnostics.sanityCheck(qm, c.fixes().any(), ctx.test(), n, ctx.eval().batchSize(),
                ctx.session(), p, cancel);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("maxAbsLogitDiff", s.maxAbsLogitDiff());
        ev.put("predictionAgreement", s.predictionAgreement());
        ev.put("reference", s.reference());
        ev.put("samples", n);
        String finding = String.format(Locale.ROOT, "With every quantizer off, the simulation agrees with %s on %.2f "
                + "%% of %d samples; largest logit difference %.3g.", s.reference(), 100 * s.predictionAgreement(), n,
                s.maxAbsLogitDiff());
        return new Step(StepId.SANITY, s.passed() ? StepStatus.PASSED : StepStatus.FAILED, finding,
                s.passed() ? "Go on." : "Check the model and the simulation before trusting any quantized number.",
                s.passed() ? "the quantization simulation reproduces FP32 when every quantizer is off"
                        : "the simulation with quantizers off does not reproduce FP32: a quantized number would "
                        + "mix pipeline errors with quantization errors", List.of(), List.of(), null, c, ev, s);
    }

    private Step baseline(Investigation inv, ProgressListener p, CancellationToken cancel) {
        QuantConfig c = inv.configuration();
        SimulationWorkflow.Run r = simulate(c, p, cancel);
        Measurement m = measure(c, p, cancel);
        boolean met = inv.setup().targets().met(m);
        Map<String, Object> ev = measurementEvidence(m);
        String finding = String.format(Locale.ROOT, "%s: %.2f %% against FP32 %.2f %%; drop %.2f points; worst "
                + "class %s drops %.2f.", c.label(), 100 * m.accuracy(), 100 * m.fp32Accuracy(), m.drop(),
                m.worstClassName(), m.worstClassDrop());
        return new Step(StepId.BASELINE, met ? StepStatus.PASSED : StepStatus.FAILED, finding,
                met ? "Keep these settings: no fix is needed." : "Find where the drop comes from.",
                met ? "the target is met (" + inv.setup().targets().describe() + ")"
                        : "the target is not met (" + inv.setup().targets().describe() + ")",
                List.of(), List.of(), m, c, ev, r.result());
    }

    private Step split(Investigation inv, ProgressListener p, CancellationToken cancel) {
        QuantConfig c = inv.configuration();
        if (inv.met()) {
            return skipped(inv, StepId.SPLIT, "the baseline meets the target (" + inv.setup().targets().describe()
                    + ")");
        }
        QuantizedModel qm = simulate(c, p, cancel).result().model();
        OnnxModel reference = c.fixes().any() ? qm.prepared() : qm.original();
        int n = testSamples();
        ComparisonResult w = ModelComparison.compare(reference, QuantizationSimulator.withOnly(qm,
                q -> q.site().isWeight()).simulation(), List.of(), Map.of(), ctx.test(), n, ctx.eval().batchSize(),
                ctx.session(), (d, t, m) -> p.onProgress(d, 2L * n, "weights only"), cancel);
        ComparisonResult a = ModelComparison.compare(reference, QuantizationSimulator.withOnly(qm,
                q -> !q.site().isWeight()).simulation(), List.of(), Map.of(), ctx.test(), n, ctx.eval().batchSize(),
                ctx.session(), (d, t, m) -> p.onProgress(n + d, 2L * n, "activations only"), cancel);
        Rules.Branches b = Rules.split(inv.setup().targets(), w.dropPoints(), a.dropPoints());
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("weightsOnlyAccuracy", w.accuracy());
        ev.put("weightsOnlyDrop", w.dropPoints());
        ev.put("activationsOnlyAccuracy", a.accuracy());
        ev.put("activationsOnlyDrop", a.dropPoints());
        ev.put("weightsBranch", b.weights());
        ev.put("activationsBranch", b.activations());
        String decision = b.weights() && b.activations() ? "Fix the weights, then the activations."
                : b.weights() ? "Fix the weights." : "Fix the activations.";
        String finding = String.format(Locale.ROOT, "Only the weights quantized: %.2f %% (drop %.2f); only the "
                + "activations: %.2f %% (drop %.2f).", 100 * w.accuracy(), w.dropPoints(), 100 * a.accuracy(),
                a.dropPoints());
        return new Step(StepId.SPLIT, StepStatus.PASSED, finding, decision, b.reason(), List.of(), List.of(),
                inv.latest(), c, ev, new ComparisonResult[] {w, a});
    }

    /** The split's decision, or both branches when it was skipped. */
    static Rules.Branches branches(Investigation inv) {
        return inv.step(StepId.SPLIT).filter(s -> s.status() == StepStatus.PASSED)
                .map(s -> new Rules.Branches(Boolean.TRUE.equals(s.evidence().get("weightsBranch")),
                        Boolean.TRUE.equals(s.evidence().get("activationsBranch")), s.reason()))
                .orElse(new Rules.Branches(true, true, "no split was measured"));
    }

    private List<Remedy> remedies(StepId id, Investigation inv) {
        InvestigationSettings s = inv.setup().settings();
        QuantConfig c = inv.configuration();
        return switch (id) {
            case PER_CHANNEL -> List.of(new Remedy.PerChannelWeights(null));
            case CLE -> List.of(new Remedy.Equalize(true));
            case BIAS_CORRECTION -> List.of(new Remedy.CorrectBias("empirical"));
            case ADAROUND -> List.of(new Remedy.LearnRounding(s.adaroundIterations(), s.adaroundSamples()));
            case ACTIVATION_RANGE -> s.rangeMethods().stream().filter(m -> !m.equals(c.scheme().activationRange()))
                    .map(m -> (Remedy) new Remedy.ActivationRanges(m)).toList();
            default -> throw new IllegalArgumentException(id.id());
        };
    }

    private Step fix(Investigation inv, StepId id, ProgressListener p, CancellationToken cancel) {
        Rules.Applies a = Rules.fixStep(id, inv.met(), branches(inv), inv.setup(), inv.configuration());
        if (!a.applies()) {
            return skipped(inv, id, a.reason());
        }
        QuantConfig c = inv.configuration();
        Measurement before = measure(c, p, cancel);
        List<Candidate> candidates = new ArrayList<>();
        List<String> notApplicable = new ArrayList<>();
        SimulationWorkflow.Run bestRun = null;
        for (Remedy r : remedies(id, inv)) {
            QuantConfig next;
            try {
                next = c.apply(r);
                PtqPipeline.checkCombination(next.scheme(), next.fixes());
            } catch (InputException e) {
                notApplicable.add(r.describe() + ": " + e.getMessage());
                continue;
            }
            SimulationWorkflow.Run run = simulate(next, p, cancel);
            if (id == StepId.CLE && run.outcome().cle() != null && run.outcome().cle().pairs().isEmpty()) {
                return skipped(inv, id, "the model has no pair of consecutive layers that can be equalized");
            }
            Measurement m = measure(next, p, cancel);
            candidates.add(new Candidate(r, next, m, before.drop() - m.drop()));
            if (bestRun == null || m.accuracy() > bestRun.result().quantized().accuracy()) {
                bestRun = run;
            }
        }
        if (candidates.isEmpty()) {
            return skipped(inv, id, String.join("; ", notApplicable));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("candidates", candidateEvidence(candidates));
        if (!notApplicable.isEmpty()) {
            ev.put("notApplicable", notApplicable);
        }
        int chosen = Rules.choose(candidates, minGain(inv));
        Object detail = bestRun == null ? null : bestRun.result();
        if (id == StepId.ADAROUND) {
            SimulationWorkflow.Run run = simulate(candidates.get(0).configuration(), p, cancel);
            AdaRound.Result ada = run.outcome().adaround();
            if (ada != null) {
                ev.put("reconstruction", reconstructionEvidence(ada));
                detail = ada;
            }
        }
        return decided(inv, id, candidates, chosen, before, ev, detail, a.reason());
    }

    private Step decided(Investigation inv, StepId id, List<Candidate> candidates, int chosen, Measurement before,
                         Map<String, Object> ev, Object detail, String why) {
        String tried = String.join("; ", candidates.stream().map(k -> String.format(Locale.ROOT, "%s: %.2f %% "
                + "(%+.2f points)", k.remedy().describe(), 100 * k.measurement().accuracy(), k.gain())).toList());
        String finding = "Measured " + tried + ".";
        double min = minGain(inv);
        if (chosen < 0) {
            return new Step(id, StepStatus.FAILED, finding, "Not applied: no remedy helped.", String.format(
                    Locale.ROOT, "%s; no remedy gained at least %.2f points (5 %% of the target drop, at least two "
                            + "test samples)", why, min), List.of(), candidates, before, inv.configuration(), ev,
                    detail);
        }
        Candidate k = candidates.get(chosen);
        return new Step(id, StepStatus.APPLIED, finding, "Applied " + k.remedy().describe() + ".", String.format(
                Locale.ROOT, "%s; measured %+.2f points (kept: at least %.2f)", why, k.gain(), min),
                List.of(k.remedy()), candidates, k.measurement(), k.configuration(), ev, detail);
    }

    private Step layerRemedies(Investigation inv, ProgressListener p, CancellationToken cancel) {
        Rules.Applies a = inv.met() ? Rules.Applies.no("the target is met (" + inv.setup().targets().describe()
                + "); nothing to fix") : Rules.fixStep(StepId.LAYER_REMEDIES, false, branches(inv), inv.setup(),
                inv.configuration());
        if (!a.applies()) {
            return skipped(inv, StepId.LAYER_REMEDIES, a.reason());
        }
        QuantConfig c = inv.configuration();
        Measurement before = measure(c, p, cancel);
        QuantizedModel qm = simulate(c, p, cancel).result().model();
        // the diagnosis flags nothing within its target drop: when only the worst class misses its target, every
        // layer over the thresholds counts (target 0)
        double overall = inv.setup().targets().drop();
        DiagnoseSettings ds = DiagnoseSettings.DEFAULT.withSamples(Math.min(DiagnoseSettings.DEFAULT.samples(),
                testSamples())).withTargetDrop(before.drop() <= overall ? 0 : overall);
        DiagnosisResult d = LayerDiagnostics.diagnose(qm, c.fixes().any(), ctx.test(), ds, ctx.session(), p, cancel);
        List<Remedy> proposed = new ArrayList<>();
        List<LayerDiagnosis> ranked = d.layers().stream().filter(l -> !l.flag().isEmpty())
                .sorted((x, y) -> Double.compare(score(y), score(x))).toList();
        for (LayerDiagnosis l : ranked) {
            // the first remedy the locks allow (per-channel under a granularity lock gives way to more bits)
            l.remedies().stream().filter(r -> !(r instanceof Remedy.FloatFallback) && allowed(r, inv.setup()))
                    .findFirst().filter(r -> !proposed.contains(r)).ifPresent(proposed::add);
        }
        if (!inv.setup().locked(Lock.FLOAT)) {
            for (LayerDiagnosis l : ranked) {
                if (l.floatGain() > 0) {
                    List<String> own = qm.quantizersOfLayer(l.name()).stream().filter(QuantizerState::enabled)
                            .map(q -> q.site().name()).toList();
                    Remedy f = own.isEmpty() ? null : new Remedy.FloatFallback(own);
                    if (f != null && !proposed.contains(f)) {
                        proposed.add(f);
                    }
                }
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("flaggedLayers", ranked.stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.name());
            m.put("flag", l.flag());
            m.put("isolatedRmseOverScale", l.isolated() == null ? null : finite(l.isolated().rmseOverScale()));
            m.put("sensitivityDrop", finite(l.sensitivityDrop()));
            m.put("floatGain", finite(l.floatGain()));
            m.put("suggestion", l.suggestion());
            return m;
        }).toList());
        if (proposed.isEmpty()) {
            return new Step(StepId.LAYER_REMEDIES, StepStatus.PASSED, String.format(Locale.ROOT, "%d of %d layers "
                    + "flagged%s.", ranked.size(), d.layers().size(), ranked.isEmpty() ? "" : "; no per-layer remedy "
                    + "is allowed or suggested for them"), "Nothing to apply.", ranked.isEmpty()
                    ? "no layer is over the error threshold or sensitive on its own" : "the remedies of the flagged "
                    + "layers are locked", List.of(), List.of(), before, c, ev, d);
        }
        List<Remedy> tryThese = proposed.subList(0, Math.min(proposed.size(),
                inv.setup().settings().layerCandidates()));
        List<Candidate> candidates = new ArrayList<>();
        for (Remedy r : tryThese) {
            QuantConfig next = c.apply(r);
            Measurement m = measure(next, p, cancel);
            candidates.add(new Candidate(r, next, m, before.drop() - m.drop()));
        }
        ev.put("candidates", candidateEvidence(candidates));
        // keep the helpful ones, best first, each measured on top of the ones kept before it
        double min = minGain(inv);
        List<Candidate> helpful = candidates.stream().filter(k -> k.gain() >= min)
                .sorted((x, y) -> Double.compare(y.gain(), x.gain())).toList();
        QuantConfig now = c;
        Measurement at = before;
        List<Remedy> kept = new ArrayList<>();
        for (Candidate k : helpful) {
            if (inv.setup().targets().met(at)) {
                break;
            }
            QuantConfig next = now.apply(k.remedy());
            Measurement m = measure(next, p, cancel);
            if (at.drop() - m.drop() >= min) {
                now = next;
                at = m;
                kept.add(k.remedy());
            }
        }
        String tried = String.join("; ", candidates.stream().map(k -> String.format(Locale.ROOT, "%s: %+.2f",
                k.remedy().describe(), k.gain())).toList());
        String finding = String.format(Locale.ROOT, "%d of %d layers flagged; measured one at a time: %s.",
                ranked.size(), d.layers().size(), tried);
        if (kept.isEmpty()) {
            return new Step(StepId.LAYER_REMEDIES, StepStatus.FAILED, finding, "Not applied: no per-layer remedy "
                    + "helped.", String.format(Locale.ROOT, "no remedy gained at least %.2f points", min), List.of(),
                    candidates, before, c, ev, d);
        }
        return new Step(StepId.LAYER_REMEDIES, StepStatus.APPLIED, finding, "Applied " + String.join(", ",
                kept.stream().map(Remedy::describe).toList()) + ".", String.format(Locale.ROOT, "together %+.2f "
                + "points, each kept only when it gained at least %.2f on top of the ones before it",
                before.drop() - at.drop(), min), kept, candidates, at, now, ev, d);
    }

    private static double score(LayerDiagnosis l) {
        double g = Double.isNaN(l.floatGain()) ? 0 : l.floatGain();
        double s = Double.isNaN(l.sensitivityDrop()) ? 0 : l.sensitivityDrop();
        return 1000 * Math.max(g, s) + (l.isolated() == null ? 0 : finite0(l.isolated().rmseOverScale()));
    }

    private static boolean allowed(Remedy r, InvestigationSetup s) {
        if (r instanceof Remedy.PerChannelWeights) {
            return !s.locked(Lock.GRANULARITY);
        }
        if (r instanceof Remedy.QuantizerBits) {
            return !s.locked(Lock.BITS);
        }
        if (r instanceof Remedy.QuantizerRange) {
            return !s.locked(Lock.RANGE);
        }
        if (r instanceof Remedy.FloatFallback) {
            return !s.locked(Lock.FLOAT);
        }
        return true;
    }

    private Step mixedPrecision(Investigation inv, ProgressListener p, CancellationToken cancel) {
        Rules.Applies a = inv.met() ? Rules.Applies.no("the target is met (" + inv.setup().targets().describe()
                + "); nothing to fix") : Rules.fixStep(StepId.MIXED_PRECISION, false, branches(inv), inv.setup(),
                inv.configuration());
        if (!a.applies()) {
            return skipped(inv, StepId.MIXED_PRECISION, a.reason());
        }
        QuantConfig c = inv.configuration();
        Measurement before = measure(c, p, cancel);
        // the search cannot start from fixes that depend on each layer's width: it starts without them, and the
        // result is compared with the configuration that has them
        PtqPipeline.Fixes f = c.fixes();
        QuantConfig base = MixedPrecisionWorkflow.conflict(f).isPresent()
                ? c.withFixes(new PtqPipeline.Fixes(f.cle(), f.biasAbsorption(), null, null, f.relu6())) : c;
        String dropped = base.equals(c) ? "" : "; the search starts without "
                + (f.adaround() != null ? "AdaRound" : "") + (f.adaround() != null && f.biasCorrection() != null
                ? " and " : "") + (f.biasCorrection() != null ? "bias correction" : "")
                + " (they depend on each layer's width)";
        SimulationWorkflow.Run baseRun = simulate(base, p, cancel);
        OnnxModel start = MixedPrecisionWorkflow.startingModel(baseRun.result().model(), base.fixes());
        MixedPrecisionCandidates candidates = MixedPrecisionCandidates.parse(inv.setup().locked(Lock.FLOAT)
                ? "w4,w8,w16,a8,a16" : "w4,w8,w16,a8,a16,float");
        MixedPrecision.Options o = MixedPrecision.Options.DEFAULT;
        o = new MixedPrecision.Options(candidates, o.cost(), o.metric(), o.samples(), ctx.eval().batchSize(),
                o.cacheBytes(), false);
        MixedPrecisionTarget target = MixedPrecisionTarget.drop(inv.setup().targets().drop());
        MixedPrecisionWorkflow.SearchData where = ctx.labelledPool() != null ? MixedPrecisionWorkflow.SearchData.POOL
                : MixedPrecisionWorkflow.SearchData.TEST;
        MixedPrecision.Result r = MixedPrecisionWorkflow.search(ctx.model(), start, base, ctx.pool(),
                ctx.labelledPool(), ctx.test(), where, o, target, ctx.session(), p, cancel);
        MixedPrecisionPoint point;
        String pick;
        try {
            point = target.select(r.points(), r.options().cost());
            pick = "the cheapest point within the target on the search samples";
        } catch (InputException e) {
            point = r.points().stream().max((x, y) -> Double.compare(x.accuracy(), y.accuracy())).orElseThrow();
            pick = "no point met the target on the search samples; the most accurate one";
        }
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : point.bits().entrySet()) {
            if (!e.getValue().equals(r.base().bits().get(e.getKey()))) {
                changed.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("searchData", r.searchData());
        ev.put("searchSamples", r.samples());
        ev.put("front", r.front().stream().map(x -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("averageWeightBits", x.averageWeightBits());
            m.put("bops", x.bops());
            m.put("accuracy", x.accuracy());
            m.put("drop", x.drop());
            return m;
        }).toList());
        ev.put("chosenStep", point.step());
        if (changed.isEmpty()) {
            return new Step(StepId.MIXED_PRECISION, StepStatus.FAILED, "The search found no width change that "
                    + "helps on its " + r.samples() + " samples" + dropped + ".", "Not applied.", a.reason(),
                    List.of(), List.of(), before, c, ev, r);
        }
        Remedy widths = new Remedy.BitWidths(changed);
        QuantConfig next = base.apply(widths);
        Measurement m = measure(next, p, cancel);
        Candidate k = new Candidate(widths, next, m, before.drop() - m.drop());
        ev.put("candidates", candidateEvidence(List.of(k)));
        String finding = String.format(Locale.ROOT, "Searched on %d samples of %s (%s%s): %d quantizers at other "
                + "widths, average weight width %.2f bits; on the test data %.2f %% (%+.2f points).", r.samples(),
                r.searchData(), pick, dropped, changed.size(), point.averageWeightBits(), 100 * m.accuracy(),
                k.gain());
        return decided(inv, StepId.MIXED_PRECISION, List.of(k), Rules.choose(List.of(k), minGain(inv)), before, ev, r,
                a.reason()).withFinding(finding);
    }

    private Step reliability(Investigation inv, ProgressListener p, CancellationToken cancel) {
        int trials = inv.setup().settings().trials();
        if (trials == 0) {
            return skipped(inv, StepId.RELIABILITY, "no trials were asked for (0 trials)");
        }
        QuantConfig c = inv.configuration();
        org.quantscope.core.sim.CalibrationSettings cal = c.calibration();
        ReliabilitySettings rs = new ReliabilitySettings(trials, cal.seed(), cal.sampling(), cal.batchSize(),
                Perturbation.NONE, List.of(Condition.baseline(cal.size())), 1);
        ReliabilityResult r = ReliabilityWorkflow.run(ctx.model(), ctx.test(), ctx.pool(),
                List.of(new Configuration(c.label(), c.scheme(), c.fixes())), rs, ctx.eval(), ctx.session(),
                RELIABILITY_CACHE_BYTES, null, trials, trialListener, p, cancel);
        ConditionSummary s = r.summary(0, 0);
        int worst = worstByMedian(s);
        BoxSummary wb = s.perClass().get(worst);
        Targets t = inv.setup().targets();
        boolean overallOk = s.overall().median() <= t.drop();
        boolean worstOk = !t.hasWorstClass() || wb.median() <= t.worstClassDrop();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("trials", s.trials());
        ev.put("overallDrop", box(s.overall()));
        ev.put("worstClass", r.classNames().get(worst));
        ev.put("worstClassDrop", box(wb));
        List<Map<String, Object>> classes = new ArrayList<>();
        for (int i = 0; i < s.perClass().size(); i++) {
            Map<String, Object> m = box(s.perClass().get(i));
            m.put("class", r.classNames().get(i));
            classes.add(m);
        }
        ev.put("perClassDrop", classes);
        String finding = String.format(Locale.ROOT, "Over %d calibration seeds: overall drop median %.2f (%.2f to "
                + "%.2f); the worst class, %s, drops median %.2f and at most %.2f points.", s.trials(),
                s.overall().median(), s.overall().min(), s.overall().max(), r.classNames().get(worst), wb.median(),
                wb.max());
        boolean ok = overallOk && worstOk;
        String reason = !overallOk ? String.format(Locale.ROOT, "the median overall drop over the seeds exceeds the "
                + "target %.2f", t.drop()) : !worstOk ? String.format(Locale.ROOT, "the worst class's median drop "
                + "exceeds its target %.2f", t.worstClassDrop()) : "the target holds at the median over the seeds"
                + (t.hasWorstClass() && wb.max() > t.worstClassDrop() ? String.format(Locale.ROOT, "; some seeds "
                + "exceed the worst-class target (up to %.2f)", wb.max()) : "");
        return new Step(StepId.RELIABILITY, ok ? StepStatus.PASSED : StepStatus.FAILED, finding,
                ok ? "The configuration is reliable over calibration seeds." : "The result depends on the "
                        + "calibration draw.", reason, List.of(), List.of(), inv.latest(), c, ev, r);
    }

    /** The class with the largest median drop; classes without test samples (NaN) never count. */
    static int worstByMedian(ConditionSummary s) {
        int w = -1;
        for (int i = 0; i < s.perClass().size(); i++) {
            double m = s.perClass().get(i).median();
            if (!Double.isNaN(m) && (w < 0 || m > s.perClass().get(w).median())) {
                w = i;
            }
        }
        return Math.max(w, 0);
    }

    private Step verdict(Investigation inv, ProgressListener p, CancellationToken cancel) {
        QuantConfig c = inv.configuration();
        Measurement m = measure(c, p, cancel);
        QuantizedModel qm = simulate(c, p, cancel).result().model();
        BitCost cost = BitCost.of(qm, ctx.test(), ctx.session(), cancel);
        double wBits = cost.averageWeightBits(Map.of());
        double aBits = qm.quantizers().stream().filter(q -> !q.site().isWeight())
                .mapToInt(q -> q.enabled() ? q.spec().bits() : 32).average().orElse(32);
        Targets t = inv.setup().targets();
        boolean sane = inv.step(StepId.SANITY).map(s -> s.status() == StepStatus.PASSED).orElse(true);
        boolean reliable = inv.step(StepId.RELIABILITY).map(s -> s.status() != StepStatus.FAILED).orElse(true);
        boolean met = t.met(m) && sane && reliable;
        List<String> reasons = new ArrayList<>();
        if (!sane) {
            reasons.add("the simulation with every quantizer off does not reproduce FP32 (see the sanity step): fix "
                    + "the model or the pipeline first");
        }
        if (m.drop() > t.drop()) {
            reasons.add(String.format(Locale.ROOT, "the model still loses %.2f points (target %.2f)", m.drop(),
                    t.drop()));
        }
        if (t.hasWorstClass() && m.worstClassDrop() > t.worstClassDrop()) {
            reasons.add(String.format(Locale.ROOT, "the worst class, %s, still drops %.2f points (target %.2f)",
                    m.worstClassName(), m.worstClassDrop(), t.worstClassDrop()));
        }
        if (!reliable) {
            reasons.add("over calibration seeds: " + inv.step(StepId.RELIABILITY).get().reason());
        }
        long inFloat = c.disabledQuantizers().size();
        String recommendation;
        if (met) {
            recommendation = String.format(Locale.ROOT, "Deploy %s: %.2f %% (drop %.2f points, worst class %s "
                    + "%.2f), %.2f weight bits and %.2f activation bits on average, %,d bytes of weights.",
                    c.label(), 100 * m.accuracy(), m.drop(), m.worstClassName(), m.worstClassDrop(), wBits, aBits,
                    cost.sizeBits(Map.of()) / 8);
        } else {
            // the reasons say which target is missed: the overall drop may be within its target (even negative)
            // when only the worst class misses its own
            recommendation = String.format(Locale.ROOT, "Quantization-aware training recommended (white paper §4): "
                    + "post-training quantization%s still misses the target: %s.", inFloat > 0
                    ? " with " + inFloat + " quantizers in float" : "", String.join("; ", reasons));
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("verdict", met ? "met" : "not-met");
        ev.put("averageWeightBits", wBits);
        ev.put("averageActivationBits", aBits);
        ev.put("weightBytes", cost.sizeBits(Map.of()) / 8);
        ev.put("quantizersInFloat", inFloat);
        ev.put("recommendation", recommendation);
        ev.putAll(measurementEvidence(m));
        String finding = String.format(Locale.ROOT, "Final: %s, %s.", c.label(), m.describe());
        return new Step(StepId.VERDICT, met ? StepStatus.PASSED : StepStatus.FAILED, finding, recommendation,
                met ? "the target is met (" + t.describe() + ")" : String.join("; ", reasons), List.of(), List.of(),
                m, c, ev, simulate(c, p, cancel).result());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Step skipped(Investigation inv, StepId id, String reason) {
        return new Step(id, StepStatus.SKIPPED, "", "Skipped.", reason, List.of(), List.of(), inv.latest(),
                inv.configuration(), Map.of(), null);
    }

    static Map<String, Object> measurementEvidence(Measurement m) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("fp32Accuracy", m.fp32Accuracy());
        ev.put("accuracy", m.accuracy());
        ev.put("drop", m.drop());
        ev.put("worstClass", m.worstClassName());
        ev.put("worstClassDrop", finite(m.worstClassDrop()));
        return ev;
    }

    private static List<Map<String, Object>> candidateEvidence(List<Candidate> candidates) {
        return candidates.stream().map(k -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("remedy", k.remedy().fields());
            m.put("accuracy", k.measurement().accuracy());
            m.put("drop", k.measurement().drop());
            m.put("worstClassDrop", finite(k.measurement().worstClassDrop()));
            m.put("gain", k.gain());
            return m;
        }).toList();
    }

    private static Map<String, Object> reconstructionEvidence(AdaRound.Result ada) {
        List<Integer> osc = Rules.oscillations(ada.layers());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < ada.layers().size(); i++) {
            AdaRound.LayerResult l = ada.layers().get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.layer());
            m.put("nearestLoss", finite(l.nearestLoss()));
            m.put("adaroundLoss", finite(l.adaroundLoss()));
            m.put("kept", l.kept());
            m.put("oscillation", osc.contains(i));
            layers.add(m);
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("layers", layers);
        ev.put("oscillations", osc.size());
        return ev;
    }

    private static Map<String, Object> box(BoxSummary b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", finite(b.min()));
        m.put("q1", finite(b.q1()));
        m.put("median", finite(b.median()));
        m.put("q3", finite(b.q3()));
        m.put("max", finite(b.max()));
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double finite0(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
