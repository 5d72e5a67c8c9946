package org.quantscope.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.quantscope.core.InputException;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConstraint;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.sim.ActivationPlacement;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.transform.AdaRoundSettings;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.PtqPipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The versioned JSON form of a {@link QuantConfig} (documented in docs/configuration.md):
 *
 * <pre>{@code
 * {
 *   "format": "quantscope-configuration", "version": 1,
 *   "scheme": {"preset": "custom", "weightBits": 8, "activationBits": 8, "weightGranularity": "per-tensor",
 *              "weightSymmetric": true, "activationSymmetric": false, "adaptiveActivationSign": false,
 *              "scaleType": "float", "scaleConvention": "onnx", "placement": "network", "foldBatchNorm": true,
 *              "bias": "float", "weightRange": "minmax", "activationRange": "minmax"},
 *   "overrides": {"conv1.weight": {"bits": 4, "granularity": "per-channel", "range": "mse"},
 *                 "logits": {"enabled": false}},
 *   "calibration": {"size": 256, "seed": 0, "sampling": "random", "batch": 64, "pool": "..."},
 *   "fixes": {"cle": false, "relu6": "exact", "biasAbsorption": false, "biasCorrection": null, "adaround": null}
 * }
 * }</pre>
 *
 * Writing then reading gives an equal configuration. Reading fills fields a hand-written file leaves out with the
 * defaults ({@link QuantConfig#DEFAULT}) and refuses fields it does not know, naming them, so a typo never passes
 * silently. Messages speak of settings, never of command-line flags.
 */
public final class QuantConfigJson {

    /** The {@code format} value. */
    public static final String FORMAT = "quantscope-configuration";
    /** The version this code writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private QuantConfigJson() {
    }

    /**
     * The JSON tree (maps, lists, strings, numbers, booleans, nulls) of a configuration, in a fixed order.
     *
     * @param c the configuration
     * @return the tree
     */
    public static Map<String, Object> tree(QuantConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        QuantSettings s = c.scheme();
        Map<String, Object> sc = new LinkedHashMap<>();
        sc.put("preset", s.preset());
        sc.put("weightBits", s.weightBits());
        sc.put("activationBits", s.activationBits());
        sc.put("weightGranularity", id(s.weightGranularity()));
        sc.put("weightSymmetric", s.weightSymmetric());
        sc.put("activationSymmetric", s.activationSymmetric());
        sc.put("adaptiveActivationSign", s.adaptiveActivationSign());
        sc.put("scaleType", s.scaleConstraint() == ScaleConstraint.POWER_OF_TWO ? "power-of-two" : "float");
        sc.put("scaleConvention", id(s.convention()));
        sc.put("placement", id(s.placement()));
        sc.put("foldBatchNorm", s.foldBatchNorm());
        sc.put("bias", s.biasInt32() ? "int32" : "float");
        sc.put("weightRange", s.weightRange());
        sc.put("activationRange", s.activationRange());
        m.put("scheme", sc);
        Map<String, Object> ov = new LinkedHashMap<>();
        new TreeMap<>(s.overrides()).forEach((name, o) -> ov.put(name, override(o)));
        m.put("overrides", ov);
        if (c.calibration() != null) {
            CalibrationSettings k = c.calibration();
            Map<String, Object> cal = new LinkedHashMap<>();
            cal.put("size", k.size());
            cal.put("seed", k.seed());
            cal.put("sampling", id(k.sampling()));
            cal.put("batch", k.batchSize());
            cal.put("pool", c.calibrationPool());
            m.put("calibration", cal);
        } else {
            m.put("calibration", null);
        }
        PtqPipeline.Fixes f = c.fixes();
        Map<String, Object> fx = new LinkedHashMap<>();
        fx.put("cle", f.cle());
        fx.put("relu6", f.relu6().id());
        fx.put("biasAbsorption", f.biasAbsorption());
        fx.put("biasCorrection", f.biasCorrection());
        if (f.adaround() != null) {
            AdaRoundSettings a = f.adaround();
            Map<String, Object> ad = new LinkedHashMap<>();
            ad.put("iterations", a.iterations());
            ad.put("samples", a.samples());
            ad.put("batchRows", a.batchRows());
            ad.put("maxRows", a.maxRows());
            ad.put("lambda", a.lambda());
            ad.put("betaStart", a.betaStart());
            ad.put("betaEnd", a.betaEnd());
            ad.put("warmStart", a.warmStart());
            ad.put("learningRate", a.learningRate());
            ad.put("seed", a.seed());
            fx.put("adaround", ad);
        } else {
            fx.put("adaround", null);
        }
        m.put("fixes", fx);
        return m;
    }

    private static Map<String, Object> override(QuantizerOverride o) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!o.enabled()) {
            m.put("enabled", false);
        }
        if (o.bits() != null) {
            m.put("bits", o.bits());
        }
        if (o.granularity() != null) {
            m.put("granularity", id(o.granularity()));
        }
        if (o.rangeMethod() != null) {
            m.put("range", o.rangeMethod());
        }
        return m;
    }

    /**
     * The configuration as one line of JSON (the experiment key of reliability results).
     *
     * @param c the configuration
     * @return compact JSON
     */
    public static String compact(QuantConfig c) {
        try {
            return new ObjectMapper().writeValueAsString(tree(c));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a configuration file.
     *
     * @param c    the configuration
     * @param file where
     */
    public static void write(QuantConfig c, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            MAPPER.writeValue(file.toFile(), tree(c));
        } catch (IOException e) {
            throw new InputException("cannot write the configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a configuration file: a file written by {@link #write}, a hand-written subset of it, a result JSON of
     * QuantScope (its {@code provenance.configuration}), or an investigation (its {@code final.settings}).
     *
     * @param file the file
     * @return the configuration
     * @throws InputException naming the file and what is wrong
     */
    public static QuantConfig read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InputException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new InputException("configuration file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root != null && !root.has("format") && root.path("provenance").has("configuration")) {
            root = root.path("provenance").get("configuration"); // a result file: take its configuration
        } else if (root != null && "quantscope-investigation".equals(root.path("format").asText())) {
            if (!root.path("final").has("settings")) {
                throw new InputException("investigation " + file + " has no final configuration yet (it stopped "
                        + "before the baseline)");
            }
            root = root.path("final").get("settings"); // an investigation: take its final configuration
        }
        try {
            return fromTree(root);
        } catch (InputException e) {
            throw new InputException("configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a configuration from its JSON text.
     *
     * @param json the text
     * @return the configuration
     */
    public static QuantConfig parse(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new InputException("not a configuration: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A configuration from its JSON tree.
     *
     * @param root the tree
     * @return the configuration
     * @throws InputException naming the field that is wrong
     */
    public static QuantConfig fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InputException("a configuration is a JSON object with \"format\": \"" + FORMAT + "\"");
        }
        known(root, "", "format", "version", "scheme", "overrides", "calibration", "fixes");
        if (root.has("format") && !FORMAT.equals(root.get("format").asText())) {
            throw new InputException("\"format\" is \"" + root.get("format").asText() + "\", expected \"" + FORMAT
                    + "\"");
        }
        int version = root.has("version") ? integer(root, "version", "") : VERSION;
        if (version != VERSION) {
            throw new InputException("version " + version + " is not supported (this QuantScope reads version "
                    + VERSION + ")");
        }
        QuantSettings d = QuantSettings.DEFAULT;
        JsonNode s = object(root, "scheme");
        known(s, "scheme.", "preset", "weightBits", "activationBits", "weightGranularity", "weightSymmetric",
                "activationSymmetric", "adaptiveActivationSign", "scaleType", "scaleConvention", "placement",
                "foldBatchNorm", "bias", "weightRange", "activationRange");
        Map<String, QuantizerOverride> overrides = new LinkedHashMap<>();
        JsonNode ov = object(root, "overrides");
        Iterator<Map.Entry<String, JsonNode>> it = ov.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = "overrides." + e.getKey() + ".";
            JsonNode o = e.getValue();
            if (!o.isObject()) {
                throw new InputException(at.substring(0, at.length() - 1) + " must be an object such as "
                        + "{\"bits\": 4} or {\"enabled\": false}");
            }
            known(o, at, "enabled", "bits", "granularity", "range");
            overrides.put(e.getKey(), new QuantizerOverride(bool(o, "enabled", true, at),
                    o.has("bits") && !o.get("bits").isNull() ? integer(o, "bits", at) : null,
                    o.has("granularity") && !o.get("granularity").isNull()
                            ? enumValue(Granularity.class, text(o, "granularity", null, at), at + "granularity")
                            : null,
                    o.has("range") && !o.get("range").isNull() ? text(o, "range", null, at) : null));
        }
        QuantSettings scheme = new QuantSettings(
                s.has("weightBits") ? integer(s, "weightBits", "scheme.") : d.weightBits(),
                s.has("activationBits") ? integer(s, "activationBits", "scheme.") : d.activationBits(),
                s.has("weightGranularity") ? enumValue(Granularity.class, text(s, "weightGranularity", null,
                        "scheme."), "scheme.weightGranularity") : d.weightGranularity(),
                bool(s, "weightSymmetric", d.weightSymmetric(), "scheme."),
                bool(s, "activationSymmetric", d.activationSymmetric(), "scheme."),
                bool(s, "adaptiveActivationSign", d.adaptiveActivationSign(), "scheme."),
                scaleType(text(s, "scaleType", "float", "scheme.")),
                s.has("scaleConvention") ? enumValue(ScaleConvention.class, text(s, "scaleConvention", null,
                        "scheme."), "scheme.scaleConvention") : d.convention(),
                text(s, "weightRange", d.weightRange(), "scheme."),
                text(s, "activationRange", d.activationRange(), "scheme."),
                bool(s, "foldBatchNorm", d.foldBatchNorm(), "scheme."),
                s.has("placement") ? enumValue(ActivationPlacement.class, text(s, "placement", null, "scheme."),
                        "scheme.placement") : d.placement(),
                bias(text(s, "bias", "float", "scheme.")),
                text(s, "preset", d.preset(), "scheme."), overrides);
        CalibrationSettings cal = null;
        String pool = null;
        JsonNode c = root.get("calibration");
        if (c == null) {
            cal = CalibrationSettings.DEFAULT;
        } else if (!c.isNull()) {
            if (!c.isObject()) {
                throw new InputException("calibration must be an object or null");
            }
            known(c, "calibration.", "size", "seed", "sampling", "batch", "pool");
            CalibrationSettings k = CalibrationSettings.DEFAULT;
            cal = new CalibrationSettings(c.has("size") ? integer(c, "size", "calibration.") : k.size(),
                    c.has("seed") ? longValue(c, "seed", "calibration.") : k.seed(),
                    c.has("sampling") ? enumValue(CalibrationSampler.Strategy.class, text(c, "sampling", null,
                            "calibration."), "calibration.sampling") : k.sampling(),
                    c.has("batch") ? integer(c, "batch", "calibration.") : k.batchSize());
            pool = c.has("pool") && !c.get("pool").isNull() ? text(c, "pool", null, "calibration.") : null;
        }
        JsonNode f = object(root, "fixes");
        known(f, "fixes.", "cle", "relu6", "biasAbsorption", "biasCorrection", "adaround");
        AdaRoundSettings ada = null;
        JsonNode a = f.get("adaround");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw new InputException("fixes.adaround must be an object (its hyper-parameters) or null");
            }
            known(a, "fixes.adaround.", "iterations", "samples", "batchRows", "maxRows", "lambda", "betaStart",
                    "betaEnd", "warmStart", "learningRate", "seed");
            AdaRoundSettings k = AdaRoundSettings.DEFAULT;
            String at = "fixes.adaround.";
            ada = new AdaRoundSettings(a.has("iterations") ? integer(a, "iterations", at) : k.iterations(),
                    a.has("samples") ? integer(a, "samples", at) : k.samples(),
                    a.has("batchRows") ? integer(a, "batchRows", at) : k.batchRows(),
                    a.has("maxRows") ? integer(a, "maxRows", at) : k.maxRows(),
                    number(a, "lambda", k.lambda(), at), number(a, "betaStart", k.betaStart(), at),
                    number(a, "betaEnd", k.betaEnd(), at), number(a, "warmStart", k.warmStart(), at),
                    number(a, "learningRate", k.learningRate(), at),
                    a.has("seed") ? longValue(a, "seed", at) : k.seed());
        }
        String bc = f.has("biasCorrection") && !f.get("biasCorrection").isNull()
                ? text(f, "biasCorrection", null, "fixes.") : null;
        PtqPipeline.Fixes fixes = new PtqPipeline.Fixes(bool(f, "cle", false, "fixes."),
                bool(f, "biasAbsorption", false, "fixes."), bc, ada,
                relu6(text(f, "relu6", CrossLayerEqualization.Relu6Handling.EXACT.id(), "fixes.")));
        return new QuantConfig(scheme, cal, pool, fixes);
    }

    /**
     * The fields in which two trees differ, named by their path in the JSON form, with both values.
     *
     * @param there the other configuration's tree
     * @param here  this configuration's tree
     * @return the differences in a fixed order
     */
    static List<String> differences(Map<String, Object> there, Map<String, Object> here) {
        Map<String, Object> a = new LinkedHashMap<>();
        Map<String, Object> b = new LinkedHashMap<>();
        flatten("", there, a);
        flatten("", here, b);
        Set<String> keys = new java.util.LinkedHashSet<>(b.keySet());
        keys.addAll(a.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            Object x = a.get(k);
            Object y = b.get(k);
            if (!java.util.Objects.equals(show(x), show(y))) {
                out.add(k + " (" + show(x) + " there, " + show(y) + " here)");
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            String k = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> m && !k.equals("fixes.adaround") && !prefix.startsWith("overrides.")
                    && !m.isEmpty()) {
                flatten(k + ".", (Map<String, Object>) m, out);
            } else if (e.getValue() instanceof Map<?, ?> m && m.isEmpty() && !k.startsWith("overrides.")) {
                out.put(k, "none"); // no overrides at all
            } else {
                out.put(k, e.getValue());
            }
        }
    }

    private static String show(Object v) {
        if (v == null) {
            return "none";
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(k + ": " + show(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(v);
    }

    private static void known(JsonNode node, String at, String... names) {
        Set<String> allowed = Set.of(names);
        Iterator<String> it = node.fieldNames();
        List<String> unknown = new ArrayList<>();
        while (it.hasNext()) {
            String n = it.next();
            if (!allowed.contains(n)) {
                unknown.add(at + n);
            }
        }
        if (!unknown.isEmpty()) {
            throw new InputException("unknown field" + (unknown.size() == 1 ? " " : "s ") + String.join(", ", unknown)
                    + "; known here: " + String.join(", ", names));
        }
    }

    private static JsonNode object(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return MAPPER.createObjectNode();
        }
        if (!n.isObject()) {
            throw new InputException(name + " must be a JSON object");
        }
        return n;
    }

    private static int integer(JsonNode n, String name, String at) {
        JsonNode v = n.get(name);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new InputException(at + name + " must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static long longValue(JsonNode n, String name, String at) {
        JsonNode v = n.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InputException(at + name + " must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static double number(JsonNode n, String name, double fallback, String at) {
        JsonNode v = n.get(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new InputException(at + name + " must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode n, String name, boolean fallback, String at) {
        JsonNode v = n.get(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new InputException(at + name + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static String text(JsonNode n, String name, String fallback, String at) {
        JsonNode v = n.get(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new InputException(at + name + " must be a string, got " + v);
        }
        return v.textValue();
    }

    private static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String field) {
        for (E e : type.getEnumConstants()) {
            if (id(e).equals(text.trim().toLowerCase(Locale.ROOT).replace('_', '-'))) {
                return e;
            }
        }
        List<String> ids = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            ids.add(id(e));
        }
        throw new InputException(field + " is '" + text + "'; expected one of " + String.join(", ", ids));
    }

    private static ScaleConstraint scaleType(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "float" -> ScaleConstraint.FREE;
            case "power-of-two" -> ScaleConstraint.POWER_OF_TWO;
            default -> throw new InputException("scheme.scaleType is '" + v + "'; expected float or power-of-two");
        };
    }

    private static boolean bias(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "float" -> false;
            case "int32" -> true;
            default -> throw new InputException("scheme.bias is '" + v + "'; expected float or int32");
        };
    }

    private static CrossLayerEqualization.Relu6Handling relu6(String v) {
        for (CrossLayerEqualization.Relu6Handling h : CrossLayerEqualization.Relu6Handling.values()) {
            if (h.id().equals(v.trim().toLowerCase(Locale.ROOT))) {
                return h;
            }
        }
        throw new InputException("fixes.relu6 is '" + v + "'; expected exact, relu or skip");
    }
}
