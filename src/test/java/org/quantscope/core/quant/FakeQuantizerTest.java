package org.quantscope.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FakeQuantizerTest {

    private static Encoding unitScale(int bits, boolean signed) {
        // symmetric, max|x| = 2^(b-1)-1 -> s = 1 exactly, z = 0
        QuantizerSpec spec = QuantizerSpec.perTensor(bits, signed, true);
        float m = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        return EncodingCalculator.compute(spec, -m, m);
    }

    @Test
    void tiesRoundHalfToEven() {
        Encoding e = unitScale(8, true);
        assertEquals(1f, e.scale(0));
        float[] x = {2.5f, 3.5f, -2.5f, -3.5f, 0.5f, 1.5f, -0.5f, 2.4999998f, 2.5000002f};
        float[] expected = {2f, 4f, -2f, -4f, 0f, 2f, 0f, 2f, 3f}; // integer 0 has no sign: +0
        assertArrayEquals(expected, FakeQuantizer.quantizeDequantize(x, e));
        assertEquals(2, FakeQuantizer.quantize(2.5f, 1f, 0, -128, 127));
        assertEquals(4, FakeQuantizer.quantize(3.5f, 1f, 0, -128, 127));
        assertEquals(-2, FakeQuantizer.quantize(-2.5f, 1f, 0, -128, 127));
        // with a zero point the tie is decided before adding z: round(2.5) + 3 = 5
        assertEquals(5, FakeQuantizer.quantize(2.5f, 1f, 3, -128, 127));
    }

    @Test
    void divisionIsFloat32() {
        // 0.3f / 0.1f in float32 is exactly 3.0 while in double it is 2.9999999329...; both round to 3.
        // 0.35f / 0.1f: float32 gives 3.5 (tie -> 4); double gives 3.4999999...(-> 3). ONNX Runtime divides in float.
        float x = 0.35f;
        float s = 0.1f;
        assertEquals(3.5f, x / s);
        assertEquals(4, FakeQuantizer.quantize(x, s, 0, -128, 127));
        assertEquals(3.0, Math.rint((double) x / s)); // what a double division would give
    }

    @Test
    void saturatesAndCountsClippingAndZeros() {
        // 4-bit signed, s = 1: grid -8..7
        Encoding e = unitScale(4, true);
        float[] x = {10f, -9f, 0.4f, -0.5f, 0f, 3f};
        float[] out = new float[x.length];
        FakeQuantStats st = FakeQuantizer.quantizeDequantize(x, new int[] {6}, e, out);
        assertArrayEquals(new float[] {7f, -8f, 0f, 0f, 0f, 3f}, out);
        assertEquals(6, st.count());
        assertEquals(2, st.clipped());          // 10 -> 7, -9 -> -8
        assertEquals(2, st.roundedToZero());    // 0.4 and -0.5; exact 0 is not counted
        assertEquals(1.0 / 3, st.clippedShare(), 1e-12);
        assertEquals(1.0 / 3, st.roundedToZeroShare(), 1e-12);
    }

    @Test
    void asymmetricDequantizesThroughZeroPoint() {
        // [-1, 3] uint8: s = 4/255, z = 64. x = 1: 1/s = 63.75 -> 64, q = 128, x' = 64 s = 1.00392
        Encoding e = EncodingCalculator.compute(QuantizerSpec.perTensor(8, false, false), -1f, 3f);
        float s = e.scale(0);
        assertEquals(128, FakeQuantizer.quantize(1f, s, 64, 0, 255));
        float[] y = FakeQuantizer.quantizeDequantize(new float[] {1f, 0f, -1f, 5f}, e);
        assertEquals(64 * s, y[0]);
        assertEquals(0f, y[1]);              // zero is exact (z is an integer)
        assertEquals(-64 * s, y[2]);         // -1/s = -63.75 -> -64, q = 0
        assertEquals(191 * s, y[3]);         // clipped at 255
    }

    /** x[i] = (i - 10) / 2 on a [2,3,2,2] tensor. */
    private static float[] tensor() {
        float[] x = new float[24];
        for (int i = 0; i < 24; i++) {
            x[i] = (i - 10) * 0.5f;
        }
        return x;
    }

    @Test
    void perChannelAxis0() {
        float[] x = tensor();
        int[] shape = {2, 3, 2, 2};
        // channel 0: i = 0..11 -> -5..0.5, max|x| = 5; channel 1: i = 12..23 -> 1..6.5, max|x| = 6.5
        Range[] r = PerChannelMinMax.ranges(x, shape, 0);
        assertEquals(new Range(-5f, 0.5f), r[0]);
        assertEquals(new Range(1f, 6.5f), r[1]);
        Encoding e = EncodingCalculator.computePerChannel(QuantizerSpec.perChannel(4, true, true, 0), r);
        assertEquals(5f / 7, e.scale(0));
        assertEquals(6.5f / 7, e.scale(1));
        float[] out = new float[24];
        FakeQuantizer.quantizeDequantize(x, shape, e, out);
        for (int i = 0; i < 24; i++) {
            float s = e.scale(i / 12);
            assertEquals((float) Math.rint(x[i] / s) * s, out[i], "index " + i);
        }
    }

    @Test
    void perChannelAxis1() {
        float[] x = tensor();
        int[] shape = {2, 3, 2, 2};
        // channel c holds i with (i / 4) % 3 == c:
        // c=0: i 0-3, 12-15 -> -5..-3.5, 1..2.5 (max|x| 5); c=1: i 4-7, 16-19 -> -3..-1.5, 3..4.5 (4.5);
        // c=2: i 8-11, 20-23 -> -1..0.5, 5..6.5 (6.5)
        Range[] r = PerChannelMinMax.ranges(x, shape, 1);
        assertEquals(new Range(-5f, 2.5f), r[0]);
        assertEquals(new Range(-3f, 4.5f), r[1]);
        assertEquals(new Range(-1f, 6.5f), r[2]);
        Encoding e = EncodingCalculator.computePerChannel(QuantizerSpec.perChannel(4, true, true, 1), r);
        float[] out = new float[24];
        FakeQuantStats st = FakeQuantizer.quantizeDequantize(x, shape, e, out);
        assertEquals(0, st.clipped());
        for (int i = 0; i < 24; i++) {
            float s = e.scale((i / 4) % 3);
            assertEquals((float) Math.rint(x[i] / s) * s, out[i], "index " + i);
        }
        // x = 0 at i = 10 (channel 2) stays 0; x = 0.5 at i = 11 with s = 6.5/7 = 0.929: 0.54 -> 1, not zero
        assertEquals(0f, out[10]);
        assertEquals(e.scale(2), out[11]);
    }
}
