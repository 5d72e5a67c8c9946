package org.quantscope.core.sim;

import org.quantscope.core.InputException;
import org.quantscope.core.data.CalibrationSampler;

/**
 * How the calibration set is drawn from the calibration pool and streamed.
 *
 * @param size      number of calibration samples
 * @param seed      random seed of the draw
 * @param sampling  random, stratified or the first {@code size} samples
 * @param batchSize samples per ONNX Runtime run during calibration
 */
public record CalibrationSettings(int size, long seed, CalibrationSampler.Strategy sampling, int batchSize) {

    /** 256 random samples, seed 0, batches of 64. */
    public static final CalibrationSettings DEFAULT = new CalibrationSettings(256, 0, CalibrationSampler.Strategy.RANDOM,
            64);

    /** Checks the values. */
    public CalibrationSettings {
        if (size < 1) {
            throw new InputException("calibration size must be at least 1, got " + size);
        }
        if (batchSize < 1) {
            throw new InputException("calibration batch size must be at least 1, got " + batchSize);
        }
        if (sampling == null) {
            sampling = CalibrationSampler.Strategy.RANDOM;
        }
    }
}
