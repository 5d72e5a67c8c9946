package org.quantscope.core.quant;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cross-entropy range setting (white paper eq. 17) against a direct evaluation of the objective. */
class CrossEntropyEstimatorTest {

    @Test
    void crossEntropyOfIdenticalLogitsIsTheEntropy() {
        // softmax([0, ln 3]) = [0.25, 0.75]; H = -(0.25 ln 0.25 + 0.75 ln 0.75) = 0.562335...
        float[] p = {0f, (float) Math.log(3)};
        assertEquals(0.5623351446188083, CrossEntropyEstimator.crossEntropy(p, p), 1e-6);
    }

    @Test
    void choosesTheCandidateWithTheLeastCrossEntropy() {
        QuantizerSpec spec = QuantizerSpec.perTensor(4, false, false);
        Random r = new Random(7);
        int rows = 300;
        int k = 5;
        float[] logits = new float[rows * k];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian() * 2f;
        }
        logits[3] = 40f; // one outlier stretches the min-max range
        CrossEntropyEstimator e = new CrossEntropyEstimator(spec, k, 1000, 0);
        e.observe(logits, 0, 150 * k);
        e.observe(logits, 150 * k, logits.length);
        Range chosen = e.range();

        float lo = 0;
        float hi = 0;
        for (float v : logits) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double best = Double.POSITIVE_INFINITY;
        float bestFactor = 0;
        for (int c = 100; c >= 1; c--) {
            float f = c / 100f;
            Encoding enc = EncodingCalculator.compute(spec, lo * f, hi * f);
            double loss = 0;
            for (int i = 0; i < rows; i++) {
                float[] row = new float[k];
                System.arraycopy(logits, i * k, row, 0, k);
                float[] q = FakeQuantizer.quantizeDequantize(row, enc);
                loss += CrossEntropyEstimator.crossEntropy(row, q);
            }
            if (loss < best) {
                best = loss;
                bestFactor = f;
            }
        }
        assertEquals(hi * bestFactor, chosen.max(), 1e-6f);
        assertEquals(lo * bestFactor, chosen.min(), 1e-6f);
        assertTrue(chosen.max() < 40f, "the outlier is clipped: " + chosen);
    }

    @Test
    void boundedMemoryKeepsAFixedNumberOfRowsDeterministically() {
        QuantizerSpec spec = QuantizerSpec.perTensor(8, false, false);
        float[] logits = new float[10_000 * 3];
        Random r = new Random(1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian();
        }
        CrossEntropyEstimator a = new CrossEntropyEstimator(spec, 3, 64, 5);
        CrossEntropyEstimator b = new CrossEntropyEstimator(spec, 3, 64, 5);
        a.observe(logits);
        b.observe(logits);
        assertEquals(a.range(), b.range());
    }

    @Test
    void needsClassScores() {
        assertThrows(org.quantscope.core.InputException.class,
                () -> new CrossEntropyEstimator(QuantizerSpec.perTensor(8, false, false), 1, 10, 0));
    }
}
