package org.quantscope.report;

import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.PlacementCheck;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.sim.SimulationResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantization simulation as JSON. Field names are a public interface used by scripts: {@code fp32} and
 * {@code quantized} (each with {@code accuracy} and {@code perClassAccuracy}, fractions in [0,1]), {@code drop}
 * (points), {@code perClassDrop} (points), {@code settings}, {@code quantizers} (placement, ranges and encodings of
 * every quantizer), {@code encodings} (the AIMET-style tree of {@link EncodingsJson}), {@code placementCheck}
 * (quantized layers left with float inputs, {@link #placementCheck}), {@code warnings},
 * {@code provenance}.
 */
public final class QuantizationJson {

    private QuantizationJson() {
    }

    /** The JSON tree of a simulation. */
    public static Map<String, Object> tree(SimulationResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("fp32", accuracy(r.fp32()));
        root.put("quantized", accuracy(r.quantized()));
        root.put("drop", r.dropPoints());
        root.put("perClassDrop", Json.nums(r.perClassDropPoints()));
        root.put("predictionAgreement", Json.num(r.predictionAgreement()));
        root.put("classes", r.fp32().classNames());
        root.put("settings", settings(r.model()));
        root.put("quantizers", quantizers(r.model()));
        root.put("encodings", EncodingsJson.tree(r.model()));
        root.put("placementCheck", placementCheck(PlacementCheck.check(r.model())));
        root.put("warnings", r.model().warnings().stream().map(org.quantscope.core.SettingNames::plainText).toList());
        root.put("seconds", r.seconds());
        root.put("provenance", Json.provenance(r.provenance()));
        return root;
    }

    static Map<String, Object> accuracy(EvaluationResult e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", e.accuracy());
        m.put("perClassAccuracy", Json.nums(e.perClassAccuracy()));
        m.put("samples", e.samples());
        m.put("classCounts", e.classCounts());
        m.put("imagesPerSecond", e.imagesPerSecond());
        return m;
    }

    static Map<String, Object> settings(QuantizedModel qm) {
        Map<String, Object> m = new LinkedHashMap<>();
        qm.settings().describe().forEach((k, v) -> m.put(k, typed(v)));
        m.put("calibrationSize", qm.calibration().size());
        m.put("calibrationSeed", qm.calibration().seed());
        m.put("calibrationSampling", qm.calibration().sampling().name().toLowerCase(java.util.Locale.ROOT));
        m.put("calibrationData", qm.calibrationData());
        Map<String, Object> o = new LinkedHashMap<>();
        qm.settings().overrides().forEach((k, v) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("enabled", v.enabled());
            e.put("bits", v.bits());
            e.put("granularity", v.granularity() == null ? null
                    : v.granularity() == Granularity.PER_CHANNEL ? "per-channel" : "per-tensor");
            e.put("rangeMethod", v.rangeMethod());
            o.put(k, e);
        });
        m.put("overrides", o); // replaces the count from describe() by the overrides themselves
        return m;
    }

    /** Numbers and booleans of the settings as JSON numbers and booleans, other values as text. */
    private static Object typed(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        if (v.matches("-?\\d{1,18}")) {
            return Long.parseLong(v);
        }
        return v;
    }

    /**
     * The placement check: {@code computeLayers} (quantized compute ops checked), {@code complete}, and
     * {@code floatInputs}, one object per quantized layer input left in float ({@code layer}, {@code tensor},
     * {@code producer}, {@code producerOp}, {@code quantizer} (the disabled one, or null), {@code reason}).
     */
    public static Map<String, Object> placementCheck(PlacementCheck.Result check) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("computeLayers", check.computeLayers());
        m.put("complete", check.complete());
        List<Map<String, Object>> list = new ArrayList<>();
        for (PlacementCheck.FloatInput f : check.floatInputs()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("layer", f.layer());
            o.put("tensor", f.tensor());
            o.put("producer", f.producer());
            o.put("producerOp", f.producerOp());
            o.put("quantizer", f.quantizer());
            o.put("reason", f.reason());
            list.add(o);
        }
        m.put("floatInputs", list);
        return m;
    }

    /** One object per quantizer: where it is, what it does, what calibration chose. */
    public static List<Map<String, Object>> quantizers(QuantizedModel qm) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (QuantizerState q : qm.quantizers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", q.site().name());
            m.put("kind", q.site().isWeight() ? "weight" : "activation");
            m.put("tensor", q.site().tensor());
            m.put("node", q.site().node());
            m.put("layer", q.site().layer());
            m.put("role", q.site().role());
            m.put("enabled", q.enabled());
            m.put("rangeMethod", q.rangeMethod());
            if (q.enabled()) {
                m.put("bits", q.spec().bits());
                m.put("signed", q.spec().signed());
                m.put("symmetric", q.spec().symmetric());
                m.put("quantMin", q.spec().qmin());
                m.put("quantMax", q.spec().qmax());
                m.put("granularity", q.spec().granularity() == Granularity.PER_CHANNEL ? "per-channel"
                        : "per-tensor");
                m.put("axis", q.spec().axis());
                float[] s = q.encoding().scales();
                int[] z = q.encoding().zeroPoints();
                if (s.length == 1 && q.spec().granularity() == Granularity.PER_TENSOR) {
                    m.put("scale", (double) s[0]);
                    m.put("zeroPoint", z[0]);
                } else {
                    List<Double> sl = new ArrayList<>();
                    for (float f : s) {
                        sl.add((double) f);
                    }
                    m.put("scale", sl);
                    m.put("zeroPoint", z);
                }
                m.put("observedMin", (double) q.observed().min());
                m.put("observedMax", (double) q.observed().max());
                m.put("rangeMin", (double) q.chosen().min());
                m.put("rangeMax", (double) q.chosen().max());
                if (q.stats() != null) {
                    m.put("clippedShare", q.stats().clippedShare());
                    m.put("roundedToZeroShare", q.stats().roundedToZeroShare());
                }
            }
            m.put("note", q.note());
            list.add(m);
        }
        return list;
    }

    /** Writes a simulation to a file. */
    public static void write(SimulationResult r, Path file) {
        Json.write(tree(r), file);
    }
}
