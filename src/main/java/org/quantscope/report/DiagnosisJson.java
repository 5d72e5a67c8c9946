package org.quantscope.report;

import org.quantscope.core.analysis.ActivationStats;
import org.quantscope.core.analysis.ComparisonResult;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.ErrorMetrics;
import org.quantscope.core.analysis.Histogram;
import org.quantscope.core.analysis.LayerDiagnosis;
import org.quantscope.core.analysis.WeightStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A layer diagnosis as JSON and CSV. JSON field names are a public interface: {@code sanity}, {@code weightsOnly},
 * {@code activationsOnly}, {@code fp32}, {@code quantized}, and {@code layers[]} with at least {@code name},
 * {@code op}, {@code weightRangeRatio}, {@code rmse}, {@code rmseOverScale}, {@code sqnrDb}, {@code cosine},
 * {@code isolatedRmse}, {@code sensitivityDrop}, {@code floatGain}, {@code flag}. Non-finite numbers are written as
 * {@code null} (an SQNR of an exact layer is infinite).
 */
public final class DiagnosisJson {

    /** Columns of the CSV, one row per layer. */
    public static final List<String> CSV_COLUMNS = List.of("name", "op", "outputTensor", "weightRangeRatio", "rmse",
            "rmseOverScale", "sqnrDb", "cosine", "meanShift", "isolatedRmse", "isolatedRmseOverScale",
            "isolatedSqnrDb", "isolatedCosine", "sensitivityDrop", "sensitivityKl", "floatGain", "flag",
            "suggestion");

    private DiagnosisJson() {
    }

    /** The JSON tree with the activation statistics of the calibration data under {@code activations}. */
    public static Map<String, Object> tree(DiagnosisResult r, List<ActivationStats> activations) {
        Map<String, Object> root = tree(r);
        List<Map<String, Object>> list = new ArrayList<>();
        for (ActivationStats a : activations) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("quantizer", a.quantizer());
            m.put("tensor", a.tensor());
            m.put("role", a.role());
            m.put("layer", a.layer());
            m.put("count", a.count());
            m.put("min", (double) a.min());
            m.put("max", (double) a.max());
            Map<String, Object> pct = new LinkedHashMap<>();
            for (int i = 0; i < a.percentileLevels().length; i++) {
                pct.put(String.valueOf(a.percentileLevels()[i]), a.percentiles()[i]);
            }
            m.put("percentiles", pct);
            m.put("channelMin", floats(a.channelMin()));
            m.put("channelMax", floats(a.channelMax()));
            Map<String, Object> ranges = new LinkedHashMap<>();
            a.methodRanges().forEach((k, v) -> ranges.put(k, List.of((double) v.min(), (double) v.max())));
            m.put("methodRanges", ranges);
            m.put("chosenMethod", a.chosenMethod());
            m.put("chosen", a.chosen() == null ? null : List.of((double) a.chosen().min(), (double) a.chosen().max()));
            m.put("histogram", histogram(a.histogram()));
            list.add(m);
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        root.forEach((k, v) -> {
            ordered.put(k, v);
            if (k.equals("layers")) {
                ordered.put("activations", list);
            }
        });
        return ordered;
    }

    /** The JSON tree. */
    public static Map<String, Object> tree(DiagnosisResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> sanity = new LinkedHashMap<>();
        sanity.put("maxAbsLogitDiff", Json.num(r.sanity().maxAbsLogitDiff()));
        sanity.put("predictionAgreement", r.sanity().predictionAgreement());
        sanity.put("passed", r.sanity().passed());
        sanity.put("reference", r.sanity().reference());
        root.put("sanity", sanity);
        root.put("fp32", Map.of("accuracy", r.full().fp32Accuracy()));
        root.put("quantized", comparison(r.full()));
        root.put("weightsOnly", comparison(r.weightsOnly()));
        root.put("activationsOnly", comparison(r.activationsOnly()));
        root.put("samples", r.full().samples());
        root.put("layerSamples", r.layerSamples());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerDiagnosis l : r.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("op", l.op());
            m.put("outputTensor", l.outputTensor());
            m.put("outputQuantizer", l.outputQuantizer());
            m.put("weightRangeRatio", Json.num(l.weightRangeRatio()));
            metrics(m, "", l.propagated());
            metrics(m, "isolated", l.isolated());
            m.put("sensitivityDrop", Json.num(l.sensitivityDrop()));
            m.put("sensitivityKl", Json.num(l.sensitivityKl()));
            m.put("floatGain", Json.num(l.floatGain()));
            m.put("flag", l.flag());
            m.put("suggestion", l.suggestion());
            m.put("weights", weights(l.weights()));
            layers.add(m);
        }
        root.put("layers", layers);
        root.put("settings", r.provenance().settings());
        root.put("provenance", Json.provenance(r.provenance()));
        return root;
    }

    private static Map<String, Object> comparison(ComparisonResult c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", c.accuracy());
        m.put("drop", c.dropPoints());
        m.put("predictionAgreement", c.predictionAgreement());
        m.put("meanLogitKl", Json.num(c.meanLogitKl()));
        return m;
    }

    private static void metrics(Map<String, Object> m, String prefix, ErrorMetrics e) {
        String p = prefix.isEmpty() ? "" : prefix;
        m.put(key(p, "rmse"), e == null ? null : Json.num(e.rmse()));
        m.put(key(p, "rmseOverScale"), e == null ? null : Json.num(e.rmseOverScale()));
        m.put(key(p, "sqnrDb"), e == null ? null : Json.num(e.sqnrDb()));
        m.put(key(p, "cosine"), e == null ? null : Json.num(e.cosine()));
        m.put(key(p, "meanShift"), e == null ? null : Json.num(e.meanShift()));
    }

    private static String key(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static Map<String, Object> weights(WeightStats w) {
        if (w == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quantizer", w.quantizer());
        m.put("shape", w.shape());
        m.put("channelAxis", w.channelAxis());
        m.put("min", (double) w.min());
        m.put("max", (double) w.max());
        m.put("mean", w.mean());
        m.put("std", w.std());
        m.put("rangeRatio", Json.num(w.rangeRatio()));
        m.put("roundedToZeroShare", Json.num(w.roundedToZeroShare()));
        m.put("clippedShare", Json.num(w.clippedShare()));
        m.put("channelMin", floats(w.channelMin()));
        m.put("channelMax", floats(w.channelMax()));
        m.put("channelMean", Json.nums(w.channelMean()));
        m.put("channelStd", Json.nums(w.channelStd()));
        m.put("histogram", histogram(w.histogram()));
        return m;
    }

    private static Map<String, Object> histogram(Histogram h) {
        Map<String, Object> hm = new LinkedHashMap<>();
        hm.put("lower", h.lower());
        hm.put("upper", h.upper());
        hm.put("counts", h.counts());
        hm.put("underflow", h.underflow());
        hm.put("overflow", h.overflow());
        return hm;
    }

    private static List<Double> floats(float[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (float f : v) {
            l.add((double) f);
        }
        return l;
    }

    /** Writes the JSON file. */
    public static void write(DiagnosisResult r, Path file) {
        Json.write(tree(r), file);
    }

    /** Writes the JSON file with the activation statistics. */
    public static void write(DiagnosisResult r, List<ActivationStats> activations, Path file) {
        Json.write(tree(r, activations), file);
    }

    /** Writes one CSV row per layer (RFC 4180 quoting, '.' decimals, empty cells for unknown values). */
    public static void writeCsv(DiagnosisResult r, Path file) {
        StringBuilder b = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (LayerDiagnosis l : r.layers()) {
            ErrorMetrics p = l.propagated();
            ErrorMetrics i = l.isolated();
            List<String> row = List.of(l.name(), l.op(), l.outputTensor(), num(l.weightRangeRatio()),
                    num(p == null ? Double.NaN : p.rmse()), num(p == null ? Double.NaN : p.rmseOverScale()),
                    num(p == null ? Double.NaN : p.sqnrDb()), num(p == null ? Double.NaN : p.cosine()),
                    num(p == null ? Double.NaN : p.meanShift()), num(i == null ? Double.NaN : i.rmse()),
                    num(i == null ? Double.NaN : i.rmseOverScale()), num(i == null ? Double.NaN : i.sqnrDb()),
                    num(i == null ? Double.NaN : i.cosine()), num(l.sensitivityDrop()), num(l.sensitivityKl()),
                    num(l.floatGain()), l.flag(), l.suggestion());
            List<String> quoted = new ArrayList<>();
            for (String c : row) {
                quoted.add(c.contains(",") || c.contains("\"") ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
            }
            b.append(String.join(",", quoted)).append('\n');
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, b.toString());
        } catch (IOException e) {
            throw new org.quantscope.core.InputException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }
}
