package org.quantscope.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;

class RangeEstimatorTest {

    private static final QuantizerSpec INT8_SYM = QuantizerSpec.perTensor(8, true, true);

    /** 8 batches of 50 000 standard normal values (N = 400 000); the first batch also holds one outlier at 100. */
    private static void feedGaussianWithOutlier(RangeEstimator e) {
        Random r = new Random(42);
        for (int b = 0; b < 8; b++) {
            float[] x = new float[50_000];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            if (b == 0) {
                x[123] = 100f;
            }
            e.observe(x);
        }
    }

    private static void feedUniform(RangeEstimator e) {
        Random r = new Random(7);
        for (int b = 0; b < 4; b++) {
            float[] x = new float[25_000];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
            e.observe(x);
        }
    }

    @Test
    void minMaxKeepsTheOutlier() {
        RangeEstimator e = RangeEstimators.forActivations("minmax", INT8_SYM);
        feedGaussianWithOutlier(e);
        assertEquals(100f, e.range().max());
        assertEquals(100f / 127, e.encoding().scale(0), 1e-6);
    }

    @Test
    void percentileClipsTheOutlier() {
        RangeEstimator e = RangeEstimators.forActivations("percentile", INT8_SYM);
        feedGaussianWithOutlier(e);
        // the 99.99th percentile of N(0,1) is 3.72 (and 0.01th is -3.72); histogram bins are ~0.05 wide
        float t = e.range().max();
        // tolerance: sampling noise of a 40-value tail, the max of both tails, one bin
        assertEquals(3.72, t, 0.2, "threshold " + t);
        assertEquals(-t, e.range().min());
    }

    @Test
    void percentileIsConfigurable() {
        PercentileEstimator e = new PercentileEstimator(QuantizerSpec.perTensor(8, true, false), 99, 2048);
        feedUniform(e);
        // uniform on [-1, 1]: 1st percentile -0.98, 99th 0.98
        assertEquals(-0.98, e.range().min(), 0.005);
        assertEquals(0.98, e.range().max(), 0.005);
        assertThrows(InputException.class, () -> new PercentileEstimator(INT8_SYM, 40, 2048));
    }

    @Test
    void mseKeepsNearlyTheFullRangeOfUniformData() {
        RangeEstimator e = RangeEstimators.forActivations("mse", INT8_SYM);
        feedUniform(e);
        // rounding error (1/127)^2/12 = 5.2e-6 beats clipping 1 %: (0.99/127)^2/12 + 0.01^3/3 = 5.4e-6
        assertTrue(e.range().max() >= 0.97f, "max " + e.range().max());
    }

    @Test
    void mseClipsWellBelowTheOutlier() {
        RangeEstimator e = RangeEstimators.forActivations("mse", INT8_SYM);
        feedGaussianWithOutlier(e);
        // total squared error = clipping (100 - t)^2 + rounding N (t/127)^2/12; minimum at
        // t = 100 / (1 + N/193548) = 100 / 3.07 = 32.6 for N = 400 000 (full range: 400 000 * 0.0517 = 20 700,
        // t = 33: 4 489 + 2 700 = 7 200). (With a 1000 outlier among 200 000 values the bulk would round to 0 at
        // every t > ~550 and MSE would keep the full range: one outlier must outweigh N * variance.)
        float t = e.range().max();
        assertTrue(t > 20f && t < 45f, "threshold " + t);
    }

    @Test
    void klClipsWellBelowTheOutlier() {
        KlEstimator e = (KlEstimator) RangeEstimators.forActivations("kl", INT8_SYM);
        feedGaussianWithOutlier(e);
        // |x| histogram over [0, 100]: bin width 0.0488; the smallest candidate is 128 bins = 6.25
        double t = e.threshold();
        assertTrue(t < 20 && t >= 6.25, "threshold " + t);
    }

    @Test
    void klOnWellSpreadDataKeepsMostOfTheRange() {
        KlEstimator e = new KlEstimator(INT8_SYM);
        feedUniform(e);
        assertTrue(e.threshold() > 0.9, "threshold " + e.threshold());
    }

    @Test
    void klAsymmetricIsCutToTheObservedRange() {
        KlEstimator e = new KlEstimator(QuantizerSpec.perTensor(8, false, false));
        e.observe(new float[] {0.5f, 1f, 2f, 1.5f});
        Range r = e.range();
        assertTrue(r.min() >= 0.5f && r.max() <= 2f, r.toString());
    }

    @Test
    void batchNormRange() {
        // gamma (1, -2), beta (0.5, 1), alpha 6: beta - 6|gamma| = (-5.5, -11), beta + 6|gamma| = (6.5, 13)
        float[] gamma = {1f, -2f};
        float[] beta = {0.5f, 1f};
        BatchNormEstimator e = new BatchNormEstimator(INT8_SYM, gamma, beta, BatchNormEstimator.DEFAULT_ALPHA, false);
        assertEquals(new Range(-11f, 13f), e.range());
        assertEquals("bn", e.name());
        BatchNormEstimator relu = new BatchNormEstimator(INT8_SYM, gamma, beta, 6f, true);
        assertEquals(new Range(0f, 13f), relu.range());
        assertThrows(InputException.class, () -> RangeEstimators.forActivations("bn", INT8_SYM));
    }

    @Test
    void unknownNamesListTheChoices() {
        InputException a = assertThrows(InputException.class, () -> RangeEstimators.forActivations("max", INT8_SYM));
        assertTrue(a.getMessage().contains("minmax, percentile, mse, kl, cosine, bn"), a.getMessage());
        InputException w = assertThrows(InputException.class,
                () -> RangeEstimators.forWeights("kl", new float[4], new int[] {4}, INT8_SYM));
        assertTrue(w.getMessage().contains("minmax, mse"), w.getMessage());
    }

    @Test
    void weightRangesPerChannel() {
        // [2, 3]: row 0 = (-1, 0.5, 0.25), row 1 = (4, -2, 1); axis 0 min-max -> [-1, 0.5], [-2, 4]
        float[] w = {-1f, 0.5f, 0.25f, 4f, -2f, 1f};
        QuantizerSpec spec = QuantizerSpec.perChannel(8, true, true, 0);
        Range[] mm = RangeEstimators.forWeights("minmax", w, new int[] {2, 3}, spec);
        assertEquals(new Range(-1f, 0.5f), mm[0]);
        assertEquals(new Range(-2f, 4f), mm[1]);
        Range[] mse = RangeEstimators.forWeights("mse", w, new int[] {2, 3}, spec);
        assertEquals(2, mse.length);
        // with 8 bits and three values per channel, the full range is MSE-optimal (nothing to gain by clipping)
        assertEquals(4f, Math.max(-mse[1].min(), mse[1].max()), 0.05f);
        assertThrows(InputException.class,
                () -> RangeEstimators.forWeights("minmax", w, new int[] {2, 3}, QuantizerSpec.perChannel(8, true,
                        true, 2)));
    }

    @Test
    void runningMinMaxStreams() {
        RunningMinMax m = new RunningMinMax();
        m.add(new float[] {1f, Float.NaN, -2f});
        m.add(new float[] {5f});
        assertEquals(new Range(-2f, 5f), m.range());
        assertEquals(3, m.count());
        assertThrows(IllegalStateException.class, () -> new RunningMinMax().range());
    }

    @Test
    void degenerateDataGivesUsableEncodings() {
        for (String name : new String[] {"minmax", "percentile", "mse", "kl"}) {
            RangeEstimator zeros = RangeEstimators.forActivations(name, INT8_SYM);
            zeros.observe(new float[100]);
            assertEquals(0f, zeros.range().max(), 1e-6f, name);
            assertEquals(1f, zeros.encoding().scale(0), name); // ONNX: zero-width range -> s = 1
            RangeEstimator constant = RangeEstimators.forActivations(name, QuantizerSpec.perTensor(8, false, false));
            float[] fives = new float[100];
            java.util.Arrays.fill(fives, 5f);
            constant.observe(fives);
            constant.observe(new float[] {Float.NaN});
            // asymmetric range [0, 5] (0 included): s = 5/255, z = 0
            assertEquals(5f / 255, constant.encoding().scale(0), 1e-3f, name);
            assertEquals(0, constant.encoding().zeroPoint(0), name);
            assertThrows(IllegalStateException.class,
                    () -> RangeEstimators.forActivations(name, INT8_SYM).range(), name);
        }
    }
}
