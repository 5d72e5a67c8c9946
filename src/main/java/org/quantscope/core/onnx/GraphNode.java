package org.quantscope.core.onnx;

import java.util.List;
import java.util.Map;

/**
 * One node of the ONNX graph, in the project's own terms. Attribute values are {@link Long}, {@link Double},
 * {@link String}, {@code long[]}, {@code double[]}, {@code List<String>} or {@link WeightTensor}; graph-valued
 * attributes (If/Loop bodies) are recorded by name only.
 *
 * @param name       node name (generated as {@code opType_index} when the file has none)
 * @param opType     operator type, e.g. {@code Conv}
 * @param domain     operator domain, empty for the default ONNX domain
 * @param inputs     input tensor names (empty string for an omitted optional input)
 * @param outputs    output tensor names
 * @param attributes attribute values by name
 */
public record GraphNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                        Map<String, Object> attributes) {

    public GraphNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** The integer attribute {@code key}, or {@code fallback} when absent. */
    public long longAttr(String key, long fallback) {
        Object v = attributes.get(key);
        return v instanceof Long l ? l : fallback;
    }

    /** The float attribute {@code key}, or {@code fallback} when absent. */
    public double doubleAttr(String key, double fallback) {
        Object v = attributes.get(key);
        return v instanceof Double d ? d : fallback;
    }

    /** The integer-list attribute {@code key}, or {@code null} when absent. */
    public long[] longsAttr(String key) {
        Object v = attributes.get(key);
        return v instanceof long[] l ? l.clone() : null;
    }

    /** Input {@code i}, or the empty string when the node has fewer inputs or the input was omitted. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    /** The first output. */
    public String output() {
        return outputs.get(0);
    }
}
