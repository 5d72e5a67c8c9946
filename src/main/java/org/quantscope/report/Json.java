package org.quantscope.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.quantscope.core.InputException;
import org.quantscope.core.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared JSON writing: pretty-printed, stable field order, non-finite numbers written as {@code null}. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** Serializes a tree of maps, lists, strings and numbers. */
    public static String toString(Object tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize JSON", e);
        }
    }

    /** Writes a tree to {@code file}, creating parent folders; failures name the file. */
    public static void write(Object tree, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toString(tree) + System.lineSeparator());
        } catch (IOException e) {
            throw new InputException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A finite number, or null. */
    public static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** An array of finite numbers or nulls. */
    public static List<Double> nums(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) {
            l.add(num(d));
        }
        return l;
    }

    /** Provenance as a JSON object. */
    public static Map<String, Object> provenance(Provenance p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modelPath", p.modelPath());
        m.put("modelSha256", p.modelSha256());
        m.put("data", p.data());
        m.put("settings", p.settings());
        m.put("version", p.toolVersion());
        m.put("runtime", p.runtime());
        // the complete configuration as an object (issue 15): quantize --config reads it back from the result file
        String key = org.quantscope.core.config.QuantConfig.PROVENANCE_KEY;
        List<Object> several = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : p.settings().entrySet()) {
            if (e.getKey().equals(key)) {
                m.put(key, org.quantscope.core.config.QuantConfigJson.tree(
                        org.quantscope.core.config.QuantConfigJson.parse(e.getValue())));
            } else if (e.getKey().endsWith("." + key)) {
                several.add(org.quantscope.core.config.QuantConfigJson.tree(
                        org.quantscope.core.config.QuantConfigJson.parse(e.getValue())));
            }
        }
        if (!several.isEmpty()) {
            m.put(key + "s", several);
        }
        return m;
    }
}
