package org.quantscope.core.quant;

/**
 * Chooses the clipping range of one per-tensor quantizer from data seen batch by batch (white paper §3.1, "range
 * setting"; MQBench §4 "calibration algorithms"). Implementations keep bounded memory: their state does not grow with
 * the number of batches. Obtain them from {@link RangeEstimators} by name. Not thread-safe.
 */
public interface RangeEstimator {

    /** The name used on the command line: {@code minmax}, {@code percentile}, {@code mse}, {@code kl} or {@code bn}. */
    String name();

    /**
     * Adds calibration values.
     *
     * @param values a batch of the tensor's values
     * @param from   first index, inclusive
     * @param to     last index, exclusive
     */
    void observe(float[] values, int from, int to);

    /** Adds a whole batch. */
    default void observe(float[] values) {
        observe(values, 0, values.length);
    }

    /**
     * The chosen range, computed from everything observed so far.
     *
     * @throws IllegalStateException when the estimator needs data and none was observed
     */
    Range range();

    /** The encoding of the estimator's spec for {@link #range()}. */
    Encoding encoding();
}
