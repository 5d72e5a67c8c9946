package org.quantscope.core.investigate;

import org.quantscope.core.InputException;

/**
 * How the steps run.
 *
 * @param trials             calibration seeds of the reliability step (0 skips it)
 * @param adaroundIterations AdaRound optimizer steps per layer
 * @param adaroundSamples    calibration samples AdaRound reconstructs on
 * @param layerCandidates    per-layer remedies measured at most (each costs a calibration and an evaluation)
 * @param sanitySamples      test samples of the FP32 sanity check
 * @param rangeMethods       activation range methods the range step measures
 */
public record InvestigationSettings(int trials, int adaroundIterations, int adaroundSamples, int layerCandidates,
                                    int sanitySamples, java.util.List<String> rangeMethods) {

    /**
     * 10 seeds, AdaRound with 1,000 iterations on 256 samples (the white paper's full budget of 10,000 on 1,024
     * takes minutes per layer at ImageNet size; more with {@code --adaround-iterations}), 6 per-layer remedies, 1,000
     * sanity samples, MSE, percentile and cross-entropy ranges.
     */
    public static final InvestigationSettings DEFAULT = new InvestigationSettings(10, 1000, 256, 6, 1000,
            java.util.List.of("mse", "percentile", "ce"));

    /** Checks the values. */
    public InvestigationSettings {
        if (trials < 0) {
            throw new InputException("the reliability step needs 0 (skip) or more trials, got " + trials);
        }
        if (adaroundIterations < 1 || adaroundSamples < 1) {
            throw new InputException("AdaRound needs at least 1 iteration and 1 sample");
        }
        if (layerCandidates < 0 || sanitySamples < 1) {
            throw new InputException("the per-layer budget must be 0 or more and the sanity check needs a sample");
        }
        rangeMethods = java.util.List.copyOf(rangeMethods);
    }

    /** A copy with another trial count. */
    public InvestigationSettings withTrials(int n) {
        return new InvestigationSettings(n, adaroundIterations, adaroundSamples, layerCandidates, sanitySamples,
                rangeMethods);
    }

    /** A copy with another AdaRound budget. */
    public InvestigationSettings withAdaRound(int iterations, int samples) {
        return new InvestigationSettings(trials, iterations, samples, layerCandidates, sanitySamples, rangeMethods);
    }
}
