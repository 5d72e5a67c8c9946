package org.quantscope.report;

import org.quantscope.core.onnx.BlockSummary;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.ModelCapabilities;
import org.quantscope.core.onnx.ModelOrigin;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedWeight;
import org.quantscope.core.onnx.SqueezeExcitation;
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
 * says per task whether it can be done and why. Each of the {@code layers} has {@code name}, {@code op}, {@code kind},
 * {@code weight}, {@code weightShape}, {@code groups}, {@code parameters}, {@code batchNorm}, {@code activation} (as
 * the layer table shows it: ReLU6, HardSwish, SiLU, Sigmoid, ...), {@code activationKind}, {@code block}
 * ({@code SE reduce}, {@code SE expand} or null), {@code weightType}, {@code quantizedWeight} (for an already quantized
 * model: storage, bits, granularity, axis, symmetric; else null) and {@code output}; {@code activationCounts},
 * {@code squeezeExcitation} (the blocks), {@code quantizedLayers} and {@code activationQdqPairs} summarize them.
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
        BlockSummary blocks = BlockSummary.of(m);
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
            o.put("activation", l.activationText());
            o.put("activationKind", l.activationKind().name());
            o.put("block", blocks.blockOf(l));
            o.put("weightType", m.constant(l.weightName()).map(w -> w.elementType()).orElse(null));
            o.put("quantizedWeight", blocks.quantizedWeight(l).map(ModelSummaryJson::quantized).orElse(null));
            o.put("output", l.output());
            layers.add(o);
        }
        root.put("layers", layers);
        root.put("activationCounts", blocks.activationCounts());
        root.put("squeezeExcitation", blocks.squeezeExcitations().stream().map(ModelSummaryJson::block).toList());
        root.put("quantizedLayers", blocks.quantizedLayers());
        root.put("activationQdqPairs", blocks.activationQdqPairs());
        List<Map<String, Object>> caps = new ArrayList<>();
        for (ModelCapabilities.Capability c : ModelCapabilities.of(m)) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("task", c.task());
            o.put("possible", c.possible());
            o.put("reason", org.quantscope.core.SettingNames.plainText(c.reason()));
            caps.add(o);
        }
        root.put("capabilities", caps);
        root.put("warnings", m.warnings().stream().map(org.quantscope.core.SettingNames::plainText).toList());
        return root;
    }

    /** Writes the summary to a file. */
    public static void write(OnnxModel m, Path file) {
        Json.write(tree(m), file);
    }

    private static Map<String, Object> quantized(QuantizedWeight q) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("storage", q.storage());
        o.put("bits", q.bits());
        o.put("granularity", q.perChannel() ? "per-channel" : "per-tensor");
        o.put("axis", q.axis());
        o.put("symmetric", q.symmetric());
        return o;
    }

    private static Map<String, Object> block(SqueezeExcitation se) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("input", se.input());
        o.put("pool", se.pool().name());
        o.put("reduce", se.reduce().name());
        o.put("expand", se.expand().name());
        o.put("gate", se.gate().opType());
        o.put("scale", se.scale().name());
        o.put("output", se.output());
        return o;
    }

    private static Map<String, Object> tensor(TensorSpec t) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", t.name());
        o.put("type", t.elementType());
        o.put("shape", t.shape());
        return o;
    }
}
