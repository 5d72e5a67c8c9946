package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.TensorSpec;
import org.quantscope.report.ModelSummaryJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code quantscope info MODEL}: opset, inputs and outputs, and the layer table. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a model's opset, inputs/outputs and its quantization layers.")
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
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Model     %s%n", m.path());
        out.printf("SHA-256   %s%n", m.sha256());
        out.printf("Producer  %s   IR %d   opset %d%n", m.producer().isEmpty() ? "?" : m.producer(), m.irVersion(),
                m.opset());
        out.printf("Params    %,d   nodes %d   layers %d%n", m.parameterCount(), m.nodes().size(), m.layers().size());
        for (TensorSpec t : m.inputs()) {
            out.printf("Input     %s  %s %s%n", t.name(), t.elementType(), t.shapeText());
        }
        for (TensorSpec t : m.outputs()) {
            out.printf("Output    %s  %s %s%n", t.name(), t.elementType(), t.shapeText());
        }
        m.warnings().forEach(w -> out.println("Warning   " + w));
        out.println();
        int nameWidth = Math.max(5, m.layers().stream().mapToInt(l -> l.name().length()).max().orElse(5));
        String fmt = "%-3s %-" + nameWidth + "s  %-15s %-12s %10s  %-12s %s%n";
        out.printf(fmt, "#", "layer", "op", "weight", "params", "fused", "batch norm node");
        int i = 1;
        for (Layer l : m.layers()) {
            String fused = l.fusedText().substring(l.linear().opType().length()).replaceFirst("^ \\+ ", "");
            out.printf(fmt, i++, l.name(), l.kind().label(), l.weightShapeText(),
                    String.format("%,d", l.parameters()), fused.isEmpty() ? "-" : fused,
                    l.batchNorm() == null ? "-" : l.batchNorm().name());
        }
        Map<String, Integer> ops = new TreeMap<>();
        m.nodes().forEach(n -> ops.merge(n.opType(), 1, Integer::sum));
        out.println();
        out.println("Ops       " + ops);
        if (json != null) {
            ModelSummaryJson.write(m, json);
            out.println("Wrote " + json);
        }
        return 0;
    }
}
