package org.quantscope.core.analysis;

import java.util.Map;

/**
 * A candidate (quantized) model run side by side with the FP32 model on the same samples.
 *
 * @param samples             samples compared
 * @param fp32Accuracy        top-1 accuracy of the FP32 model
 * @param accuracy            top-1 accuracy of the candidate
 * @param predictionAgreement share of samples where both predict the same class
 * @param maxAbsLogitDiff     largest |candidate - fp32| over every logit
 * @param maxAbsLogit         largest |fp32| over every logit (the scale of {@code maxAbsLogitDiff})
 * @param meanLogitKl         mean KL(softmax(fp32) || softmax(candidate)) per sample, in nats
 * @param tensors             error metrics per compared tensor
 */
public record ComparisonResult(int samples, double fp32Accuracy, double accuracy, double predictionAgreement,
                               double maxAbsLogitDiff, double maxAbsLogit, double meanLogitKl, Map<String, ErrorMetrics> tensors) {

    /** Copies the map. */
    public ComparisonResult {
        tensors = Map.copyOf(tensors);
    }

    /** {@link #maxAbsLogitDiff()} relative to the largest FP32 logit (0 when both are 0). */
    public double maxRelativeLogitDiff() {
        return maxAbsLogit > 0 ? maxAbsLogitDiff / maxAbsLogit : maxAbsLogitDiff;
    }

    /** Accuracy drop against FP32 in points. */
    public double dropPoints() {
        return (fp32Accuracy - accuracy) * 100;
    }
}
