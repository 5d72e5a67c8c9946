package org.quantscope.core.onnx;

import org.quantscope.core.InputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What QuantScope can and cannot do with a loaded model, and why. Any valid ONNX model loads and shows its structure;
 * feeding data (evaluation, calibration, every analysis) needs exactly one float32 data input with a batch dimension
 * followed by the sample shape, and quantizing (simulation, diagnosis, export) also needs a graph that could be
 * brought to opset 13 ({@link ModelOrigin#problem()}) and float weights ({@link #quantizeProblem}).
 */
public final class ModelCapabilities {

    /**
     * One thing QuantScope does with models.
     *
     * @param task     e.g. {@code evaluate}
     * @param possible whether it can be done with this model
     * @param reason   why not, or what it will work on
     */
    public record Capability(String task, boolean possible, String reason) {
    }

    private ModelCapabilities() {
    }

    /**
     * Why data cannot be fed to the model, if so (without the file name), e.g. {@code 2 data inputs (a, b);
     * QuantScope feeds one image or feature input}.
     *
     * @param m the model
     * @return the reason, or empty when one float32 input with a batch dimension can be fed
     */
    public static Optional<String> feedProblem(OnnxModel m) {
        List<TensorSpec> in = m.inputs();
        if (in.isEmpty()) {
            return Optional.of((m.origin().constantInputs() > 0 ? "no data input: every graph input has an "
                    + "initializer, so it is a constant" : "no graph input")
                    + "; QuantScope feeds one image or feature input");
        }
        if (in.size() > 1) {
            return Optional.of(in.size() + " data inputs (" + in.stream().map(t -> t.name() + " " + t.shapeText())
                    .collect(Collectors.joining(", ")) + "); QuantScope feeds one image or feature input");
        }
        TensorSpec t = in.get(0);
        if (!t.elementType().equals("float32")) {
            return Optional.of("input '" + t.name() + "' is " + t.elementType() + "; QuantScope feeds float32 "
                    + "tensors");
        }
        if (t.rank() == 0) {
            return Optional.of("input '" + t.name() + "' declares no shape; QuantScope needs [batch, sample "
                    + "dimensions...] to read data for it");
        }
        if (t.rank() == 1) {
            return Optional.of("input '" + t.name() + "' has shape " + t.shapeText() + ": one dimension, no batch "
                    + "dimension before the sample; QuantScope feeds batches [batch, sample dimensions...] (export "
                    + "the model with a batch dimension, e.g. [N, 784])");
        }
        return Optional.empty();
    }

    /**
     * Throws when data cannot be fed to the model: every analysis that reads a dataset calls this first.
     *
     * @param m the model
     * @throws InputException naming the file and the reason
     */
    public static void requireFeedable(OnnxModel m) {
        feedProblem(m).ifPresent(p -> {
            throw new InputException(m.path() + ": QuantScope cannot feed data to this model: " + p + ". `info` "
                    + "still shows its structure.");
        });
    }

    /**
     * Throws when the model cannot be quantized ({@link #quantizeProblem}): its graph could not be brought to opset 13,
     * which every quantized graph needs, or it is already quantized.
     *
     * @param m the model
     * @throws InputException naming the file and the reason (node, operator and opset; or the first quantized layer)
     */
    public static void requireQuantizable(OnnxModel m) {
        quantizeProblem(m).ifPresent(p -> {
            throw new InputException(p);
        });
    }

    /**
     * Why the model cannot be quantized (even when data can be fed), if so: its graph could not be brought to opset 13
     * ({@link ModelOrigin#problem()}), or it is already quantized: its layers have integer weights behind a
     * DequantizeLinear (a QDQ model such as QuantScope's own export), and QuantScope simulates the quantization of
     * float models.
     *
     * @param m the model
     * @return the reason, naming the file, or empty
     */
    public static Optional<String> quantizeProblem(OnnxModel m) {
        return m.origin().problem().or(() -> alreadyQuantized(m));
    }

    /**
     * Why the model cannot be quantized because it already is, if so: its layers have integer weights behind a
     * DequantizeLinear.
     *
     * @param m the model
     * @return the reason, naming the file and the first quantized layer, or empty for a float model
     */
    public static Optional<String> alreadyQuantized(OnnxModel m) {
        List<Layer> quantized = m.layers().stream()
                .filter(l -> !m.constant(l.weightName()).map(WeightTensor::isFloat).orElse(false)).toList();
        if (quantized.isEmpty()) {
            return Optional.empty();
        }
        Layer l = quantized.get(0);
        String type = m.constant(l.weightName()).map(WeightTensor::elementType).orElse("non-float");
        return Optional.of(m.path().getFileName() + " is already quantized: " + quantized.size() + " of its "
                + m.layers().size() + " layers have " + type + " weights behind a DequantizeLinear (first: "
                + l.name() + "). QuantScope simulates the quantization of a float model: quantize the float model "
                + "this one was made from (@{evaluateQdq})");
    }

    /**
     * The tasks, in the order a user meets them: show the structure, evaluate, quantize/diagnose, export.
     *
     * @param m the model
     * @return one entry per task
     */
    public static List<Capability> of(OnnxModel m) {
        List<Capability> list = new ArrayList<>();
        ModelOrigin o = m.origin();
        list.add(new Capability("info", true, "opset " + o.opset() + ", IR " + o.irVersion()
                + (o.converted() ? "; analysed as the equivalent opset-" + m.opset() + " graph" : "")));
        Optional<String> feed = feedProblem(m);
        TensorSpec in = m.inputs().isEmpty() ? null : m.inputs().get(0);
        list.add(new Capability("evaluate", feed.isEmpty(), feed.orElseGet(() -> "feeds '" + in.name() + "' "
                + in.shapeText() + " with batches of samples " + sampleShape(in))));
        Optional<String> quant = feed.isPresent() ? feed : quantizeProblem(m);
        String layers = m.layers().isEmpty() ? "no Conv/Gemm/MatMul with constant weights: activations only"
                : m.layers().size() + " layer" + (m.layers().size() == 1 ? "" : "s") + " with weights";
        list.add(new Capability("quantize, diagnose, reliability", quant.isEmpty(), quant.orElse(layers)));
        list.add(new Capability("export QDQ", quant.isEmpty(), quant.orElse("opset " + Math.max(m.opset(),
                OpsetUpgrade.TARGET_OPSET) + " QuantizeLinear/DequantizeLinear model")));
        return List.copyOf(list);
    }

    /**
     * The capabilities with consecutive tasks of the same answer and reason merged into one entry
     * ({@code evaluate, quantize, diagnose, reliability, export QDQ}), so a reason is said once.
     *
     * @param caps capabilities as {@link #of} gives them
     * @return the merged list, in the same order
     */
    public static List<Capability> merged(List<Capability> caps) {
        List<Capability> out = new ArrayList<>();
        for (Capability c : caps) {
            Capability last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.possible() == c.possible() && last.reason().equals(c.reason())) {
                out.set(out.size() - 1, new Capability(last.task() + ", " + c.task(), c.possible(), c.reason()));
            } else {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    private static String sampleShape(TensorSpec in) {
        String s = in.shapeText();
        int comma = s.indexOf(", ");
        return comma < 0 ? "[]" : "[" + s.substring(comma + 2);
    }
}
