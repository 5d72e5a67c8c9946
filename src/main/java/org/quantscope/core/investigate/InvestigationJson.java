package org.quantscope.core.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.quantscope.core.InputException;
import org.quantscope.core.analysis.Remedy;
import org.quantscope.core.config.QuantConfigJson;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of an investigation (documented in docs/investigation.md): what {@code investigate --json} writes
 * and what {@code --session} saves and reopens. One document for both:
 *
 * <pre>{@code
 * {"format": "quantscope-investigation", "version": 1,
 *  "model": ..., "modelSha256": ..., "data": ..., "calibrationData": ...,
 *  "targets": {"drop": 1.0, "worstClassDrop": null}, "locks": ["granularity"], "settings": {...},
 *  "start": {configuration},
 *  "steps": [{"id": "baseline", "status": "failed", "finding": ..., "decision": ..., "reason": ..., "source": ...,
 *             "applied": [{remedy}], "accuracy": 0.38, "drop": 53.5, "worstClass": "Coat", "worstClassDrop": 87.3,
 *             "measurement": {...}, "candidates": [...], "configuration": {configuration}, "evidence": {...}}],
 *  "final": {"accuracy", "drop", "worstClass", "worstClassDrop", "averageWeightBits", "averageActivationBits",
 *            "settings": {configuration}},
 *  "verdict": "met" | "not-met", "recommendation": ..., "provenance": {...}}
 * }</pre>
 *
 * Files are written atomically (a temporary file beside the target, then moved over it), so a crash never leaves a
 * half-written file. Reading refuses another format, a newer version, or a damaged file, saying which.
 */
public final class InvestigationJson {

    /** The {@code format} value. */
    public static final String FORMAT = "quantscope-investigation";
    /** The version this code writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private InvestigationJson() {
    }

    /**
     * The JSON tree of an investigation.
     *
     * @param inv        the investigation
     * @param provenance the provenance entries (versions, data options), or an empty map
     * @return the tree
     */
    public static Map<String, Object> tree(Investigation inv, Map<String, Object> provenance) {
        InvestigationSetup s = inv.setup();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("model", s.model());
        root.put("modelSha256", s.modelSha256());
        root.put("data", s.data());
        root.put("calibrationData", s.calibrationData());
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("drop", s.targets().drop());
        targets.put("worstClassDrop", s.targets().hasWorstClass() ? s.targets().worstClassDrop() : null);
        root.put("targets", targets);
        root.put("locks", s.locks().stream().map(Lock::id).toList());
        InvestigationSettings st = s.settings();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("trials", st.trials());
        settings.put("adaroundIterations", st.adaroundIterations());
        settings.put("adaroundSamples", st.adaroundSamples());
        settings.put("layerCandidates", st.layerCandidates());
        settings.put("sanitySamples", st.sanitySamples());
        settings.put("rangeMethods", st.rangeMethods());
        root.put("settings", settings);
        root.put("start", QuantConfigJson.tree(s.start()));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (Step step : inv.steps()) {
            steps.add(step(step));
        }
        root.put("steps", steps);
        Measurement m = inv.latest();
        Step verdict = inv.step(StepId.VERDICT).orElse(null);
        if (m != null) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("accuracy", m.accuracy());
            f.put("drop", m.drop());
            f.put("worstClass", m.worstClassName());
            f.put("worstClassDrop", num(m.worstClassDrop()));
            f.put("averageWeightBits", verdict == null ? null : verdict.evidence().get("averageWeightBits"));
            f.put("averageActivationBits", verdict == null ? null : verdict.evidence().get("averageActivationBits"));
            f.put("settings", QuantConfigJson.tree(inv.configuration()));
            root.put("final", f);
        }
        root.put("verdict", verdict == null ? null : verdict.evidence().get("verdict"));
        root.put("recommendation", verdict == null ? null : verdict.evidence().get("recommendation"));
        root.put("provenance", provenance);
        return root;
    }

    private static Map<String, Object> step(Step s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id().id());
        m.put("title", s.id().title());
        m.put("status", s.status().id());
        m.put("finding", s.finding());
        m.put("decision", s.decision());
        m.put("reason", s.reason());
        m.put("source", s.id().source());
        m.put("applied", s.applied().stream().map(Remedy::fields).toList());
        Measurement a = s.after();
        m.put("accuracy", a == null ? null : a.accuracy());
        m.put("drop", a == null ? null : a.drop());
        m.put("worstClass", a == null ? null : a.worstClassName());
        m.put("worstClassDrop", a == null ? null : num(a.worstClassDrop()));
        m.put("measurement", a == null ? null : measurement(a));
        List<Map<String, Object>> cands = new ArrayList<>();
        for (Candidate c : s.candidates()) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("remedy", c.remedy().fields());
            k.put("gain", c.gain());
            k.put("measurement", measurement(c.measurement()));
            k.put("configuration", QuantConfigJson.tree(c.configuration()));
            cands.add(k);
        }
        m.put("candidates", cands);
        m.put("configuration", QuantConfigJson.tree(s.configuration()));
        m.put("evidence", s.evidence());
        return m;
    }

    private static Map<String, Object> measurement(Measurement a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fp32Accuracy", a.fp32Accuracy());
        m.put("accuracy", a.accuracy());
        List<Double> drops = new ArrayList<>();
        for (double d : a.classDrops()) {
            drops.add(num(d));
        }
        m.put("classDrops", drops);
        m.put("classNames", a.classNames());
        return m;
    }

    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Writes the document atomically.
     *
     * @param inv        the investigation
     * @param provenance provenance entries
     * @param file       where
     * @throws InputException when the file cannot be written, with the reason
     */
    public static void write(Investigation inv, Map<String, Object> provenance, Path file) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Path parent = target.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
            MAPPER.writeValue(tmp.toFile(), tree(inv, provenance));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new InputException("cannot write the investigation " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the file was moved, or the write already failed with a message
                }
            }
        }
    }

    /**
     * Reads a saved investigation.
     *
     * @param file the file
     * @return the investigation (its steps without their full results: charts that need them are drawn again when
     *         the step is taken again)
     * @throws InputException for a missing, damaged, foreign or newer file, naming it and what is wrong
     */
    public static Investigation read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InputException("saved investigation " + file + " does not exist");
        } catch (IOException e) {
            throw new InputException("saved investigation " + file + " is damaged (not complete JSON): "
                    + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new InputException(file + " is not a saved investigation (its \"format\" is not \"" + FORMAT
                    + "\")");
        }
        int version = root.path("version").asInt(-1);
        if (version > VERSION) {
            throw new InputException("saved investigation " + file + " was written by a newer QuantScope (format "
                    + "version " + version + "; this one reads version " + VERSION + "): update QuantScope to open "
                    + "it");
        }
        if (version < 1) {
            throw new InputException("saved investigation " + file + " has no valid \"version\"");
        }
        try {
            return fromTree(root);
        } catch (InputException | IllegalArgumentException | NullPointerException | ClassCastException e) {
            throw new InputException("saved investigation " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Investigation fromTree(JsonNode root) {
        JsonNode t = need(root, "targets");
        Targets targets = new Targets(t.path("drop").asDouble(Targets.DEFAULT_DROP),
                t.path("worstClassDrop").isNumber() ? t.path("worstClassDrop").asDouble() : Double.NaN);
        EnumSet<Lock> locks = EnumSet.noneOf(Lock.class);
        for (JsonNode l : root.path("locks")) {
            locks.add(Lock.of(l.asText()));
        }
        JsonNode st = need(root, "settings");
        List<String> methods = new ArrayList<>();
        st.path("rangeMethods").forEach(x -> methods.add(x.asText()));
        InvestigationSettings settings = new InvestigationSettings(st.path("trials").asInt(), st.path(
                "adaroundIterations").asInt(), st.path("adaroundSamples").asInt(), st.path("layerCandidates").asInt(),
                st.path("sanitySamples").asInt(), methods);
        InvestigationSetup setup = new InvestigationSetup(root.path("model").asText(), root.path("modelSha256")
                .asText(), root.path("data").asText(), root.path("calibrationData").asText(),
                QuantConfigJson.fromTree(need(root, "start")), targets, locks, settings);
        List<Step> steps = new ArrayList<>();
        for (JsonNode s : need(root, "steps")) {
            List<Remedy> applied = new ArrayList<>();
            for (JsonNode r : s.path("applied")) {
                applied.add(Remedy.fromFields(MAPPER.convertValue(r, Map.class)));
            }
            List<Candidate> cands = new ArrayList<>();
            for (JsonNode k : s.path("candidates")) {
                cands.add(new Candidate(Remedy.fromFields(MAPPER.convertValue(need(k, "remedy"), Map.class)),
                        QuantConfigJson.fromTree(need(k, "configuration")), measurement(need(k, "measurement")),
                        k.path("gain").asDouble()));
            }
            Map<String, Object> evidence = s.path("evidence").isObject()
                    ? MAPPER.convertValue(s.path("evidence"), LinkedHashMap.class) : Map.of();
            steps.add(new Step(StepId.of(need(s, "id").asText()), StepStatus.of(need(s, "status").asText()),
                    s.path("finding").asText(), s.path("decision").asText(), s.path("reason").asText(), applied,
                    cands, s.path("measurement").isObject() ? measurement(s.path("measurement")) : null,
                    QuantConfigJson.fromTree(need(s, "configuration")), evidence, null));
        }
        return new Investigation(setup, steps);
    }

    private static Measurement measurement(JsonNode m) {
        JsonNode drops = need(m, "classDrops");
        double[] d = new double[drops.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = drops.get(i).isNumber() ? drops.get(i).asDouble() : Double.NaN;
        }
        List<String> names = new ArrayList<>();
        m.path("classNames").forEach(x -> names.add(x.asText()));
        return new Measurement(need(m, "fp32Accuracy").asDouble(), need(m, "accuracy").asDouble(), d, names);
    }

    private static JsonNode need(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new InputException("\"" + field + "\" is missing");
        }
        return v;
    }
}
