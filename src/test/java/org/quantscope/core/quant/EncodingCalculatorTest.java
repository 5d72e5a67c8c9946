package org.quantscope.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Scales and zero points against hand-computed values; the arithmetic is in the comments. */
class EncodingCalculatorTest {

    private static final double REL = 1e-6;

    private static Encoding enc(int bits, boolean signed, boolean symmetric, ScaleConvention conv, float min,
                                float max) {
        return EncodingCalculator.compute(QuantizerSpec.perTensor(bits, signed, symmetric).withConvention(conv),
                min, max);
    }

    private static void assertScale(double expected, Encoding e) {
        assertEquals(expected, e.scale(0), Math.abs(expected) * REL, e.toString());
    }

    @ParameterizedTest
    @CsvSource({
        // ONNX symmetric signed, range [-3, 1.5]: max|x| = 3, s = 3 / (2^(b-1)-1), z = 0
        "2, 3.0",          // 3 / 1
        "4, 0.428571429",  // 3 / 7
        "8, 0.023622047",  // 3 / 127
        "16, 9.1555528e-5"}) // 3 / 32767
    void onnxSymmetricSigned(int bits, double scale) {
        Encoding e = enc(bits, true, true, ScaleConvention.ONNX, -3f, 1.5f);
        assertScale(scale, e);
        assertEquals(0, e.zeroPoint(0));
    }

    @ParameterizedTest
    @CsvSource({
        // ONNX symmetric unsigned (eq. 8b), range [0, 3]: s = 3 / (2^b-1), z = 0
        "2, 1.0",           // 3 / 3
        "4, 0.2",           // 3 / 15
        "8, 0.011764706",   // 3 / 255
        "16, 4.5777066e-5"}) // 3 / 65535
    void onnxSymmetricUnsigned(int bits, double scale) {
        Encoding e = enc(bits, false, true, ScaleConvention.ONNX, 0f, 3f);
        assertScale(scale, e);
        assertEquals(0, e.zeroPoint(0));
    }

    @ParameterizedTest
    @CsvSource({
        // ONNX asymmetric, range [-1, 3]: s = 4 / (qmax - qmin), z = round(qmin - (-1)/s) = round(qmin + 1/s)
        "2, true, 1.333333333, -1",        // s = 4/3, z = round(-2 + 0.75) = round(-1.25) = -1
        "4, true, 0.266666667, -4",        // s = 4/15, z = round(-8 + 3.75) = -4
        "8, true, 0.015686275, -64",       // s = 4/255, z = round(-128 + 63.75) = -64
        "16, true, 6.1036088e-5, -16384",  // s = 4/65535, z = round(-32768 + 16383.75) = -16384
        "2, false, 1.333333333, 1",        // z = round(0 + 0.75) = 1
        "4, false, 0.266666667, 4",        // z = round(3.75) = 4
        "8, false, 0.015686275, 64",       // z = round(63.75) = 64
        "16, false, 6.1036088e-5, 16384"}) // z = round(16383.75) = 16384
    void onnxAsymmetric(int bits, boolean signed, double scale, int zp) {
        Encoding e = enc(bits, signed, false, ScaleConvention.ONNX, -1f, 3f);
        assertScale(scale, e);
        assertEquals(zp, e.zeroPoint(0));
    }

    @ParameterizedTest
    @CsvSource({
        // PyTorch symmetric, range [-3, 1.5]: s = 3 / ((qmax - qmin) / 2)
        "2, true, 2.0, 0",              // 3 / (3/2)
        "4, true, 0.4, 0",              // 3 / 7.5
        "8, true, 0.023529412, 0",      // 3 / 127.5
        "16, true, 9.1554186e-5, 0",    // 3 / 32767.5
        // unsigned: same divisor; z = 128 for 8 bits (quint8 default), else (qmin+qmax)//2
        "2, false, 2.0, 1",             // 3 / 1.5, z = 3//2 = 1
        "4, false, 0.4, 7",             // 3 / 7.5, z = 15//2 = 7
        "8, false, 0.023529412, 128",   // 3 / 127.5, z = 128
        "16, false, 9.1554186e-5, 32767"}) // 3 / 32767.5, z = 65535//2
    void pytorchSymmetric(int bits, boolean signed, double scale, int zp) {
        Encoding e = enc(bits, signed, true, ScaleConvention.PYTORCH, -3f, 1.5f);
        assertScale(scale, e);
        assertEquals(zp, e.zeroPoint(0));
    }

    @ParameterizedTest
    @CsvSource({
        // PyTorch affine, range [-1, 3]: s = (3 - (-1)) / (qmax - qmin), z = qmin - round(-1/s)
        "2, true, 1.333333333, -1",   // z = -2 - round(-0.75) = -2 + 1 = -1
        "8, true, 0.015686275, -64",  // z = -128 - round(-63.75) = -128 + 64
        "8, false, 0.015686275, 64",  // z = 0 - round(-63.75) = 64
        "4, false, 0.266666667, 4"})  // z = 0 - round(-3.75) = 4
    void pytorchAffine(int bits, boolean signed, double scale, int zp) {
        Encoding e = enc(bits, signed, false, ScaleConvention.PYTORCH, -1f, 3f);
        assertScale(scale, e);
        assertEquals(zp, e.zeroPoint(0));
    }

    @Test
    void rangeIsExtendedToIncludeZero() {
        // [0.5, 2] -> [0, 2]: s = 2/255, z = round(0 - 0/s) = 0
        Encoding e = enc(8, false, false, ScaleConvention.ONNX, 0.5f, 2f);
        assertScale(2.0 / 255, e);
        assertEquals(0, e.zeroPoint(0));
        // [-2, -0.5] -> [-2, 0], signed: s = 2/255, z = round(-128 + 2/s) = round(-128 + 255) = 127,
        // grid min = (-128 - 127) s = -2, grid max = (127 - 127) s = 0
        Encoding n = enc(8, true, false, ScaleConvention.ONNX, -2f, -0.5f);
        assertEquals(127, n.zeroPoint(0));
        assertEquals(-2f, n.mins()[0], 1e-6);
        assertEquals(0f, n.maxs()[0]);
    }

    @Test
    void emptyRanges() {
        // ONNX: zero-width range -> s = 1; PyTorch: s = max(0, eps) = 2^-23
        assertEquals(1f, enc(8, true, true, ScaleConvention.ONNX, 0f, 0f).scale(0));
        assertEquals(0x1.0p-23f, enc(8, true, true, ScaleConvention.PYTORCH, 0f, 0f).scale(0));
        assertEquals(0, enc(8, false, false, ScaleConvention.PYTORCH, 0f, 0f).zeroPoint(0));
        // tiny range is floored at eps too: 1e-6 / 127.5 = 7.8e-9 < 1.19e-7
        assertEquals(0x1.0p-23f, enc(8, true, true, ScaleConvention.PYTORCH, -1e-6f, 1e-6f).scale(0));
    }

    @Test
    void gridEndsAreExported() {
        // [-1, 3] int8 asymmetric: s = 4/255, z = -64 -> min = (-128 + 64) s = -1.0039, max = (127 + 64) s = 2.996
        Encoding e = enc(8, true, false, ScaleConvention.ONNX, -1f, 3f);
        assertEquals(-64 * 4.0 / 255, e.mins()[0], 1e-6);
        assertEquals(191 * 4.0 / 255, e.maxs()[0], 1e-6);
    }

    @Test
    void powerOfTwoScaleRoundsUp() {
        // [-3, 3] int8 symmetric: s = 3/127 = 0.0236; 2^-6 = 0.0156 < s <= 2^-5 = 0.03125
        QuantizerSpec spec = QuantizerSpec.perTensor(8, true, true).withScaleConstraint(ScaleConstraint.POWER_OF_TWO);
        assertEquals(0.03125f, EncodingCalculator.compute(spec, -3f, 3f).scale(0));
        // [-127, 127]: s = 1 exactly, already a power of two
        assertEquals(1f, EncodingCalculator.compute(spec, -127f, 127f).scale(0));
        assertEquals(0.25f, EncodingCalculator.nextPowerOfTwo(0.25f));
        assertEquals(0.5f, EncodingCalculator.nextPowerOfTwo(0.2500001f));
        assertEquals(4f, EncodingCalculator.nextPowerOfTwo(3f));
    }

    @Test
    void perChannel() {
        QuantizerSpec spec = QuantizerSpec.perChannel(8, true, true, 0);
        Encoding e = EncodingCalculator.computePerChannel(spec, new float[] {-1f, -0.5f}, new float[] {0.5f, 2f});
        assertEquals(2, e.channels());
        assertEquals(1f / 127, e.scale(0), 1e-9);  // max|x| = 1
        assertEquals(2f / 127, e.scale(1), 1e-9);  // max|x| = 2
    }
}
