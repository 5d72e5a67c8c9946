package org.quantscope.core.eval;

import org.quantscope.core.Provenance;

import java.util.List;

/**
 * Top-1 accuracy of a model on a labelled dataset, overall and per class, with the confusion matrix.
 *
 * @param accuracy         fraction of samples whose arg-max prediction equals the label, in [0, 1]
 * @param perClassAccuracy per class, the fraction of that class's samples predicted correctly ({@code NaN} for a class
 *                         with no samples)
 * @param classCounts      samples per class
 * @param confusion        {@code confusion[label][prediction]} counts
 * @param classNames       class names, indexed by label
 * @param predictions      arg-max prediction per evaluated sample, in dataset order
 * @param labels           label per evaluated sample
 * @param seconds          wall-clock time of the evaluation
 * @param provenance       how the numbers were made
 */
public record EvaluationResult(double accuracy, double[] perClassAccuracy, int[] classCounts, int[][] confusion,
                               List<String> classNames, int[] predictions, int[] labels, double seconds,
                               Provenance provenance) {

    /** Number of evaluated samples. */
    public int samples() {
        return labels.length;
    }

    /** Throughput of the evaluation. */
    public double imagesPerSecond() {
        return seconds > 0 ? samples() / seconds : 0;
    }

    /** A copy whose provenance is {@code p}. */
    public EvaluationResult withProvenance(Provenance p) {
        return new EvaluationResult(accuracy, perClassAccuracy, classCounts, confusion, classNames, predictions, labels,
                seconds, p);
    }
}
