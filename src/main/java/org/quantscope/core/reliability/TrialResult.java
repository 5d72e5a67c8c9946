package org.quantscope.core.reliability;

/**
 * One finished trial: the quantized model's accuracy after calibrating on one draw.
 *
 * @param configuration    index of the configuration in the experiment (0, or 1 for the second of a comparison)
 * @param condition        index of the condition in the experiment
 * @param trial            trial number within its configuration and condition, from 0
 * @param seed             the calibration draw's seed
 * @param accuracy         quantized top-1 accuracy, in [0, 1]
 * @param perClassAccuracy quantized accuracy per class, in [0, 1] (NaN for a class without test samples)
 * @param seconds          wall-clock time of the trial (calibration, graph and evaluation)
 */
public record TrialResult(int configuration, int condition, int trial, long seed, double accuracy,
                          double[] perClassAccuracy, double seconds) {

    /** Copies the array. */
    public TrialResult {
        perClassAccuracy = perClassAccuracy.clone();
    }

    /** Per-class accuracy (a copy). */
    @Override
    public double[] perClassAccuracy() {
        return perClassAccuracy.clone();
    }

    /** Quantized accuracy of class {@code c}. */
    public double classAccuracy(int c) {
        return perClassAccuracy[c];
    }
}
