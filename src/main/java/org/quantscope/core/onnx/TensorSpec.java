package org.quantscope.core.onnx;

import java.util.Arrays;
import java.util.List;

/**
 * Name, element type and shape of a graph input, output or intermediate value.
 *
 * @param name        tensor name in the graph
 * @param elementType ONNX element type in lower case ({@code "float32"}, {@code "int64"}, ...), {@code "unknown"} if
 *                    the file does not say
 * @param shape       dimensions; {@code -1} for a dynamic or unknown dimension; empty when the rank is unknown
 * @param dimNames    symbolic dimension names ({@code "batch"}), {@code null} entries where the dimension is fixed
 */
public record TensorSpec(String name, String elementType, long[] shape, List<String> dimNames) {

    public TensorSpec {
        shape = shape.clone();
        dimNames = List.copyOf(dimNames.stream().map(s -> s == null ? "" : s).toList());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Rank of the tensor, or 0 when unknown. */
    public int rank() {
        return shape.length;
    }

    /** The shape as text, e.g. {@code [batch, 1, 28, 28]}. */
    public String shapeText() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            if (shape[i] >= 0) {
                b.append(shape[i]);
            } else {
                String n = i < dimNames.size() ? dimNames.get(i) : "";
                b.append(n.isEmpty() ? "?" : n);
            }
        }
        return b.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && t.elementType.equals(elementType)
                && Arrays.equals(t.shape, shape) && t.dimNames.equals(dimNames);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + elementType + shapeText();
    }
}
