package org.quantscope.core.reliability;

import org.quantscope.core.InputException;

import java.util.Locale;

/**
 * How the calibration of one set of trials is done: one box per class in the chart. The baseline draws
 * {@code calibSize} samples from the pool; a perturbation changes one thing (Yuan et al. 2023, §4.1 and §4.3).
 *
 * @param label           short name for tables, charts and the CSV ({@code "size 32"}, {@code "noise 10%"}, ...)
 * @param calibSize       calibration samples per trial
 * @param noiseShare      share of the calibration samples replaced by noise images, in [0, 1]
 * @param imbalanceClass  the class the calibration set is skewed to, or -1 for none
 * @param imbalanceShare  with {@code imbalanceClass}: its share of the calibration samples, in (0, 1] (1: every
 *                        sample from that class)
 * @param activationRange the activation range method, or null for the configuration's own
 */
public record Condition(String label, int calibSize, double noiseShare, int imbalanceClass, double imbalanceShare,
                        String activationRange) {

    /** Validates. */
    public Condition {
        if (calibSize < 1) {
            throw new InputException("calibration size must be at least 1, got " + calibSize);
        }
        if (!(noiseShare >= 0 && noiseShare <= 1)) {
            throw new InputException("the noise share must be between 0 and 1, got " + noiseShare);
        }
        if (imbalanceClass >= 0 && !(imbalanceShare > 0 && imbalanceShare <= 1)) {
            throw new InputException("the share of the imbalanced class must be above 0 and at most 1, got "
                    + imbalanceShare);
        }
        if (activationRange != null) {
            activationRange = activationRange.trim().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The unperturbed calibration: {@code size} samples drawn from the pool.
     *
     * @param size calibration samples
     * @return the condition
     */
    public static Condition baseline(int size) {
        return new Condition("baseline", size, 0, -1, 0, null);
    }

    /** Whether the calibration set is skewed to one class. */
    public boolean imbalanced() {
        return imbalanceClass >= 0;
    }
}
