package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.onnx.BlockSummary;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.ModelCapabilities;
import org.quantscope.core.onnx.ModelOrigin;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.QuantizedWeight;
import org.quantscope.core.onnx.TensorSpec;
import org.quantscope.report.ModelSummaryJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code quantscope info MODEL}: opset, inputs and outputs, the layer table, the operators, and what QuantScope can and
 * cannot do with the model and why. Works on any valid ONNX model of opset 7 or newer.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a model's opset, inputs/outputs, its quantization layers, and what QuantScope can do "
                + "with it.")
final class InfoCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "ONNX model file.")
    Path model;

    @Option(names = "--demo", description = "Show the bundled demo model.")
    boolean demo;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path file = model != null ? model : demo ? DemoAssets.locate().model() : null;
        if (file == null) {
            throw new InputException("No model given: quantscope info MODEL.onnx (or --demo).");
        }
        OnnxModel m = OnnxModelLoader.load(file);
        ModelOrigin origin = m.origin();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Model     %s%n", m.path());
        out.printf("SHA-256   %s%n", m.sha256());
        out.printf("Producer  %s   IR %d   opset %d%n", m.producer().isEmpty() ? "?" : m.producer(),
                origin.irVersion(), origin.opset());
        out.printf("Params    %,d   nodes %d   layers %d%n", m.parameterCount(), m.nodes().size(), m.layers().size());
        BlockSummary blocks = BlockSummary.of(m);
        if (!blocks.text().isEmpty()) {
            out.printf("Blocks    %s%n", blocks.text());
        }
        if (!blocks.quantizedText(m.layers().size()).isEmpty()) {
            out.printf("Quantized %s%n", blocks.quantizedText(m.layers().size()));
        }
        for (TensorSpec t : m.inputs()) {
            out.printf("Input     %s  %s %s%n", t.name(), t.elementType(), t.shapeText());
        }
        if (m.inputs().isEmpty()) {
            out.println("Input     (none)");
        }
        if (origin.constantInputs() > 0) {
            out.printf("Constants %d graph inputs have an initializer: constants, not data inputs%n",
                    origin.constantInputs());
        }
        for (TensorSpec t : m.outputs()) {
            out.printf("Output    %s  %s %s%n", t.name(), t.elementType(), t.shapeText());
        }
        m.warnings().forEach(w -> out.println("Warning   " + CliNames.text(w)));
        if (origin.converted()) {
            out.println();
            out.println("Analysed as an equivalent opset-" + m.opset() + " graph (the file is not changed; FP32 "
                    + "evaluation runs the file itself):");
            origin.changes().forEach(c -> out.println("  " + c));
        }
        out.println();
        int nameWidth = Math.max(5, m.layers().stream().mapToInt(l -> l.name().length()).max().orElse(5));
        int fusedWidth = Math.max(5, m.layers().stream().mapToInt(l -> fused(l).length()).max().orElse(5));
        int typeWidth = Math.max(7, m.layers().stream().mapToInt(l -> weightType(m, blocks, l).length()).max()
                .orElse(7));
        String fmt = "%-3s %-" + nameWidth + "s  %-15s %-12s %-" + typeWidth + "s %10s  %-" + fusedWidth
                + "s  %-9s  %s%n";
        out.printf(fmt, "#", "layer", "op", "weight", "weights", "params", "fused", "block", "batch norm node");
        int i = 1;
        for (Layer l : m.layers()) {
            String block = blocks.blockOf(l);
            out.printf(fmt, i++, l.name(), l.kind().label(), l.weightShapeText(), weightType(m, blocks, l),
                    String.format("%,d", l.parameters()), fused(l), block == null ? "-" : block,
                    l.batchNorm() == null ? "-" : l.batchNorm().name());
        }
        out.println();
        out.println("Ops       " + new TreeMap<>(origin.opCounts()));
        out.println();
        out.println("What QuantScope can do with this model:");
        for (ModelCapabilities.Capability c : ModelCapabilities.merged(ModelCapabilities.of(m))) {
            out.printf("  %-3s  %s: %s%n", c.possible() ? "yes" : "no", c.task(), CliNames.text(c.reason()));
        }
        if (json != null) {
            ModelSummaryJson.write(m, json);
            out.println("Wrote " + json);
        }
        return 0;
    }

    /** What is fused with the layer, e.g. {@code BN + HardSwish}, or {@code -}. */
    private static String fused(Layer l) {
        String fused = l.fusedText().substring(l.linear().opType().length()).replaceFirst("^ \\+ ", "");
        return fused.isEmpty() ? "-" : fused;
    }

    /** The weight's type: {@code float32}, or the integer grid of an already quantized layer. */
    private static String weightType(OnnxModel m, BlockSummary blocks, Layer l) {
        return blocks.quantizedWeight(l).map(QuantizedWeight::text)
                .orElseGet(() -> m.constant(l.weightName()).map(w -> w.elementType()).orElse("?"));
    }
}
