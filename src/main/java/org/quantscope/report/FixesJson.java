package org.quantscope.report;

import org.quantscope.core.analysis.WeightStatistics;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.BiasAbsorption;
import org.quantscope.core.transform.BiasCorrection;
import org.quantscope.core.transform.FunctionChange;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.FixEffects;
import org.quantscope.core.transform.PtqPipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code fixes}, {@code beforeFixes} and {@code layerEffects} parts of the quantize JSON: what each post-training
 * fix did, with its parameters, and the quantization before the fixes.
 */
public final class FixesJson {

    private FixesJson() {
    }

    /**
     * Adds the fix records to a quantize JSON tree (nothing when no fix was applied).
     *
     * @param tree    the tree from {@link QuantizationJson#tree}
     * @param fixes   the fixes asked for
     * @param outcome what the pipeline measured
     * @param effects per-layer error before and after, or null when not measured
     */
    public static void add(Map<String, Object> tree, PtqPipeline.Fixes fixes, PtqPipeline.Outcome outcome,
                           FixEffects effects) {
        if (!fixes.any()) {
            return;
        }
        List<Map<String, Object>> applied = new ArrayList<>();
        CrossLayerEqualization.Result cle = outcome.cle();
        if (cle != null) {
            Map<String, Object> fix = new LinkedHashMap<>();
            fix.put("name", "cle");
            fix.put("pairs", cle.pairs().stream().map(p -> p.first() + " -> " + p.second()).toList());
            fix.put("relu6", cle.handling().id());
            fix.put("relu6ReplacedByRelu", cle.relu6Replaced());
            fix.put("relu6PerChannelBound", cle.relu6Bounded());
            fix.put("sweeps", cle.iterations());
            fix.put("converged", cle.converged());
            fix.put("residual", cle.residual());
            fix.put("deadChannels", cle.deadChannels());
            fix.put("scaleSpan", Json.nums(cle.scaleSpan()));
            double[] bounds = cle.channelBoundSpan();
            fix.put("channelBoundSpan", bounds == null ? null : Json.nums(bounds));
            fix.put("fp32Change", change(outcome, "cle"));
            fix.put("activationRanges", outcome.activationRanges().stream().map(x -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", x.layer());
                m.put("tensor", x.tensor());
                m.put("before", Json.nums(new double[] {x.before().min(), x.before().max()}));
                m.put("after", Json.nums(new double[] {x.after().min(), x.after().max()}));
                m.put("growth", x.growth());
                return m;
            }).toList());
            fix.put("fp32AccuracyAfter", outcome.fp32AfterCle().accuracy());
            fix.put("fp32PerClassAccuracyAfter", Json.nums(outcome.fp32AfterCle().perClassAccuracy()));
            fix.put("weightRangeRatio", rangeRatios(cle.folded(), cle.model()));
            applied.add(fix);
            if (fixes.biasAbsorption()) {
                Map<String, Object> ab = new LinkedHashMap<>();
                ab.put("name", "biasAbsorption");
                List<Map<String, Object>> pairs = new ArrayList<>();
                for (BiasAbsorption.Absorbed x : outcome.absorbed()) {
                    pairs.add(Map.of("first", x.first(), "second", x.second(), "absorbed", Json.nums(x.absorbed())));
                }
                ab.put("pairs", pairs);
                ab.put("skipped", outcome.skipped().stream().map(x -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("first", x.first());
                    m.put("second", x.second());
                    m.put("reason", x.reason());
                    return m;
                }).toList());
                ab.put("fp32Change", change(outcome, "biasAbsorption"));
                applied.add(ab);
            }
        }
        BiasCorrection.Result bc = outcome.biasCorrection();
        if (bc != null) {
            Map<String, Object> fix = new LinkedHashMap<>();
            fix.put("name", "biasCorrection");
            fix.put("method", fixes.biasCorrection());
            List<Map<String, Object>> layers = new ArrayList<>();
            for (BiasCorrection.LayerCorrection c : bc.corrections()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", c.layer());
                m.put("meanAbsShiftBefore", c.meanAbsShift());
                m.put("correction", Json.nums(c.correction()));
                layers.add(m);
            }
            fix.put("layers", layers);
            fix.put("fp32Change", quantizationOnly());
            applied.add(fix);
        }
        AdaRound.Result ada = outcome.adaround();
        if (ada != null) {
            Map<String, Object> fix = adaround(ada);
            fix.put("fp32Change", quantizationOnly());
            applied.add(fix);
        }
        tree.put("fixes", applied);
        tree.put("beforeFixes", before(outcome.before()));
        if (effects != null) {
            tree.put("layerEffects", layerEffects(effects));
        }
    }

    /** The FP32-change record of a fix that changes only how the model is quantized (nothing to measure). */
    private static Map<String, Object> quantizationOnly() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measured", false);
        m.put("changed", null);
        m.put("scope", "changes only how the model is quantized; the FP32 reference is the model before it");
        return m;
    }

    /** The measured FP32 change of {@code fix}. */
    private static Map<String, Object> change(PtqPipeline.Outcome outcome, String fix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measured", true);
        for (FunctionChange c : outcome.fp32Changes()) {
            if (c.fix().equals(fix)) {
                m.put("changed", c.changed());
                m.put("samples", c.samples());
                m.put("maxAbsLogitDiff", c.maxAbsLogitDiff());
                m.put("maxRelativeLogitDiff", c.maxRelativeLogitDiff());
                m.put("predictionAgreement", c.predictionAgreement());
                m.put("accuracyBefore", c.accuracyBefore());
                m.put("accuracyAfter", c.accuracyAfter());
            }
        }
        return m;
    }

    /**
     * Appends one more fix record (a step run after the pipeline, such as the mixed-precision search), creating the
     * {@code fixes} list and {@code beforeFixes} when no pipeline fix made them.
     *
     * @param tree   the quantize JSON tree
     * @param fix    the record
     * @param before the quantization without any fix
     */
    @SuppressWarnings("unchecked")
    public static void append(Map<String, Object> tree, Map<String, Object> fix, SimulationResult before) {
        List<Map<String, Object>> applied = (List<Map<String, Object>>) tree.computeIfAbsent("fixes",
                k -> new ArrayList<Map<String, Object>>());
        applied.add(fix);
        tree.putIfAbsent("beforeFixes", before(before));
    }

    /**
     * Accuracy, per-class accuracy, drop and per-class drop of a quantization (the {@code beforeFixes} object).
     *
     * @param before the simulation
     * @return the figures as a JSON object
     */
    static Map<String, Object> before(SimulationResult before) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("accuracy", before.quantized().accuracy());
        b.put("perClassAccuracy", Json.nums(before.quantized().perClassAccuracy()));
        b.put("drop", before.dropPoints());
        b.put("perClassDrop", Json.nums(before.perClassDropPoints()));
        return b;
    }

    private static Map<String, Object> adaround(AdaRound.Result ada) {
        Map<String, Object> fix = new LinkedHashMap<>();
        fix.put("name", "adaround");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("iterations", ada.settings().iterations());
        p.put("samples", ada.settings().samples());
        p.put("batchRows", ada.settings().batchRows());
        p.put("maxRows", ada.settings().maxRows());
        p.put("lambda", ada.settings().lambda());
        p.put("betaStart", ada.settings().betaStart());
        p.put("betaEnd", ada.settings().betaEnd());
        p.put("warmStart", ada.settings().warmStart());
        p.put("learningRate", ada.settings().learningRate());
        p.put("seed", ada.settings().seed());
        fix.put("parameters", p);
        fix.put("seconds", ada.seconds());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (AdaRound.LayerResult r : ada.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", r.layer());
            m.put("quantizer", r.quantizer());
            m.put("kept", r.kept());
            m.put("rows", r.rows());
            m.put("nearestReconstructionError", Json.num(r.nearestLoss()));
            m.put("adaroundReconstructionError", Json.num(r.adaroundLoss()));
            m.put("weightsRoundedOtherWay", r.flipped());
            m.put("weights", r.weights());
            m.put("seconds", r.seconds());
            if (!r.note().isEmpty()) {
                m.put("note", r.note());
            }
            layers.add(m);
        }
        fix.put("layers", layers);
        return fix;
    }

    private static Map<String, Object> layerEffects(FixEffects effects) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FixEffects.LayerEffect e : effects.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", e.layer());
            m.put("tensor", e.tensor());
            m.put("sqnrDbBefore", Json.num(e.before().sqnrDb()));
            m.put("sqnrDbAfter", Json.num(e.after().sqnrDb()));
            m.put("rmseBefore", Json.num(e.before().rmse()));
            m.put("rmseAfter", Json.num(e.after().rmse()));
            m.put("meanAbsShiftBefore", Json.num(e.meanAbsShiftBefore()));
            m.put("meanAbsShiftAfter", Json.num(e.meanAbsShiftAfter()));
            m.put("relativeShiftBefore", Json.num(e.relativeShiftBefore()));
            m.put("relativeShiftAfter", Json.num(e.relativeShiftAfter()));
            rows.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples", effects.samples());
        out.put("data", effects.data());
        out.put("layers", rows);
        return out;
    }

    /**
     * Per layer, the weight range ratio (largest over median output-channel range) before and after a transform:
     * what equalization is for (the per-channel ranges flatten).
     */
    static List<Map<String, Object>> rangeRatios(OnnxModel before, OnnxModel after) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Layer l : before.layers()) {
            Layer a = after.layers().stream().filter(x -> x.name().equals(l.name())).findFirst().orElse(null);
            if (a == null) {
                continue;
            }
            int axis = l.kind() == LayerKind.MATMUL || l.kind() == LayerKind.GEMM
                    && l.linear().longAttr("transB", 0) == 0 ? 1 : 0;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.name());
            m.put("before", Json.num(ratio(before, l, axis)));
            m.put("after", Json.num(ratio(after, a, axis)));
            rows.add(m);
        }
        return rows;
    }

    private static double ratio(OnnxModel m, Layer l, int axis) {
        float[] w = m.constant(m.resolveIdentity(l.linear().input(1))).orElseThrow().floats();
        return WeightStatistics.of(l.weightName(), l.name(), w, l.weightShape(), axis, Double.NaN, Double.NaN)
                .rangeRatio();
    }
}
