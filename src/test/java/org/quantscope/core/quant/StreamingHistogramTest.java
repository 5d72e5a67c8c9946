package org.quantscope.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class StreamingHistogramTest {

    private static float[] gaussian(long seed, int n, double sigma) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * sigma);
        }
        return x;
    }

    @Test
    void streamedEqualsOneShotWhenRangeDoesNotGrow() {
        float[] a = gaussian(1, 10_000, 1);
        a[0] = -6f; // the first batch holds the global extremes
        a[1] = 6f;
        float[] b = gaussian(2, 10_000, 1);
        float[] c = gaussian(3, 10_000, 1);
        for (float[] batch : new float[][] {b, c}) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = Math.max(-6f, Math.min(6f, batch[i]));
            }
        }
        StreamingHistogram streamed = StreamingHistogram.ofValues();
        streamed.add(a);
        streamed.add(b);
        streamed.add(c);
        float[] all = new float[30_000];
        System.arraycopy(a, 0, all, 0, 10_000);
        System.arraycopy(b, 0, all, 10_000, 10_000);
        System.arraycopy(c, 0, all, 20_000, 10_000);
        StreamingHistogram oneShot = StreamingHistogram.ofValues();
        oneShot.add(all);
        assertArrayEquals(oneShot.counts(), streamed.counts());
        assertEquals(30_000, streamed.total());
        assertEquals(-6.0, streamed.lower());
        assertEquals(6.0, streamed.upper());
    }

    @Test
    void growthRebinsExactlyAndStaysWithinOneBin() {
        // batches of growing spread: the range doubles several times
        StreamingHistogram streamed = StreamingHistogram.ofValues();
        float[][] batches = {gaussian(1, 5_000, 0.1), gaussian(2, 5_000, 1), gaussian(3, 5_000, 10)};
        float[] all = new float[15_000];
        for (int b = 0; b < 3; b++) {
            streamed.add(batches[b]);
            System.arraycopy(batches[b], 0, all, b * 5_000, 5_000);
        }
        assertEquals(15_000, Arrays.stream(streamed.counts()).sum());
        StreamingHistogram oneShot = StreamingHistogram.ofValues();
        oneShot.add(all);
        // stated tolerance: the grown bin width is at most twice the range of all data / bins
        double span = oneShot.upper() - oneShot.lower();
        assertTrue(streamed.binWidth() <= 2 * span / streamed.bins() + 1e-12, "bin width " + streamed.binWidth());
        assertTrue(streamed.lower() <= oneShot.lower() && streamed.upper() >= oneShot.upper());
        float[] sorted = all.clone();
        Arrays.sort(sorted);
        for (double p : new double[] {1, 25, 50, 75, 99, 99.9}) {
            double exact = sorted[(int) Math.ceil(p / 100 * sorted.length) - 1];
            assertEquals(exact, streamed.percentile(p), streamed.binWidth(), "percentile " + p);
        }
    }

    @Test
    void memoryDoesNotGrowWithBatches() {
        StreamingHistogram h = new StreamingHistogram(64, false);
        for (int b = 0; b < 1000; b++) {
            h.add(gaussian(b, 100, 1 + b));
        }
        assertEquals(64, h.counts().length);
        assertEquals(100_000, h.total());
    }

    @Test
    void magnitudesFoldTheSign() {
        StreamingHistogram h = new StreamingHistogram(4, true);
        h.add(new float[] {-4f, -1f, 1f, 3.5f, Float.NaN});
        // range [0, 4], bins of 1: |x| = 4 -> last bin, 1, 1 -> bin 1, 3.5 -> bin 3
        assertArrayEquals(new long[] {0, 2, 0, 2}, h.counts());
        assertEquals(-4f, h.min());
        assertEquals(3.5f, h.max());
    }

    @Test
    void uniformPercentile() {
        float[] x = new float[10_001];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / 10_000f; // 0..1
        }
        StreamingHistogram h = StreamingHistogram.ofValues();
        h.add(x);
        assertEquals(0.5, h.percentile(50), 1.0 / 2048);
        assertEquals(0.99, h.percentile(99), 1.0 / 2048);
        assertEquals(1.0, h.percentile(100), 1e-9);
    }
}
