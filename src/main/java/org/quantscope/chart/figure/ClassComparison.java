package org.quantscope.chart.figure;

import java.util.Locale;

/**
 * FP32 and quantized accuracy of one class, for the per-class comparison chart.
 *
 * @param className        the class name
 * @param fp32Percent      FP32 accuracy in percent (0 when the class has no samples)
 * @param quantizedPercent quantized accuracy in percent
 * @param samples          samples of this class
 * @param beforeFixesPercent quantized accuracy without the post-training fixes, NaN when none was applied
 */
public record ClassComparison(String className, double fp32Percent, double quantizedPercent, int samples,
                              double beforeFixesPercent) {

    /**
     * A class without post-training fixes.
     *
     * @param className        the class name
     * @param fp32Percent      FP32 accuracy in percent
     * @param quantizedPercent quantized accuracy in percent
     * @param samples          samples of this class
     */
    public ClassComparison(String className, double fp32Percent, double quantizedPercent, int samples) {
        this(className, fp32Percent, quantizedPercent, samples, Double.NaN);
    }

    /**
     * One row per class of a simulation.
     *
     * @param fp32      FP32 evaluation
     * @param quantized quantized evaluation
     * @param before    quantized evaluation without the post-training fixes, or null
     * @return the rows, in class order
     */
    public static java.util.List<ClassComparison> of(org.quantscope.core.eval.EvaluationResult fp32,
                                                    org.quantscope.core.eval.EvaluationResult quantized,
                                                    org.quantscope.core.eval.EvaluationResult before) {
        java.util.List<ClassComparison> rows = new java.util.ArrayList<>();
        for (int k = 0; k < fp32.classNames().size(); k++) {
            int n = fp32.classCounts()[k];
            rows.add(new ClassComparison(fp32.classNames().get(k), n == 0 ? 0 : fp32.perClassAccuracy()[k] * 100,
                    n == 0 ? 0 : quantized.perClassAccuracy()[k] * 100, n,
                    before == null ? Double.NaN : n == 0 ? 0 : before.perClassAccuracy()[k] * 100));
        }
        return rows;
    }

    /** Drop in percentage points (positive = the quantized model is worse). */
    public double dropPoints() {
        return fp32Percent - quantizedPercent;
    }

    /** Tooltip text, e.g. {@code "Shirt: FP32 72.50 % → quantized 70.10 % (drop 2.40 points, 1,000 samples)"}. */
    public String describe() {
        if (samples == 0) {
            return className + ": no samples in the data";
        }
        if (!Double.isNaN(beforeFixesPercent)) {
            return String.format(Locale.ROOT, "%s: FP32 %.2f %% → quantized %.2f %% without the fixes, %.2f %% with "
                    + "them (drop %.2f points, %,d samples)", className, fp32Percent, beforeFixesPercent,
                    quantizedPercent, dropPoints(), samples);
        }
        return String.format(Locale.ROOT, "%s: FP32 %.2f %% → quantized %.2f %% (drop %.2f points, %,d samples)",
                className, fp32Percent, quantizedPercent, dropPoints(), samples);
    }
}
