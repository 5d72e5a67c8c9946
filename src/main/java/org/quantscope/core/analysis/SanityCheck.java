package org.quantscope.core.analysis;

/**
 * Flowchart step 1 (white paper Fig. 9): the simulation graph with every quantizer disabled must reproduce the FP32
 * model as loaded; if not, the problem is in the graph preparation (BN folding, rewriting), not in quantization.
 *
 * @param maxAbsLogitDiff     largest |simulated - original| over every logit
 * @param predictionAgreement share of samples predicted identically
 * @param passed              agreement 100 % and max difference at most {@link #TOLERANCE}
 */
public record SanityCheck(double maxAbsLogitDiff, double predictionAgreement, boolean passed) {

    /** Largest logit difference accepted (BN folding changes summation order: ~1e-5 on the demo models). */
    public static final double TOLERANCE = 1e-4;
}
