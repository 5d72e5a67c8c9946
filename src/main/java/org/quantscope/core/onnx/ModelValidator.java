package org.quantscope.core.onnx;

import org.quantscope.core.InputException;

/**
 * Refuses, at load time, what QuantScope cannot even describe: no default ONNX opset, an opset older than
 * {@link OnnxModelLoader#MIN_OPSET}, no graph output. Everything else loads; what can be done with the model is
 * {@link ModelCapabilities}' business.
 */
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
            throw new InputException(file + " uses opset " + m.opset() + "; QuantScope reads opset "
                    + OnnxModelLoader.MIN_OPSET + " or newer (ONNX Runtime's own limit). Convert it first, e.g. "
                    + "python3 -c \"import onnx, onnx.version_converter as v; onnx.save(v.convert_version("
                    + "onnx.load('" + m.path().getFileName() + "'), 13), 'model13.onnx')\", or re-export it with "
                    + "torch.onnx.export(..., opset_version=13).");
        }
        if (m.opset() > OnnxModelLoader.MAX_TESTED_OPSET) {
            m.addWarning("opset " + m.opset() + " is newer than the newest tested opset "
                    + OnnxModelLoader.MAX_TESTED_OPSET + "; ONNX Runtime will run it, but check the results.");
        }
        if (m.outputs().isEmpty()) {
            throw new InputException(file + " has no graph outputs.");
        }
    }
}
