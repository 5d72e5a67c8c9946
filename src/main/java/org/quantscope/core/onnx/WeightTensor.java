package org.quantscope.core.onnx;

import java.util.Arrays;

/**
 * A constant tensor of the graph (initializer or Constant node output) converted to float64-free Java arrays.
 * Floating-point data is held as {@code float[]}; integer data as {@code long[]}; other types keep only their shape.
 *
 * @param name        tensor name
 * @param elementType ONNX element type in lower case
 * @param dims        dimensions
 * @param floats      values of a float16/bfloat16/float32/float64 tensor converted to float32, else {@code null}
 * @param longs       values of an integer or bool tensor, else {@code null}
 */
public record WeightTensor(String name, String elementType, long[] dims, float[] floats, long[] longs) {

    /** Number of elements (product of dims; 1 for a scalar). */
    public long size() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Whether the values are floating point. */
    public boolean isFloat() {
        return floats != null;
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The single value of a one-element tensor as a double. */
    public double scalar() {
        if (size() != 1) {
            throw new IllegalStateException(name + " is not a scalar: dims " + Arrays.toString(dims));
        }
        return floats != null ? floats[0] : longs[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightTensor w && w.name.equals(name) && Arrays.equals(w.dims, dims)
                && Arrays.equals(w.floats, floats) && Arrays.equals(w.longs, longs);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + elementType + Arrays.toString(dims);
    }
}
