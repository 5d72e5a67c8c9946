package org.quantscope.core.onnx;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A constant tensor of the graph (initializer or Constant node output) converted to float64-free Java arrays.
 * Floating-point data is read as {@code float[]}; integer data as {@code long[]}; other types keep only their shape.
 *
 * <p>Large floating-point initializers of a loaded or rewritten model are decoded from the model's protobuf on first
 * use and kept only softly (issue 14): the protobuf already holds the values (for a loaded file, as a view of the
 * file's bytes), so a second, decoded copy of all of ResNet-50's 100 MB on the heap per model of a pipeline would be
 * pure duplication. The garbage collector may drop the decoded copy under memory pressure; the next call decodes it
 * again, to the same values. Callers never modify the returned array (they clone it to change it).
 */
public final class WeightTensor {

    private final String name;
    private final String elementType;
    private final long[] dims;
    private final float[] floats;
    private final long[] longs;
    private final Supplier<float[]> decoder;
    private SoftReference<float[]> decoded;

    /**
     * A tensor with its values held.
     *
     * @param name        tensor name
     * @param elementType ONNX element type in lower case
     * @param dims        dimensions
     * @param floats      values of a float16/bfloat16/float32/float64 tensor converted to float32, else {@code null}
     * @param longs       values of an integer or bool tensor, else {@code null}
     */
    public WeightTensor(String name, String elementType, long[] dims, float[] floats, long[] longs) {
        this(name, elementType, dims, floats, longs, null);
    }

    private WeightTensor(String name, String elementType, long[] dims, float[] floats, long[] longs,
                         Supplier<float[]> decoder) {
        this.name = name;
        this.elementType = elementType;
        this.dims = dims;
        this.floats = floats;
        this.longs = longs;
        this.decoder = decoder;
    }

    /**
     * A floating-point tensor whose values are decoded when first asked for and kept softly.
     *
     * @param name        tensor name
     * @param elementType ONNX element type in lower case
     * @param dims        dimensions
     * @param decoder     produces the values as float32, the same each time
     * @return the tensor
     */
    static WeightTensor decodedOnDemand(String name, String elementType, long[] dims, Supplier<float[]> decoder) {
        return new WeightTensor(name, elementType, dims, null, null, decoder);
    }

    /** Tensor name. */
    public String name() {
        return name;
    }

    /** ONNX element type in lower case. */
    public String elementType() {
        return elementType;
    }

    /** Dimensions (a copy). */
    public long[] dims() {
        return dims.clone();
    }

    /**
     * Values of a floating-point tensor as float32, or {@code null} for other types. Do not modify the array.
     *
     * @return the values
     */
    public float[] floats() {
        if (floats != null || decoder == null) {
            return floats;
        }
        synchronized (this) {
            float[] f = decoded == null ? null : decoded.get();
            if (f == null) {
                f = decoder.get();
                decoded = new SoftReference<>(f);
            }
            return f;
        }
    }

    /** Values of an integer or bool tensor, or {@code null} for other types. */
    public long[] longs() {
        return longs;
    }

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
        return floats != null || decoder != null;
    }

    /** The single value of a one-element tensor as a double. */
    public double scalar() {
        if (size() != 1) {
            throw new IllegalStateException(name + " is not a scalar: dims " + Arrays.toString(dims));
        }
        return isFloat() ? floats()[0] : longs[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightTensor w && w.name.equals(name) && Arrays.equals(w.dims, dims)
                && Arrays.equals(w.floats(), floats()) && Arrays.equals(w.longs, longs);
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
