package org.quantscope.report;

import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code info} summary of a model as JSON. */
public final class ModelSummaryJson {

    private ModelSummaryJson() {
    }

    /** The summary tree. */
    public static Map<String, Object> tree(OnnxModel m) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", m.path().toString());
        root.put("modelSha256", m.sha256());
        root.put("producer", m.producer());
        root.put("irVersion", m.irVersion());
        root.put("opset", m.opset());
        root.put("parameters", m.parameterCount());
        root.put("nodes", m.nodes().size());
        root.put("inputs", m.inputs().stream().map(ModelSummaryJson::tensor).toList());
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
