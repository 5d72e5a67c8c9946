package org.quantscope.core.quant;

import java.util.Arrays;

/**
 * Quantize-dequantize ("fake quantization", white paper eq. 7 and figure 4b) of float32 tensors, bit for bit like ONNX
 * {@code QuantizeLinear} followed by {@code DequantizeLinear} as ONNX Runtime computes them:
 * <pre>
 *   q  = clamp(nearbyint(x / s) + z, qmin, qmax)     x / s is a float32 division; nearbyint rounds half to even
 *   x' = (float) (q - z) * s                          float32 multiplication
 * </pre>
 * Ties go to the even integer: 2.5 becomes 2, 3.5 becomes 4, -2.5 becomes -2. NaN stays NaN and is not counted.
 *
 * <p>Encodings in the {@link ScaleConvention#PYTORCH} convention are applied the way PyTorch's fake-quantize kernels
 * do: {@code x * inv} with {@code inv = 1f / s} (a float32 reciprocal, then a float32 product) instead of
 * {@code x / s}. The two differ on values at or next to a rounding tie, which matters at 4 bits because the symmetric
 * PyTorch scale amax/7.5 puts each channel's largest weight exactly on a tie (docs/torch-reference.md).
 * Per-channel encodings apply channel {@code c} to every element whose index along the axis is {@code c}.
 */
public final class FakeQuantizer {

    private FakeQuantizer() {
    }

    /**
     * The integer grid value of one float, ONNX QuantizeLinear semantics.
     *
     * @param x    the value
     * @param s    the scale
     * @param z    the zero point
     * @param qmin grid minimum
     * @param qmax grid maximum
     * @return the saturated grid value
     */
    public static int quantize(float x, float s, int z, int qmin, int qmax) {
        float r = (float) Math.rint(x / s); // float32 division, then round half to even like std::nearbyint
        float v = r + z;
        return v <= qmin ? qmin : (v >= qmax ? qmax : (int) v);
    }

    /**
     * Fake-quantizes {@code data} in place of {@code out} (which may be {@code data} itself).
     *
     * @param data     values in row-major order
     * @param shape    the tensor's shape (only used for per-channel encodings)
     * @param encoding the quantization parameters
     * @param out      receives the dequantized values, same length as data
     * @return clipping and rounded-to-zero counts
     */
    public static FakeQuantStats quantizeDequantize(float[] data, int[] shape, Encoding encoding, float[] out) {
        if (out.length != data.length) {
            throw new IllegalArgumentException("output length " + out.length + " != input length " + data.length);
        }
        QuantizerSpec spec = encoding.spec();
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        boolean multiply = spec.convention() == ScaleConvention.PYTORCH;
        if (spec.granularity() == Granularity.PER_TENSOR) {
            return run(data, out, 0, data.length, multiply, encoding.scale(0), encoding.zeroPoint(0), qmin, qmax);
        }
        spec.checkShape(shape, "tensor");
        int axis = spec.axis();
        int channels = shape[axis];
        if (channels != encoding.channels()) {
            throw new IllegalArgumentException("encoding has " + encoding.channels() + " channels but axis " + axis
                    + " of shape " + Arrays.toString(shape) + " has " + channels);
        }
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not match " + data.length
                    + " values");
        }
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int outer = data.length / (inner * channels);
        long count = 0;
        long clipped = 0;
        long zeros = 0;
        for (int c = 0; c < channels; c++) {
            float s = encoding.scale(c);
            int z = encoding.zeroPoint(c);
            for (int o = 0; o < outer; o++) {
                int start = (o * channels + c) * inner;
                FakeQuantStats st = run(data, out, start, start + inner, multiply, s, z, qmin, qmax);
                count += st.count();
                clipped += st.clipped();
                zeros += st.roundedToZero();
            }
        }
        return new FakeQuantStats(count, clipped, zeros);
    }

    /**
     * The integer grid values of a tensor (what a QDQ model stores in an int8 initializer), consistent with
     * {@link #quantizeDequantize(float[], int[], Encoding, float[])}: {@code (q - z) * s} of the returned {@code q}
     * is exactly the fake-quantized value. Recovering {@code q} from that value is exact because
     * {@code |q - z| <= 2^16} and the float32 error of {@code ((q - z) * s) / s} is far below one half.
     *
     * @param data     values in row-major order (no NaN)
     * @param shape    the tensor's shape
     * @param encoding the quantization parameters
     * @return grid values, same length as data
     */
    public static int[] quantizeToGrid(float[] data, int[] shape, Encoding encoding) {
        float[] deq = new float[data.length];
        quantizeDequantize(data, shape, encoding, deq);
        int[] q = new int[data.length];
        int channels = encoding.channels();
        int axis = encoding.axis();
        int inner = 1;
        if (axis >= 0) {
            for (int d = axis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        for (int i = 0; i < deq.length; i++) {
            int c = channels == 1 ? 0 : (i / inner) % channels;
            float s = encoding.scale(c);
            q[i] = (int) Math.rint(deq[i] / s) + encoding.zeroPoint(c);
        }
        return q;
    }

    /**
     * Fake-quantizes a per-tensor quantizer's input and returns a new array.
     *
     * @param data     the values
     * @param encoding a per-tensor encoding
     * @return the dequantized values
     */
    public static float[] quantizeDequantize(float[] data, Encoding encoding) {
        float[] out = new float[data.length];
        quantizeDequantize(data, new int[] {data.length}, encoding, out);
        return out;
    }

    private static FakeQuantStats run(float[] data, float[] out, int from, int to, boolean multiply, float s, int z,
                                      int qmin, int qmax) {
        float inv = 1f / s;
        long count = 0;
        long clipped = 0;
        long zeros = 0;
        for (int i = from; i < to; i++) {
            float x = data[i];
            if (Float.isNaN(x)) {
                out[i] = x;
                continue;
            }
            count++;
            float v = (float) Math.rint(multiply ? x * inv : x / s) + z;
            int q;
            if (v < qmin) {
                q = qmin;
                clipped++;
            } else if (v > qmax) {
                q = qmax;
                clipped++;
            } else {
                q = (int) v;
            }
            float y = (float) (q - z) * s;
            if (y == 0f && x != 0f) {
                zeros++;
            }
            out[i] = y;
        }
        return new FakeQuantStats(count, clipped, zeros);
    }
}
