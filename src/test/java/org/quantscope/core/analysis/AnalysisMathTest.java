package org.quantscope.core.analysis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statistics and error metrics against hand-computed values. */
class AnalysisMathTest {

    @Test
    void errorMetricsOfAKnownNoise() {
        // signal +-2 (power 4), noise +-0.2 (power 0.04): SQNR = 10 log10(100) = 20 dB exactly
        float[] ref = new float[1000];
        float[] q = new float[1000];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = i % 2 == 0 ? 2f : -2f;
            q[i] = ref[i] + (i % 4 < 2 ? 0.2f : -0.2f);
        }
        ErrorMetrics.Accumulator a = new ErrorMetrics.Accumulator();
        a.add(ref, q);
        ErrorMetrics m = a.result(0.4);
        assertEquals(1000, m.count());
        assertEquals(0.2, m.rmse(), 1e-7);
        assertEquals(0.5, m.rmseOverScale(), 1e-6);
        assertEquals(20.0, m.sqnrDb(), 1e-5);
        assertEquals(0.0, m.meanShift(), 1e-9);
        // cosine: sum(r q) = sum(r^2) (noise is uncorrelated with the sign pattern) = 4000; |q|^2 = 4040
        assertEquals(4000 / Math.sqrt(4000.0 * 4040.0), m.cosine(), 1e-6);
    }

    @Test
    void identicalTensorsHaveInfiniteSqnrAndUnitCosine() {
        ErrorMetrics.Accumulator a = new ErrorMetrics.Accumulator();
        a.add(new float[] {1, -2, 3}, new float[] {1, -2, 3});
        ErrorMetrics m = a.result(Double.NaN);
        assertEquals(Double.POSITIVE_INFINITY, m.sqnrDb());
        assertEquals(1.0, m.cosine(), 1e-12);
        assertTrue(Double.isNaN(m.rmseOverScale()));
    }

    @Test
    void pureRoundingNoiseIsAboutPoint289Steps() {
        java.util.Random r = new java.util.Random(3);
        float s = 0.01f;
        float[] ref = new float[200_000];
        float[] q = new float[ref.length];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = (float) (r.nextDouble() * 2 - 1);
            q[i] = (float) Math.rint(ref[i] / s) * s;
        }
        ErrorMetrics.Accumulator a = new ErrorMetrics.Accumulator();
        a.add(ref, q);
        assertEquals(1 / Math.sqrt(12), a.result(s).rmseOverScale(), 0.003);
    }

    @Test
    void weightStatisticsPerChannel() {
        // shape [3, 2]: channels (axis 0) {1, 3}, {-2, 2}, {10, 30}
        float[] w = {1, 3, -2, 2, 10, 30};
        WeightStats s = WeightStatistics.of("w", "l", w, new long[] {3, 2}, 0, 0.25, 0.0);
        assertArrayEquals(new float[] {1, -2, 10}, s.channelMin());
        assertArrayEquals(new float[] {3, 2, 30}, s.channelMax());
        assertArrayEquals(new double[] {2, 0, 20}, s.channelMean(), 1e-12);
        assertArrayEquals(new double[] {1, 2, 10}, s.channelStd(), 1e-12);
        assertEquals(-2f, s.min());
        assertEquals(30f, s.max());
        assertEquals(44.0 / 6, s.mean(), 1e-12);
        // ranges 2, 4, 20 -> median 4, largest 20
        assertEquals(5.0, s.rangeRatio(), 1e-12);
        assertEquals(6, s.histogram().total());
        assertEquals(0.25, s.roundedToZeroShare());
        // axis 1 of the same tensor: channels {1, -2, 10}, {3, 2, 30} -> ranges 12, 28 -> median 20
        assertEquals(28.0 / 20, WeightStatistics.of("w", "l", w, new long[] {3, 2}, 1, 0, 0).rangeRatio(), 1e-12);
    }

    @Test
    void histogramCountsEdgesAndOutOfRange() {
        Histogram h = Histogram.of(new float[] {0f, 0.5f, 0.99f, 1f, -1f, 2f, Float.NaN}, 2, 0, 1);
        assertArrayEquals(new long[] {1, 3}, h.counts(), "1.0 = upper edge is counted in the last bin");
        assertEquals(1, h.underflow());
        assertEquals(1, h.overflow());
        assertEquals(6, h.total());
        assertEquals(0.5, h.binWidth(), 1e-12);
    }

    @Test
    void klDivergenceOfSoftmaxes() {
        // p = softmax(0, 0) = (0.5, 0.5); q = softmax(0, ln 3) = (0.25, 0.75)
        // KL = 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75) = 0.5 ln 2 + 0.5 ln(2/3)
        double expected = 0.5 * Math.log(2) + 0.5 * Math.log(2.0 / 3);
        assertEquals(expected, ModelComparison.klDivergence(new float[] {0, 0}, new float[] {0, (float) Math.log(3)},
                0, 2), 1e-6);
    }
}
