package org.quantscope.report;

import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.ModelCapabilities;
import org.quantscope.core.onnx.ModelOrigin;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code info} summary of a model as JSON. {@code opset} and {@code irVersion} are the file's; a file QuantScope
 * analyses as an equivalent opset-13 graph also has {@code analysedOpset} and {@code conversions}; {@code capabilities}
 * says per task whether it can be done and why.
 */
public final class ModelSummaryJson {

    private ModelSummaryJson() {
    }

    /** The summary tree. */
    public static Map<String, Object> tree(OnnxModel m) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", m.path().toString());
        root.put("modelSha256", m.sha256());
        root.put("producer", m.producer());
        ModelOrigin origin = m.origin();
        root.put("irVersion", origin.irVersion());
        root.put("opset", origin.opset());
        root.put("analysedOpset", m.opset());
        root.put("conversions", origin.changes());
        root.put("conversionProblem", origin.problem().orElse(null));
        root.put("parameters", m.parameterCount());
        root.put("nodes", m.nodes().size());
        root.put("ops", new TreeMap<>(origin.opCounts()));
        root.put("inputs", m.inputs().stream().map(ModelSummaryJson::tensor).toList());
        root.put("constantInputs", origin.constantInputs());
        root.put("outputs", m.outputs().stream().map(ModelSummaryJson::tensor).toList());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : m.layers()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", l.name());
            o.put("op", l.linear().opType());
            o.put("kind", l.kind().name());
            o.put("weight", l.weightName());
            o.put("weightShape", l.weightShape());
            o.put("groups", l.groups());
            o.put("parameters", l.parameters());
            o.put("batchNorm", l.batchNorm() == null ? null : l.batchNorm().name());
            o.put("activation", l.activation() == null ? null : l.activationKind().label());
            o.put("output", l.output());
            layers.add(o);
        }
        root.put("layers", layers);
        List<Map<String, Object>> caps = new ArrayList<>();
        for (ModelCapabilities.Capability c : ModelCapabilities.of(m)) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("task", c.task());
            o.put("possible", c.possible());
            o.put("reason", c.reason());
            caps.add(o);
        }
        root.put("capabilities", caps);
        root.put("warnings", m.warnings());
        return root;
    }

    /** Writes the summary to a file. */
    public static void write(OnnxModel m, Path file) {
        Json.write(tree(m), file);
    }

    private static Map<String, Object> tensor(TensorSpec t) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", t.name());
        o.put("type", t.elementType());
        o.put("shape", t.shape());
        return o;
    }
}
