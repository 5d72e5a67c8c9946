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
 * @param meanLogitKl         mean KL(softmax(fp32) || softmax(candidate)) per sample, in nats
 * @param tensors             error metrics per compared tensor
 */
public record ComparisonResult(int samples, double fp32Accuracy, double accuracy, double predictionAgreement,
                               double maxAbsLogitDiff, double meanLogitKl, Map<String, ErrorMetrics> tensors) {

    /** Copies the map. */
    public ComparisonResult {
        tensors = Map.copyOf(tensors);
    }

    /** Accuracy drop against FP32 in points. */
    public double dropPoints() {
        return (fp32Accuracy - accuracy) * 100;
    }
}
