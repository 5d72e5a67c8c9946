package org.quantscope.core.reliability;

import java.util.List;

/**
 * The box plots of one configuration under one condition: per class, overall and worst-class accuracy drop against
 * FP32 in percentage points (positive: the quantized model is worse), over the finished trials.
 *
 * @param configuration   configuration index
 * @param condition       condition index
 * @param trials          finished trials summarized
 * @param perClass        per class, the drop over the trials
 * @param overall         the overall accuracy drop over the trials
 * @param worst           the worst-class drop of each trial (largest drop of any class in that trial)
 * @param worstPerTrial   that worst-class drop, per trial in trial order
 * @param worstClassCount per class, in how many trials it was the worst class
 * @param worstClass      the class with the largest median drop (ties: the largest maximum, then the lowest index),
 *                        or -1 without trials
 */
public record ConditionSummary(int configuration, int condition, int trials, List<BoxSummary> perClass,
                               BoxSummary overall, BoxSummary worst, double[] worstPerTrial, int[] worstClassCount,
                               int worstClass) {

    /** Copies. */
    public ConditionSummary {
        perClass = List.copyOf(perClass);
        worstPerTrial = worstPerTrial.clone();
        worstClassCount = worstClassCount.clone();
    }

    /** The worst-class drop per trial (a copy). */
    @Override
    public double[] worstPerTrial() {
        return worstPerTrial.clone();
    }

    /** How often each class was the worst one (a copy). */
    @Override
    public int[] worstClassCount() {
        return worstClassCount.clone();
    }

    /**
     * Summarizes trials.
     *
     * @param configuration configuration index
     * @param condition     condition index
     * @param fp32PerClass  FP32 accuracy per class, in [0, 1]
     * @param fp32Accuracy  FP32 accuracy
     * @param trials        the trials of this configuration and condition, in trial order
     * @return the summary
     */
    public static ConditionSummary of(int configuration, int condition, double[] fp32PerClass, double fp32Accuracy,
                                      List<TrialResult> trials) {
        int classes = fp32PerClass.length;
        int n = trials.size();
        double[][] drops = new double[classes][n];
        double[] overall = new double[n];
        double[] worst = new double[n];
        int[] worstCount = new int[classes];
        for (int t = 0; t < n; t++) {
            TrialResult r = trials.get(t);
            overall[t] = dropPoints(fp32Accuracy, r.accuracy());
            double w = Double.NaN;
            int wc = -1;
            for (int c = 0; c < classes; c++) {
                double d = dropPoints(fp32PerClass[c], r.classAccuracy(c));
                drops[c][t] = d;
                if (Double.isFinite(d) && (wc < 0 || d > w)) {
                    w = d;
                    wc = c;
                }
            }
            worst[t] = w;
            if (wc >= 0) {
                worstCount[wc]++;
            }
        }
        List<BoxSummary> perClass = new java.util.ArrayList<>();
        int worstClass = -1;
        for (int c = 0; c < classes; c++) {
            BoxSummary b = BoxSummary.of(drops[c]);
            perClass.add(b);
            if (!b.isEmpty() && (worstClass < 0 || b.median() > perClass.get(worstClass).median()
                    || b.median() == perClass.get(worstClass).median() && b.max() > perClass.get(worstClass).max())) {
                worstClass = c;
            }
        }
        return new ConditionSummary(configuration, condition, n, perClass, BoxSummary.of(overall),
                BoxSummary.of(worst), worst, worstCount, worstClass);
    }

    /**
     * The accuracy drop in percentage points, {@code 100 (fp32 - quantized)}.
     *
     * @param fp32      FP32 accuracy in [0, 1]
     * @param quantized quantized accuracy in [0, 1]
     * @return the drop (NaN when either is)
     */
    public static double dropPoints(double fp32, double quantized) {
        return 100 * (fp32 - quantized);
    }
}
