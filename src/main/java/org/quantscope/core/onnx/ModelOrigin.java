package org.quantscope.core.onnx;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a model file itself declares, and what QuantScope changed to analyse it (decision 0017). QuantScope analyses
 * and rewrites every graph at opset 13 or newer; a file written for opset 7 to 12 is brought there by an equivalent
 * graph ({@link OnnxModelLoader}), while FP32 evaluations of the model as loaded still run the file's own bytes.
 *
 * @param opset          the default-domain opset the file imports, -1 when none
 * @param irVersion      the file's ONNX IR version
 * @param opCounts       how many nodes of each operator type the file's graph has, by name
 * @param constantInputs how many graph inputs of the file are initializers (constants, never fed)
 * @param changes        what was changed to analyse the file at opset 13 (the first line names the opsets); empty when
 *                       QuantScope analyses the file's graph as it is
 * @param upgradeProblem why the graph could not be brought to opset 13 (file, node, operator), or empty
 */
public record ModelOrigin(long opset, long irVersion, Map<String, Integer> opCounts, int constantInputs,
                          List<String> changes, String upgradeProblem) {

    /** Copies the collections. */
    public ModelOrigin {
        opCounts = Map.copyOf(opCounts);
        changes = List.copyOf(changes);
    }

    /** Whether QuantScope analyses a graph converted from the file's rather than the file's own. */
    public boolean converted() {
        return !changes.isEmpty();
    }

    /** Why the graph could not be brought to opset 13, if so: quantizing and exporting are then refused. */
    public Optional<String> problem() {
        return upgradeProblem.isEmpty() ? Optional.empty() : Optional.of(upgradeProblem);
    }
}
