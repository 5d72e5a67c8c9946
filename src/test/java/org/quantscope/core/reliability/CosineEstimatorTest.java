package org.quantscope.core.quant;

import org.junit.jupiter.api.Test;
import org.quantscope.core.sim.QuantSettings;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cosine range estimator (reliability paper, eq. 4): against a direct search on the raw values. */
class CosineEstimatorTest {

    private static final QuantizerSpec UINT8 = new QuantizerSpec(8, false, false, Granularity.PER_TENSOR, -1,
            ScaleConstraint.FREE, ScaleConvention.ONNX);

    @Test
    void picksTheCandidateWithTheBestCosineOnTheRawValues() {
        // a ReLU-like activation with a long tail: most values small, a few large
        Random r = new Random(7);
        float[] x = new float[20000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.max(0, r.nextGaussian() * (i % 200 == 0 ? 40 : 1));
        }
        CosineEstimator e = new CosineEstimator(UINT8);
        e.observe(x);
        Range chosen = e.range();
        float max = 0;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double best = -1;
        for (int k = 1; k <= 100; k++) {
            best = Math.max(best, rawCosine(x, new Range(0f, max * k / 100f)));
        }
        double got = rawCosine(x, chosen);
        assertTrue(chosen.max() > 0 && chosen.max() <= max, "within the observed range: " + chosen);
        assertEquals(best, got, 1e-4, "the chosen range is (up to the histogram's bin width) the best candidate");
        assertTrue(got > rawCosine(x, new Range(0f, max * 0.01f)), "better than clipping almost everything");
    }

    @Test
    void dataOnTheGridKeepsTheFullRange() {
        // values 0..255 exactly on the grid of [0, 255]: the full range reproduces them (cosine 1), ties go wide
        float[] x = new float[256];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        CosineEstimator e = new CosineEstimator(UINT8);
        e.observe(x);
        assertEquals(255, e.range().max(), 1e-3);
        assertEquals(1.0, e.cosine(EncodingCalculator.compute(UINT8, e.range())), 1e-6);
    }

    @Test
    void registeredForActivations() {
        assertInstanceOf(CosineEstimator.class, RangeEstimators.forActivations("cosine", UINT8));
        assertEquals("cosine", QuantSettings.DEFAULT.withRanges("minmax", "Cosine").activationRange());
    }

    private static double rawCosine(float[] x, Range r) {
        Encoding enc = EncodingCalculator.compute(UINT8, r);
        float s = enc.scale(0);
        int z = enc.zeroPoint(0);
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (float v : x) {
            float y = (float) (FakeQuantizer.quantize(v, s, z, 0, 255) - z) * s;
            xy += (double) v * y;
            xx += (double) v * v;
            yy += (double) y * y;
        }
        return xy / Math.sqrt(xx * yy);
    }
}
