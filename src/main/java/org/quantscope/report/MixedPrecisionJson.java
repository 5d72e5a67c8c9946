package org.quantscope.report;

import org.quantscope.core.InputException;
import org.quantscope.core.analysis.BitWidthSensitivity;
import org.quantscope.core.sim.BitWidthVariants;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionCandidates;
import org.quantscope.core.transform.MixedPrecisionPoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A mixed-precision search as JSON (the {@code mixedPrecision} object of {@code quantize --json}) and its points as
 * CSV. Field names are a public interface: {@code candidates}, {@code cost}, {@code metric}, {@code target},
 * {@code search} (samples, data, FP32 accuracy there, seconds per phase), {@code sensitivity} (per quantizer, each
 * raise's accuracy, gain and logit KL), {@code points} (the walk), {@code front} (the Pareto front, cheapest first;
 * each point with {@code accuracy}, {@code drop}, {@code sizeBits}, {@code avgWeightBits}, {@code bops} and
 * {@code bits} per quantizer, 32 meaning float), {@code chosen}, {@code configuration} (per quantizer: base and
 * chosen bits), {@code before} and {@code after} (test-set figures of the uniform base and of the chosen point).
 */
public final class MixedPrecisionJson {

    /** CSV columns, one row per measured point. */
    public static final List<String> CSV_COLUMNS = List.of("step", "raised", "raisedTo", "accuracy", "drop",
            "sizeBits", "avgWeightBits", "bops", "pareto", "chosen");

    private MixedPrecisionJson() {
    }

    /**
     * The {@code mixedPrecision} object.
     *
     * @param r      the search
     * @param chosen the chosen point
     * @param before the uniform base on the test data
     * @param after  the chosen point on the test data
     * @return the tree
     */
    public static Map<String, Object> tree(MixedPrecision.Result r, MixedPrecisionPoint chosen, SimulationResult before,
                                           SimulationResult after) {
        Map<String, Object> m = new LinkedHashMap<>();
        MixedPrecisionCandidates c = r.options().candidates();
        Map<String, Object> cand = new LinkedHashMap<>();
        cand.put("text", c.text());
        cand.put("weightBits", c.weightBits());
        cand.put("activationBits", r.options().cost() == MixedPrecision.CostAxis.BOPS ? c.activationBits()
                : List.of());
        cand.put("weightFloat", c.weightFloat());
        cand.put("activationFloat", c.activationFloat() && r.options().cost() == MixedPrecision.CostAxis.BOPS);
        m.put("candidates", cand);
        m.put("cost", r.options().cost().name().toLowerCase(Locale.ROOT));
        m.put("metric", r.options().metric().name().toLowerCase(Locale.ROOT));
        Map<String, Object> target = new LinkedHashMap<>();
        if (r.target() != null) {
            target.put(r.target().isDrop() ? "drop" : "avgWeightBits",
                    r.target().isDrop() ? r.target().maxDrop() : r.target().maxAverageBits());
        }
        m.put("target", target);
        Map<String, Object> search = new LinkedHashMap<>();
        search.put("data", r.searchData());
        search.put("samples", r.samples());
        search.put("fp32Accuracy", r.fp32Accuracy());
        search.put("calibrationSeconds", r.calibrationSeconds());
        search.put("sensitivitySeconds", r.sensitivitySeconds());
        search.put("walkSeconds", r.walkSeconds());
        search.put("seconds", r.seconds());
        m.put("search", search);
        m.put("weightElements", r.cost().weightElements());
        m.put("macs", r.cost().macs());
        m.put("uniformW8SizeBits", 8 * r.cost().weightElements());
        m.put("fp32SizeBits", 32 * r.cost().weightElements());
        List<Map<String, Object>> sens = new ArrayList<>();
        double baseAcc = r.base().accuracy();
        for (MixedPrecision.QuantizerSensitivity s : r.sensitivities()) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("quantizer", s.quantizer());
            q.put("kind", s.weight() ? "weight" : "activation");
            q.put("baseBits", s.baseBits());
            List<Map<String, Object>> raises = new ArrayList<>();
            for (BitWidthSensitivity.Measurement x : s.raises()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("bits", x.bits());
                e.put("accuracy", x.accuracy());
                e.put("gainPoints", 100 * (x.accuracy() - baseAcc));
                e.put("meanLogitKl", Json.num(x.meanLogitKl()));
                e.put("fromCachedActivations", x.fromCut());
                raises.add(e);
            }
            q.put("raises", raises);
            sens.add(q);
        }
        m.put("sensitivity", sens);
        m.put("points", r.points().stream().map(MixedPrecisionJson::point).toList());
        m.put("front", r.front().stream().map(MixedPrecisionJson::point).toList());
        Map<String, Object> ch = point(chosen);
        ch.put("testAccuracy", after.quantized().accuracy());
        ch.put("testDrop", after.dropPoints());
        m.put("chosen", ch);
        List<Map<String, Object>> config = new ArrayList<>();
        for (QuantizerState q : after.model().quantizers()) {
            Map<String, Object> e = new LinkedHashMap<>();
            String name = q.site().name();
            int b0 = r.base().bits().getOrDefault(name, BitWidthVariants.FLOAT);
            int b = chosen.bits().getOrDefault(name, b0);
            e.put("quantizer", name);
            e.put("kind", q.site().isWeight() ? "weight" : "activation");
            e.put("baseBits", b0);
            e.put("bits", b);
            e.put("float", b == BitWidthVariants.FLOAT);
            e.put("changed", b != b0);
            config.add(e);
        }
        m.put("configuration", config);
        m.put("before", figures(before, r.base()));
        m.put("after", figures(after, chosen));
        return m;
    }

    private static Map<String, Object> point(MixedPrecisionPoint p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", p.step());
        m.put("raised", p.raised());
        m.put("raisedTo", p.raisedTo());
        m.put("accuracy", p.accuracy());
        m.put("drop", p.drop());
        m.put("sizeBits", p.sizeBits());
        m.put("avgWeightBits", p.averageWeightBits());
        m.put("bops", p.bops());
        m.put("bits", new LinkedHashMap<>(p.bits()));
        return m;
    }

    private static Map<String, Object> figures(SimulationResult s, MixedPrecisionPoint p) {
        Map<String, Object> m = new LinkedHashMap<>(FixesJson.before(s));
        m.put("sizeBits", p.sizeBits());
        m.put("avgWeightBits", p.averageWeightBits());
        m.put("bops", p.bops());
        return m;
    }

    /**
     * Writes every measured point as CSV (RFC 4180, '.' decimals).
     *
     * @param r      the search
     * @param chosen the chosen point, or null
     * @param file   the CSV file
     */
    public static void writeCsv(MixedPrecision.Result r, MixedPrecisionPoint chosen, Path file) {
        StringBuilder b = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (MixedPrecisionPoint p : r.points()) {
            String raised = p.raised().contains(",") || p.raised().contains("\"")
                    ? "\"" + p.raised().replace("\"", "\"\"") + "\"" : p.raised();
            b.append(String.format(Locale.ROOT, "%d,%s,%s,%.6f,%.4f,%d,%.4f,%.6g,%b,%b\n", p.step(), raised,
                    p.step() == 0 ? "" : p.raisedTo() == BitWidthVariants.FLOAT ? "float"
                            : String.valueOf(p.raisedTo()), p.accuracy(), p.drop(), p.sizeBits(),
                    p.averageWeightBits(), p.bops(), r.front().contains(p), chosen != null && chosen.equals(p)));
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, b.toString());
        } catch (IOException e) {
            throw new InputException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
