package org.quantscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quantscope.core.InputException;
import org.quantscope.core.Provenance;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.reliability.BoxSummary;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityReading;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.reliability.TrialResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A reliability experiment as JSON: {@code fp32} (accuracy and perClassAccuracy), {@code classes},
 * {@code classCounts}, {@code configurations}, {@code perturbation}, {@code conditions}, {@code summaries} (per
 * configuration and condition: per-class, overall and worst-class box summaries of the drop in points, the
 * worst-class drop per trial, and the plain-language reading), {@code trials} (every trial's seed, accuracy and
 * per-class accuracy), {@code settings}, {@code complete} and {@code provenance}. {@link #read} loads the trials
 * back, so an experiment can be continued from its JSON.
 */
public final class ReliabilityJson {

    private ReliabilityJson() {
    }

    /**
     * The JSON tree.
     *
     * @param r the result
     * @return maps and lists, fields in a stable order
     */
    public static Map<String, Object> tree(ReliabilityResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> fp32 = new LinkedHashMap<>();
        fp32.put("accuracy", r.fp32Accuracy());
        fp32.put("perClassAccuracy", Json.nums(r.fp32PerClass()));
        m.put("fp32", fp32);
        m.put("classes", r.classNames());
        m.put("classCounts", r.classCounts());
        m.put("configurations", r.configurations());
        m.put("perturbation", r.settings().perturbation().id());
        List<Map<String, Object>> conditions = new ArrayList<>();
        for (Condition c : r.conditions()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("label", c.label());
            cm.put("calibSize", c.calibSize());
            cm.put("noiseShare", c.noiseShare());
            cm.put("imbalanceClass", c.imbalanceClass());
            cm.put("imbalanceShare", c.imbalanceShare());
            cm.put("activationRange", c.activationRange());
            conditions.add(cm);
        }
        m.put("conditions", conditions);
        List<Map<String, Object>> summaries = new ArrayList<>();
        for (int k = 0; k < r.configurations().size(); k++) {
            for (int c = 0; c < r.conditions().size(); c++) {
                summaries.add(summary(r, r.summary(k, c)));
            }
        }
        m.put("summaries", summaries);
        List<Map<String, Object>> trials = new ArrayList<>();
        for (TrialResult t : r.trials()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("configuration", t.configuration());
            tm.put("condition", t.condition());
            tm.put("trial", t.trial());
            tm.put("seed", t.seed());
            tm.put("accuracy", t.accuracy());
            tm.put("perClassAccuracy", Json.nums(t.perClassAccuracy()));
            tm.put("seconds", t.seconds());
            trials.add(tm);
        }
        m.put("trials", trials);
        ReliabilitySettings s = r.settings();
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("trials", s.trials());
        sm.put("firstSeed", s.firstSeed());
        sm.put("calibSampling", s.sampling().name().toLowerCase(Locale.ROOT));
        sm.put("calibBatch", s.calibBatch());
        sm.put("parallel", s.parallel());
        m.put("settings", sm);
        m.put("complete", r.complete());
        m.put("provenance", Json.provenance(r.provenance()));
        return m;
    }

    private static Map<String, Object> summary(ReliabilityResult r, ConditionSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("configuration", r.configurations().get(s.configuration()));
        m.put("condition", r.conditions().get(s.condition()).label());
        m.put("trials", s.trials());
        List<Map<String, Object>> classes = new ArrayList<>();
        double[] fp32 = r.fp32PerClass();
        for (int c = 0; c < r.classes(); c++) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("class", r.classNames().get(c));
            cm.put("fp32Accuracy", Json.num(fp32[c]));
            cm.put("drop", box(s.perClass().get(c)));
            cm.put("worstInTrials", s.worstClassCount()[c]);
            classes.add(cm);
        }
        m.put("perClass", classes);
        m.put("overall", box(s.overall()));
        Map<String, Object> worst = box(s.worst());
        worst.put("perTrial", Json.nums(s.worstPerTrial()));
        m.put("worstClassDrop", worst);
        m.put("worstClass", s.worstClass() < 0 ? null : r.classNames().get(s.worstClass()));
        m.put("reading", ReliabilityReading.of(s, r.classNames(), fp32));
        return m;
    }

    /** A box summary as JSON (drops in points). */
    static Map<String, Object> box(BoxSummary b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", b.count());
        m.put("min", Json.num(b.min()));
        m.put("q1", Json.num(b.q1()));
        m.put("median", Json.num(b.median()));
        m.put("q3", Json.num(b.q3()));
        m.put("max", Json.num(b.max()));
        m.put("mean", Json.num(b.mean()));
        m.put("std", Json.num(b.std()));
        m.put("lowerWhisker", Json.num(b.lowerWhisker()));
        m.put("upperWhisker", Json.num(b.upperWhisker()));
        m.put("outliers", Json.nums(b.outliers()));
        return m;
    }

    /**
     * Writes the JSON (to a temporary file first, then moved over {@code file}, so a reader never sees half a file).
     *
     * @param r    the result
     * @param file the file
     */
    public static void write(ReliabilityResult r, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        Json.write(tree(r), tmp);
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new InputException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a result written by {@link #write}, for continuing the experiment.
     *
     * @param file the JSON file
     * @return the result with its trials, settings and provenance
     * @throws InputException when the file is missing or is not a reliability result
     */
    public static ReliabilityResult read(Path file) {
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new InputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (j == null || !j.has("trials") || !j.has("conditions") || !j.has("provenance") || !j.has("settings")) {
            throw new InputException(file + " is not the JSON of a reliability experiment (written by "
                    + "'quantscope reliability --json'): it lacks trials, conditions, settings or provenance");
        }
        try {
            List<Condition> conditions = new ArrayList<>();
            for (JsonNode c : j.get("conditions")) {
                conditions.add(new Condition(c.get("label").asText(), c.get("calibSize").asInt(),
                        c.get("noiseShare").asDouble(), c.get("imbalanceClass").asInt(),
                        c.get("imbalanceShare").asDouble(), c.get("activationRange").isNull() ? null
                        : c.get("activationRange").asText()));
            }
            JsonNode s = j.get("settings");
            ReliabilitySettings settings = new ReliabilitySettings(s.get("trials").asInt(),
                    s.get("firstSeed").asLong(), CalibrationSampler.Strategy.valueOf(
                    s.get("calibSampling").asText().toUpperCase(Locale.ROOT)), s.get("calibBatch").asInt(),
                    Perturbation.parse(j.get("perturbation").asText()), conditions, s.get("parallel").asInt());
            List<TrialResult> trials = new ArrayList<>();
            for (JsonNode t : j.get("trials")) {
                trials.add(new TrialResult(t.get("configuration").asInt(), t.get("condition").asInt(),
                        t.get("trial").asInt(), t.get("seed").asLong(), t.get("accuracy").asDouble(),
                        doubles(t.get("perClassAccuracy")), t.get("seconds").asDouble()));
            }
            JsonNode p = j.get("provenance");
            Map<String, String> ps = new LinkedHashMap<>();
            p.get("settings").fields().forEachRemaining(e -> ps.put(e.getKey(), e.getValue().asText()));
            Provenance prov = new Provenance(p.get("modelPath").asText(), p.get("modelSha256").asText(),
                    p.get("data").asText(), ps, p.get("version").asText(), p.get("runtime").asText());
            List<String> classes = new ArrayList<>();
            j.get("classes").forEach(c -> classes.add(c.asText()));
            List<String> configs = new ArrayList<>();
            j.get("configurations").forEach(c -> configs.add(c.asText()));
            int[] counts = new int[classes.size()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = j.get("classCounts").get(i).asInt();
            }
            return new ReliabilityResult(classes, counts, j.get("fp32").get("accuracy").asDouble(),
                    doubles(j.get("fp32").get("perClassAccuracy")), configs, settings, trials,
                    j.get("complete").asBoolean(), prov);
        } catch (RuntimeException e) {
            if (e instanceof InputException ie) {
                throw ie;
            }
            throw new InputException(file + " is not a complete reliability result (" + e + "); continue from a "
                    + "JSON written by 'quantscope reliability --json'", e);
        }
    }

    private static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).isNull() ? Double.NaN : a.get(i).asDouble();
        }
        return v;
    }
}
