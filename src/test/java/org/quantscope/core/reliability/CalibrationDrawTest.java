package org.quantscope.core.reliability;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.util.CancellationToken;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calibration draws of the perturbations: imbalance shares, noise images, shared random numbers. */
class CalibrationDrawTest {

    /** 100 samples of 1x2x2, class i % 4, every value equal to the index. */
    private static final Dataset POOL = new Dataset() {
        @Override
        public String description() {
            return "pool";
        }

        @Override
        public int size() {
            return 100;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {1, 2, 2};
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c", "d");
        }

        @Override
        public int label(int index) {
            return index % 4;
        }

        @Override
        public Batch read(int[] indices) {
            float[] d = new float[indices.length * 4];
            int[] l = new int[indices.length];
            for (int k = 0; k < indices.length; k++) {
                Arrays.fill(d, 4 * k, 4 * k + 4, indices[k]);
                l[k] = label(indices[k]);
            }
            return new Batch(d, sampleShape(), l, indices.clone());
        }
    };

    @Test
    void imbalanceGivesTheClassItsShare() {
        CalibrationDraw half = CalibrationDraw.of(POOL, new Condition("half c", 20, 0, 2, 0.5, null),
                CalibrationSampler.Strategy.RANDOM, 3, null);
        long ofC = Arrays.stream(half.poolIndices()).filter(i -> i % 4 == 2).count();
        assertEquals(10, ofC);
        CalibrationDraw only = CalibrationDraw.of(POOL, new Condition("only c", 20, 0, 2, 1.0, null),
                CalibrationSampler.Strategy.RANDOM, 3, null);
        assertTrue(Arrays.stream(only.poolIndices()).allMatch(i -> i % 4 == 2));
        assertThrows(InputException.class, () -> CalibrationDraw.of(POOL, new Condition("too many", 40, 0, 2, 1.0,
                null), CalibrationSampler.Strategy.RANDOM, 3, null), "class c has 25 samples");
    }

    @Test
    void noiseReplacesItsShareWithTheChannelStatistics() {
        NoiseModel m = NoiseModel.of(POOL, CancellationToken.none());
        assertEquals(49.5, m.mean()[0], 1e-9);
        assertEquals(Math.sqrt((100 * 100 - 1) / 12.0), m.std()[0], 1e-9);
        Condition c = new Condition("noise", 40, 0.25, -1, 0, null);
        CalibrationDraw d = CalibrationDraw.of(POOL, c, CalibrationSampler.Strategy.RANDOM, 5, m);
        assertEquals(10, d.noiseCount());
        int[] all = new int[40];
        for (int i = 0; i < 40; i++) {
            all[i] = i;
        }
        Batch b = d.read(all);
        int[] idx = d.poolIndices();
        for (int i = 0; i < 40; i++) {
            boolean fromPool = b.data()[4 * i] == idx[i] && b.data()[4 * i + 3] == idx[i];
            assertEquals(!d.isNoise(i), fromPool, "sample " + i);
        }
        assertArrayEquals(b.data(), CalibrationDraw.of(POOL, c, CalibrationSampler.Strategy.RANDOM, 5, m)
                .read(all).data(), "same seed, same images");
        CalibrationDraw clean = CalibrationDraw.of(POOL, new Condition("clean", 40, 0, -1, 0, null),
                CalibrationSampler.Strategy.RANDOM, 5, m);
        assertArrayEquals(clean.poolIndices(), idx, "the noisy set keeps the clean draw's other samples");
    }

    @Test
    void smallerDrawsAreTheFirstPicksOfLargerOnes() {
        int[] small = CalibrationSampler.random(POOL, 8, 11).indices();
        int[] large = CalibrationDraw.of(POOL, Condition.baseline(32), CalibrationSampler.Strategy.RANDOM, 11, null)
                .poolIndices();
        for (int i : small) {
            assertTrue(Arrays.stream(large).anyMatch(j -> j == i), i + " is also in the larger draw");
        }
    }
}
