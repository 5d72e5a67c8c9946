package org.quantscope.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden values for {@link ScaleConvention#PYTORCH}. Every row below was printed by
 * {@code tools/check_pytorch_qparams.py} (torch 1.13.0a0, {@code MinMaxObserver.calculate_qparams()} on the row's
 * array; min and max are the float32 extremes of that array). Tolerance: 1e-6 relative on the scale, exact zero point.
 */
class PyTorchQParamsGoldenTest {

    @ParameterizedTest
    @CsvSource({
        // bits, signed, symmetric, min, max, torch scale, torch zero_point
        "8, true, true, -1.0f, 3.0f, 2.352941222e-02, 0",
        "8, true, true, -3.0f, 1.5f, 2.352941222e-02, 0",
        "8, true, true, 0.10000000149011612f, 2.299999952316284f, 1.803921536e-02, 0",
        "8, true, true, -0.3700000047683716f, 1.2345670461654663f, 9.682878852e-03, 0",
        "8, true, true, -9.999999974752427e-07f, 9.999999974752427e-07f, 1.192092896e-07, 0",
        "8, true, true, -2.0f, -0.5f, 1.568627544e-02, 0",
        "8, true, false, -1.0f, 3.0f, 1.568627544e-02, -64",
        "8, true, false, -3.0f, 1.5f, 1.764705963e-02, 42",
        "8, true, false, 0.10000000149011612f, 2.299999952316284f, 9.019607678e-03, -128",
        "8, true, false, -0.3700000047683716f, 1.2345670461654663f, 6.292419974e-03, -69",
        "8, true, false, -9.999999974752427e-07f, 9.999999974752427e-07f, 1.192092896e-07, -120",
        "8, true, false, -2.0f, -0.5f, 7.843137719e-03, 127",
        "8, false, true, -1.0f, 3.0f, 2.352941222e-02, 128",
        "8, false, true, -3.0f, 1.5f, 2.352941222e-02, 128",
        "8, false, true, 0.10000000149011612f, 2.299999952316284f, 1.803921536e-02, 128",
        "8, false, true, -0.3700000047683716f, 1.2345670461654663f, 9.682878852e-03, 128",
        "8, false, true, -9.999999974752427e-07f, 9.999999974752427e-07f, 1.192092896e-07, 128",
        "8, false, true, -2.0f, -0.5f, 1.568627544e-02, 128",
        "8, false, false, -1.0f, 3.0f, 1.568627544e-02, 64",
        "8, false, false, -3.0f, 1.5f, 1.764705963e-02, 170",
        "8, false, false, 0.10000000149011612f, 2.299999952316284f, 9.019607678e-03, 0",
        "8, false, false, -0.3700000047683716f, 1.2345670461654663f, 6.292419974e-03, 59",
        "8, false, false, -9.999999974752427e-07f, 9.999999974752427e-07f, 1.192092896e-07, 8",
        "8, false, false, -2.0f, -0.5f, 7.843137719e-03, 255",
        "4, true, true, -1.0f, 3.0f, 4.000000060e-01, 0",
        "4, true, true, -3.0f, 1.5f, 4.000000060e-01, 0",
        "4, true, true, 0.10000000149011612f, 2.299999952316284f, 3.066666722e-01, 0",
        "4, true, true, -0.3700000047683716f, 1.2345670461654663f, 1.646089405e-01, 0",
        "4, true, true, -9.999999974752427e-07f, 9.999999974752427e-07f, 1.333333302e-07, 0",
        "4, true, true, -2.0f, -0.5f, 2.666666806e-01, 0",
        "4, false, false, -1.0f, 3.0f, 2.666666806e-01, 4",
        "4, false, false, -3.0f, 1.5f, 3.000000119e-01, 10",
        "4, false, false, 0.10000000149011612f, 2.299999952316284f, 1.533333361e-01, 0",
        "4, false, false, -0.3700000047683716f, 1.2345670461654663f, 1.069711372e-01, 3",
        "4, false, false, -9.999999974752427e-07f, 9.999999974752427e-07f, 1.333333302e-07, 8",
        "4, false, false, -2.0f, -0.5f, 1.333333403e-01, 15",
        "4, false, true, -1.0f, 3.0f, 4.000000060e-01, 7",
        "4, false, true, -3.0f, 1.5f, 4.000000060e-01, 7",
        "4, false, true, 0.10000000149011612f, 2.299999952316284f, 3.066666722e-01, 7",
        "4, false, true, -0.3700000047683716f, 1.2345670461654663f, 1.646089405e-01, 7",
        "4, false, true, -9.999999974752427e-07f, 9.999999974752427e-07f, 1.333333302e-07, 7",
        "4, false, true, -2.0f, -0.5f, 2.666666806e-01, 7",
        "2, true, false, -1.0f, 3.0f, 1.333333373e+00, -1",
        "2, true, false, -3.0f, 1.5f, 1.500000000e+00, 0",
        "2, true, false, 0.10000000149011612f, 2.299999952316284f, 7.666666508e-01, -2",
        "2, true, false, -0.3700000047683716f, 1.2345670461654663f, 5.348556638e-01, -1",
        "2, true, false, -9.999999974752427e-07f, 9.999999974752427e-07f, 6.666666650e-07, 0",
        "2, true, false, -2.0f, -0.5f, 6.666666865e-01, 1"
    })
    void matchesTorchObserver(int bits, boolean signed, boolean symmetric, float min, float max, double scale,
                              int zeroPoint) {
        QuantizerSpec spec = QuantizerSpec.perTensor(bits, signed, symmetric).withConvention(ScaleConvention.PYTORCH);
        Encoding e = EncodingCalculator.compute(spec, min, max);
        assertEquals(scale, e.scale(0), scale * 1e-6, "scale");
        assertEquals(zeroPoint, e.zeroPoint(0), "zero point");
    }
}
