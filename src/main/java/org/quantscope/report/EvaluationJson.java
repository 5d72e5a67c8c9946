package org.quantscope.report;

import org.quantscope.core.eval.EvaluationResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An evaluation as JSON. Field names are a public interface used by scripts: {@code accuracy}, {@code perClassAccuracy}
 * (fractions in [0,1]), {@code samples}, {@code classes}, {@code confusion}, {@code provenance}.
 */
public final class EvaluationJson {

    private EvaluationJson() {
    }

    /** The JSON tree of an evaluation. */
    public static Map<String, Object> tree(EvaluationResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("accuracy", r.accuracy());
        root.put("perClassAccuracy", Json.nums(r.perClassAccuracy()));
        root.put("samples", r.samples());
        root.put("classes", r.classNames());
        root.put("classCounts", r.classCounts());
        root.put("confusion", r.confusion());
        root.put("imagesPerSecond", r.imagesPerSecond());
        root.put("seconds", r.seconds());
        root.put("provenance", Json.provenance(r.provenance()));
        return root;
    }

    /** Writes an evaluation to a file. */
    public static void write(EvaluationResult r, Path file) {
        Json.write(tree(r), file);
    }
}
