package org.quantscope.core.onnx;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order, as returned from a model run.
 *
 * @param shape dimensions
 * @param data  values, row-major; not copied, do not modify
 */
public record FloatTensor(long[] shape, float[] data) {

    /** Size of dimension 0 (the batch), or 1 for a scalar. */
    public int rows() {
        return shape.length == 0 ? 1 : (int) shape[0];
    }

    /** Number of values per row (product of all dimensions but the first). */
    public int rowLength() {
        return rows() == 0 ? 0 : data.length / rows();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(t.shape, shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
