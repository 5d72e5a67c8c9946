package org.quantscope.core.analysis;

/**
 * Flowchart step 1 (white paper Fig. 9): the simulation graph with every quantizer disabled must reproduce the FP32
 * model as loaded; if not, the problem is in the graph preparation (BN folding, rewriting), not in quantization.
 *
 * @param maxAbsLogitDiff     largest |simulated - original| over every logit
 * @param predictionAgreement share of samples predicted identically
 * @param passed              agreement 100 % and max difference at most {@link #allowed}
 * @param reference           what the simulation was compared with: {@link #AS_LOADED}, or {@link #AFTER_FIXES} for a
 *                            model changed by post-training fixes (whose own FP32 effect is reported with the fixes)
 */
public record SanityCheck(double maxAbsLogitDiff, double predictionAgreement, boolean passed, String reference) {

    /** Reference: the model as loaded. */
    public static final String AS_LOADED = "the model as loaded";

    /** Reference: the FP32 graph after the post-training fixes. */
    public static final String AFTER_FIXES = "the FP32 model after the post-training fixes";

    /** Largest logit difference accepted (BN folding changes summation order: ~1e-5 on the demo models). */
    public static final double TOLERANCE = 1e-4;

    /**
     * The largest logit difference accepted for logits of the given size: {@link #TOLERANCE} absolute for logits up
     * to 1, relative above (issue 14: a 53-layer MobileNetV2 at 224x224 differs by 2.9e-4 on logits up to 5 after BN
     * folding, 6e-5 relative, with every prediction the same; an absolute bound failed it).
     *
     * @param maxAbsLogit the largest |FP32 logit|
     * @return the bound
     */
    public static double allowed(double maxAbsLogit) {
        return TOLERANCE * Math.max(1.0, maxAbsLogit);
    }
}
