package org.quantscope.core.reliability;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.util.CancellationToken;

import java.util.Random;

/**
 * The noise images of the noise perturbation: every value drawn independently from a normal distribution with the
 * mean and standard deviation of its channel over the calibration pool (after preprocessing). Such images have the
 * data's overall brightness and contrast but no structure, which is what "randomly generated noise images" in a
 * calibration set (Yuan et al. 2023, §4.1) are meant to be; matching the statistics keeps the noise from simply
 * widening every range through an unrealistic scale. Channel statistics, rather than per-pixel ones, keep the model
 * small and do not carry the pool's average image into the noise. Generation uses {@link Random#nextGaussian()},
 * whose algorithm the Java specification fixes, so the same seed gives the same images everywhere.
 *
 * @param mean per channel
 * @param std  per channel
 */
public record NoiseModel(double[] mean, double[] std) {

    /** Copies the arrays. */
    public NoiseModel {
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Measures the channel statistics of a data set (one pass, batches of 256).
     *
     * @param pool   the calibration pool
     * @param cancel cancellation
     * @return the model
     */
    public static NoiseModel of(Dataset pool, CancellationToken cancel) {
        int[] shape = pool.sampleShape();
        int channels = shape.length >= 2 ? shape[0] : 1;
        int plane = pool.sampleLength() / channels;
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        long count = 0;
        for (int from = 0; from < pool.size(); from += 256) {
            cancel.throwIfCancelled();
            Batch b = pool.read(from, Math.min(pool.size(), from + 256));
            float[] d = b.data();
            for (int i = 0; i < b.count(); i++) {
                for (int c = 0; c < channels; c++) {
                    int off = (i * channels + c) * plane;
                    for (int k = 0; k < plane; k++) {
                        double v = d[off + k];
                        sum[c] += v;
                        sq[c] += v * v;
                    }
                }
            }
            count += (long) b.count() * plane;
        }
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sum[c] / count;
            std[c] = Math.sqrt(Math.max(0, sq[c] / count - mean[c] * mean[c]));
        }
        return new NoiseModel(mean, std);
    }

    /**
     * Writes one noise image.
     *
     * @param seed   the image's seed
     * @param out    the destination
     * @param offset where the image starts in {@code out}
     * @param length floats per image (channels x plane)
     */
    public void fill(long seed, float[] out, int offset, int length) {
        Random r = new Random(seed);
        int channels = mean.length;
        int plane = length / channels;
        for (int c = 0; c < channels; c++) {
            for (int k = 0; k < plane; k++) {
                out[offset + c * plane + k] = (float) (mean[c] + std[c] * r.nextGaussian());
            }
        }
    }
}
