package org.quantscope.core.reliability;

import org.quantscope.core.InputException;
import org.quantscope.core.data.CalibrationSampler;

import java.util.List;

/**
 * What a reliability experiment runs: trials per condition, their seeds, how calibration sets are drawn, the
 * conditions (the perturbation's levels) and how many trials run at once.
 *
 * @param trials       trials per configuration and condition (the paper: 50)
 * @param firstSeed    seed of trial 0; trial t draws with seed {@code firstSeed + t}
 * @param sampling     how the baseline draw picks samples
 * @param calibBatch   samples per ONNX Runtime run during calibration
 * @param perturbation what the conditions vary
 * @param conditions   the conditions, at least one
 * @param parallel     trials run at the same time (each in its own ONNX Runtime session), at least 1
 */
public record ReliabilitySettings(int trials, long firstSeed, CalibrationSampler.Strategy sampling, int calibBatch,
                                  Perturbation perturbation, List<Condition> conditions, int parallel) {

    /** The paper's trial count. */
    public static final int DEFAULT_TRIALS = 50;

    /** Validates and copies. */
    public ReliabilitySettings {
        if (trials < 1) {
            throw new InputException("the number of trials must be at least 1, got " + trials);
        }
        if (calibBatch < 1) {
            throw new InputException("calibration batch size must be at least 1, got " + calibBatch);
        }
        if (parallel < 1) {
            throw new InputException("trials run at once must be at least 1, got " + parallel);
        }
        if (conditions == null || conditions.isEmpty()) {
            throw new InputException("a reliability experiment needs at least one condition");
        }
        conditions = List.copyOf(conditions);
        sampling = sampling == null ? CalibrationSampler.Strategy.RANDOM : sampling;
        perturbation = perturbation == null ? Perturbation.NONE : perturbation;
    }

    /** The seed of trial {@code t}. */
    public long seed(int t) {
        return firstSeed + t;
    }

    /** A copy with another trial count. */
    public ReliabilitySettings withTrials(int n) {
        return new ReliabilitySettings(n, firstSeed, sampling, calibBatch, perturbation, conditions, parallel);
    }

    /** A copy running {@code p} trials at once. */
    public ReliabilitySettings withParallel(int p) {
        return new ReliabilitySettings(trials, firstSeed, sampling, calibBatch, perturbation, conditions, p);
    }
}
