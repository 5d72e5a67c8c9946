package org.quantscope.core.onnx;

import org.quantscope.core.InputException;

import java.util.stream.Collectors;

/** Checks that a parsed model is something QuantScope can feed and analyse; problems become {@link InputException}s. */
final class ModelValidator {

    private ModelValidator() {
    }

    static void validate(OnnxModel m) {
        String file = m.path().toString();
        if (m.opset() < 0) {
            throw new InputException(file + " imports no default ONNX opset (ai.onnx); expected opset "
                    + OnnxModelLoader.MIN_OPSET + " to " + OnnxModelLoader.MAX_TESTED_OPSET + ".");
        }
        if (m.opset() < OnnxModelLoader.MIN_OPSET) {
            throw new InputException(file + " uses opset " + m.opset() + "; QuantScope needs opset "
                    + OnnxModelLoader.MIN_OPSET + " or newer (re-export it, e.g. torch.onnx.export(..., opset_version=13)).");
        }
        if (m.opset() > OnnxModelLoader.MAX_TESTED_OPSET) {
            m.addWarning("opset " + m.opset() + " is newer than the newest tested opset "
                    + OnnxModelLoader.MAX_TESTED_OPSET + "; ONNX Runtime will run it, but check the results.");
        }
        if (m.inputs().isEmpty()) {
            throw new InputException(file + " has no graph inputs to feed (every input is an initializer). "
                    + "Expected one float32 input such as [batch, channels, height, width].");
        }
        if (m.inputs().size() > 1) {
            throw new InputException(file + " has " + m.inputs().size() + " graph inputs ("
                    + m.inputs().stream().map(TensorSpec::toString).collect(Collectors.joining(", "))
                    + "); QuantScope feeds models with exactly one image or feature input.");
        }
        TensorSpec in = m.inputs().get(0);
        if (!in.elementType().equals("float32")) {
            throw new InputException(file + ": input '" + in.name() + "' has element type " + in.elementType()
                    + "; QuantScope feeds float32 tensors.");
        }
        if (in.rank() < 2) {
            throw new InputException(file + ": input '" + in.name() + "' has shape " + in.shapeText()
                    + "; expected a batch dimension followed by the sample shape, e.g. [batch, 1, 28, 28].");
        }
        if (m.outputs().isEmpty()) {
            throw new InputException(file + " has no graph outputs.");
        }
    }
}
