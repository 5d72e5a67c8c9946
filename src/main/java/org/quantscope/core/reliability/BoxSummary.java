package org.quantscope.core.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The box-plot summary of a sample (for example one class's accuracy drop over the trials): five-number summary,
 * mean, standard deviation, Tukey whiskers and outliers. Values that are not finite (a class without test samples)
 * are left out.
 *
 * <p><b>Quartiles</b> are linearly interpolated between order statistics: for p in {0.25, 0.5, 0.75} and the sorted
 * values x[0..n-1], h = (n - 1) p and Q(p) = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]) (Hyndman and
 * Fan's definition 7, the default of NumPy's {@code percentile}, R's {@code quantile} and matplotlib's box plots, so
 * the boxes match a Python rendering of the same numbers). <b>Whiskers</b> (Tukey): the most extreme values within
 * the fences Q1 - 1.5 IQR and Q3 + 1.5 IQR, IQR = Q3 - Q1; values outside the fences are the <b>outliers</b>.
 * <b>Standard deviation</b> is the sample standard deviation (divisor n - 1; 0 for a single value).
 *
 * @param count        number of finite values
 * @param min          smallest value
 * @param q1           first quartile
 * @param median       median
 * @param q3           third quartile
 * @param max          largest value
 * @param mean         mean
 * @param std          sample standard deviation
 * @param lowerWhisker smallest value at or above Q1 - 1.5 IQR
 * @param upperWhisker largest value at or below Q3 + 1.5 IQR
 * @param outliers     values outside the fences, ascending
 */
public record BoxSummary(int count, double min, double q1, double median, double q3, double max, double mean,
                         double std, double lowerWhisker, double upperWhisker, double[] outliers) {

    /** Tukey's fence factor. */
    public static final double WHISKER_IQR = 1.5;

    /** Copies the outliers. */
    public BoxSummary {
        outliers = outliers.clone();
    }

    /** The outliers (a copy). */
    @Override
    public double[] outliers() {
        return outliers.clone();
    }

    /** Interquartile range Q3 - Q1. */
    public double iqr() {
        return q3 - q1;
    }

    /** Whether there is no finite value (every statistic is NaN then). */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Summarizes values.
     *
     * @param values the sample, in any order; non-finite values are ignored
     * @return the summary (all NaN and no outliers when no value is finite)
     */
    public static BoxSummary of(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        int n = v.length;
        if (n == 0) {
            double nan = Double.NaN;
            return new BoxSummary(0, nan, nan, nan, nan, nan, nan, nan, nan, nan, new double[0]);
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double mean = sum / n;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double q1 = quantile(v, 0.25);
        double q3 = quantile(v, 0.75);
        double lowFence = q1 - WHISKER_IQR * (q3 - q1);
        double highFence = q3 + WHISKER_IQR * (q3 - q1);
        double lo = Double.NaN;
        double hi = Double.NaN;
        List<Double> out = new ArrayList<>();
        for (double x : v) {
            if (x < lowFence || x > highFence) {
                out.add(x);
            } else {
                lo = Double.isNaN(lo) ? x : lo;
                hi = x;
            }
        }
        return new BoxSummary(n, v[0], q1, quantile(v, 0.5), q3, v[n - 1], mean, std, lo, hi,
                out.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Linearly interpolated quantile (definition 7) of sorted values.
     *
     * @param sorted ascending, finite, at least one value
     * @param p      in [0, 1]
     * @return the quantile
     */
    public static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
