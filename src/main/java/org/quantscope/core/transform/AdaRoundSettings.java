package org.quantscope.core.transform;

import org.quantscope.core.InputException;

/**
 * Hyper-parameters of AdaRound (white paper §3.4, eq. 32-35; Nagel et al. 2020). The defaults are the paper's:
 * 10,000 iterations per layer, 1,024 calibration samples, regularizer weight 0.01, beta annealed from 20 to 2 after a
 * 20 % warm start without regularization, rectified sigmoid with zeta = 1.1 and gamma = -0.1, Adam. The learning
 * rate, which the paper leaves open, is 0.01: measured on the demo (W4 per-channel) it gives lower reconstruction
 * errors than 0.001 for every layer at 200 and 1,000 iterations, where 0.001 barely moves the variables.
 *
 * @param iterations   Adam steps per layer
 * @param samples      calibration samples whose activations feed the optimization
 * @param batchRows    rows (output positions) per step
 * @param maxRows      most rows kept per layer (positions are drawn at random from every sample, so all samples
 *                     contribute); also bounded by {@link #MAX_LAYER_BYTES}
 * @param lambda       weight of the rounding regularizer (eq. 34)
 * @param betaStart    beta of eq. 34 when the regularizer starts
 * @param betaEnd      beta at the last iteration (linear decay)
 * @param warmStart    share of the iterations without regularizer
 * @param learningRate Adam step size
 * @param seed         seed of the sample draw, the position draw and the row order
 */
public record AdaRoundSettings(int iterations, int samples, int batchRows, int maxRows, double lambda,
                               double betaStart, double betaEnd, double warmStart, double learningRate, long seed) {

    /** Upper bound of the rows cached for one layer (inputs plus targets), in bytes. */
    public static final long MAX_LAYER_BYTES = 256L << 20;

    /** The paper's defaults with seed 0. */
    public static final AdaRoundSettings DEFAULT = new AdaRoundSettings(10_000, 1024, 2048, 32_768, 0.01, 20, 2,
            0.2, 1e-2, 0);

    /** Checks the values. */
    public AdaRoundSettings {
        if (iterations < 1) {
            throw new InputException("AdaRound needs at least 1 iteration per layer, got " + iterations);
        }
        if (samples < 1) {
            throw new InputException("AdaRound needs at least 1 calibration sample, got " + samples);
        }
        if (batchRows < 1 || maxRows < batchRows) {
            throw new InputException("AdaRound rows per step must be between 1 and the rows kept per layer ("
                    + maxRows + "), got " + batchRows);
        }
        if (lambda < 0 || betaStart < betaEnd || betaEnd <= 0) {
            throw new InputException("AdaRound regularizer: need lambda >= 0 and betaStart >= betaEnd > 0, got "
                    + "lambda " + lambda + ", beta " + betaStart + " -> " + betaEnd);
        }
        if (warmStart < 0 || warmStart >= 1) {
            throw new InputException("AdaRound warm start must be a share in [0, 1), got " + warmStart);
        }
        if (!(learningRate > 0)) {
            throw new InputException("AdaRound learning rate must be positive, got " + learningRate);
        }
    }

    /** The same settings with another iteration count. */
    public AdaRoundSettings withIterations(int n) {
        return new AdaRoundSettings(n, samples, batchRows, maxRows, lambda, betaStart, betaEnd, warmStart,
                learningRate, seed);
    }

    /** The same settings with another sample count. */
    public AdaRoundSettings withSamples(int n) {
        return new AdaRoundSettings(iterations, n, batchRows, maxRows, lambda, betaStart, betaEnd, warmStart,
                learningRate, seed);
    }

    /** The same settings with another learning rate. */
    public AdaRoundSettings withLearningRate(double r) {
        return new AdaRoundSettings(iterations, samples, batchRows, maxRows, lambda, betaStart, betaEnd, warmStart, r,
                seed);
    }

    /** The same settings with another seed. */
    public AdaRoundSettings withSeed(long s) {
        return new AdaRoundSettings(iterations, samples, batchRows, maxRows, lambda, betaStart, betaEnd, warmStart,
                learningRate, s);
    }

    /**
     * Beta of the regularizer at iteration {@code t} (0-based): {@code betaStart} when the warm start ends, decaying
     * linearly to {@code betaEnd} at the last iteration.
     */
    public double beta(int t) {
        int warm = warmIterations();
        int span = Math.max(1, iterations - 1 - warm);
        double rel = Math.min(1, Math.max(0, (t - warm) / (double) span));
        return betaEnd + (betaStart - betaEnd) * (1 - rel);
    }

    /** Number of iterations without regularizer. */
    public int warmIterations() {
        return (int) Math.round(warmStart * iterations);
    }
}
