package org.quantscope.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a result was made: which model (by content hash), which data, which settings, which software. Every result
 * record carries one so a report can always say where a number came from.
 *
 * @param modelPath    model file as given
 * @param modelSha256  hex SHA-256 of the model file
 * @param data         description of the data set(s) used
 * @param settings     the settings that influence the numbers, in a stable order
 * @param toolVersion  QuantScope version
 * @param runtime      ONNX Runtime and Java versions
 */
public record Provenance(String modelPath, String modelSha256, String data, Map<String, String> settings,
                         String toolVersion, String runtime) {

    public Provenance {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** Builds provenance with the running tool and runtime versions filled in. */
    public static Provenance of(String modelPath, String modelSha256, String data, Map<String, String> settings) {
        return new Provenance(modelPath, modelSha256, data, settings, Version.version(), Version.runtime());
    }

    /**
     * A copy with more settings appended (existing keys are replaced), for callers that know settings the computing
     * core call did not see, such as thread counts or where the data came from.
     *
     * @param more additional settings
     * @return the extended provenance
     */
    public Provenance withSettings(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(more);
        return new Provenance(modelPath, modelSha256, data, all, toolVersion, runtime);
    }
}
