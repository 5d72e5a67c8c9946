package org.quantscope.ui.main;

import org.quantscope.core.onnx.BlockSummary;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.ModelCapabilities;
import org.quantscope.core.onnx.ModelOrigin;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedWeight;
import org.quantscope.core.onnx.TensorSpec;
import org.quantscope.core.onnx.WeightTensor;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the window shows about a loaded model, formatted once when the model is opened: the tile values, the
 * input/output line and the layer table rows.
 *
 * @param fileName         model file name
 * @param parameters       parameter count, e.g. {@code 227,146}
 * @param parametersDetail size as float32, e.g. {@code 0.91 MB as float32}
 * @param layers           number of quantization layers
 * @param layersDetail     layers by kind, e.g. {@code 8 Conv · 6 Depthwise conv · 1 Gemm}
 * @param opset            default-domain opset of the file
 * @param opsetDetail      IR version and producer, and the opset QuantScope analyses an older file at
 * @param inputsOutputs    e.g. {@code input: input float32 [batch, 1, 28, 28] → logits [batch, 10]}
 * @param limits           what cannot be done with the model and why, empty when everything can
 * @param canEvaluate      whether data can be fed to the model
 * @param rows             the layer table
 * @param blocks           blocks and fused activations, e.g. {@code 9 squeeze-and-excitation blocks · fused
 *                         activations: 19 HardSwish, 14 ReLU}, and for an already quantized model its integer layers;
 *                         empty when there is nothing to say
 */
public record ModelSummary(String fileName, String parameters, String parametersDetail, String layers,
                           String layersDetail, String opset, String opsetDetail, String inputsOutputs,
                           String limits, boolean canEvaluate, List<LayerRow> rows, String blocks) {

    /**
     * Summarizes a model.
     *
     * @param model the loaded model
     * @return display texts
     */
    public static ModelSummary of(OnnxModel model) {
        long params = model.parameterCount();
        List<Layer> layers = model.layers();
        List<LayerRow> rows = new ArrayList<>(layers.size());
        BlockSummary blocks = BlockSummary.of(model);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String block = blocks.blockOf(l);
            String type = blocks.quantizedWeight(l).map(QuantizedWeight::text)
                    .orElseGet(() -> model.constant(l.weightName()).map(WeightTensor::elementType).orElse("?"));
            rows.add(new LayerRow(i + 1, l.name(), l.kind().label(), l.weightShapeText(), l.parameters(),
                    fusedWith(l), block == null ? "—" : block, type));
        }
        String quantized = blocks.quantizedText(layers.size());
        String producer = model.producer().isEmpty() ? "" : " · " + model.producer();
        ModelOrigin origin = model.origin();
        String analysed = origin.converted() && origin.opset() != model.opset()
                ? " · analysed as opset " + model.opset() : "";
        List<ModelCapabilities.Capability> caps = ModelCapabilities.of(model);
        return new ModelSummary(String.valueOf(model.path().getFileName()),
                String.format(Locale.ROOT, "%,d", params),
                byteSize(params * 4) + " as float32",
                String.valueOf(layers.size()), kinds(layers),
                origin.opset() < 0 ? "—" : String.valueOf(origin.opset()),
                "ONNX IR " + origin.irVersion() + producer + analysed,
                inputsOutputs(model), limits(caps), ModelCapabilities.feedProblem(model).isEmpty(), List.copyOf(rows),
                String.join(" · ", java.util.stream.Stream.of(blocks.text(), quantized).filter(t -> !t.isEmpty())
                        .toList()));
    }

    /** {@code Cannot evaluate, quantize, ...: <reason>.} for every task that cannot be done, each reason once. */
    static String limits(List<ModelCapabilities.Capability> caps) {
        return ModelCapabilities.merged(caps).stream().filter(c -> !c.possible())
                .map(c -> "Cannot " + c.task() + ": " + org.quantscope.core.SettingNames.plainText(c.reason()) + ".").collect(Collectors.joining(" "));
    }

    /** What is fused into the layer: {@code BN}, {@code ReLU6}, {@code BN + HardSwish}, or {@code —}. */
    static String fusedWith(Layer l) {
        List<String> parts = new ArrayList<>(2);
        if (l.batchNorm() != null) {
            parts.add("BN");
        }
        if (l.activation() != null) {
            parts.add(l.activationText());
        }
        return parts.isEmpty() ? "—" : String.join(" + ", parts);
    }

    /** A byte count as {@code 912 B}, {@code 3.5 kB} or {@code 0.91 MB} (decimal units). */
    static String byteSize(long bytes) {
        if (bytes < 1_000) {
            return bytes + " B";
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }

    private static String kinds(List<Layer> layers) {
        if (layers.isEmpty()) {
            return "no Conv, Gemm or MatMul found";
        }
        Map<LayerKind, Long> counts = new EnumMap<>(LayerKind.class);
        layers.forEach(l -> counts.merge(l.kind(), 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(" · "));
    }

    private static String inputsOutputs(OnnxModel model) {
        String in = model.inputs().stream().map(t -> t.name() + " " + t.elementType() + " " + t.shapeText())
                .collect(Collectors.joining(", "));
        String out = model.outputs().stream().map(ModelSummary::nameAndShape).collect(Collectors.joining(", "));
        return (model.inputs().size() > 1 ? "inputs: " : "input: ") + (in.isEmpty() ? "none" : in) + "  →  " + out;
    }

    private static String nameAndShape(TensorSpec t) {
        return t.name() + " " + t.shapeText();
    }
}
