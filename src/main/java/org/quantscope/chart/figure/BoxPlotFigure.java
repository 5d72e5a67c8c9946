package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.core.reliability.BoxSummary;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.ReliabilityResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reliability box plot as chart data: one box per class (its FP32 accuracy in the label), then the overall and
 * the worst-class drop, in percentage points; with two configurations their boxes stand side by side. Box: Q1 to Q3;
 * a thin bar at the median; whiskers to the most extreme trials within 1.5 IQR; outliers as dots. Every mark's tooltip
 * carries the exact values.
 */
public final class BoxPlotFigure {

    /** Box colours per configuration. */
    private static final ColorRole[] COLORS = {ColorRole.CONFIGURATION_A, ColorRole.CONFIGURATION_B};

    private BoxPlotFigure() {
    }

    /**
     * The plot, or null before the first trial.
     *
     * @param r the trials so far
     * @return the plot
     */
    public static Plot plot(ReliabilityResult r) {
        return plot(r, 0);
    }

    /**
     * The plot of one condition (a perturbation's setting), or null before the first trial.
     *
     * @param r         the trials so far
     * @param condition index of the condition
     * @return the plot
     */
    public static Plot plot(ReliabilityResult r, int condition) {
        return plot(r, condition, null);
    }

    /**
     * The plot of one condition with only some classes (the worst ones), or null before the first trial.
     *
     * @param r         the trials so far
     * @param condition index of the condition
     * @param classes   the class indices to draw, in order; null for all
     * @return the plot
     */
    public static Plot plot(ReliabilityResult r, int condition, List<Integer> classes) {
        if (r == null || r.trials().isEmpty()) {
            return null;
        }
        int cond = Math.max(0, Math.min(condition, r.conditions().size() - 1));
        int k = r.configurations().size();
        List<ConditionSummary> s = new ArrayList<>();
        List<Integer> shown = classes;
        if (shown == null) {
            shown = new ArrayList<>();
            for (int i = 0; i < r.classes(); i++) {
                shown.add(i);
            }
        }
        for (int c = 0; c < k; c++) {
            s.add(r.summary(c, cond));
        }
        List<String> names = new ArrayList<>();
        double[] fp32 = r.fp32PerClass();
        for (int i : shown) {
            names.add(String.format(Locale.ROOT, "%s (%.1f %%)", r.classNames().get(i), 100 * fp32[i]));
        }
        names.add(String.format(Locale.ROOT, "overall (%.1f %%)", 100 * r.fp32Accuracy()));
        names.add("worst class");
        double lo = 0;
        double hi = 0;
        for (ConditionSummary cs : s) {
            for (BoxSummary b : boxes(cs, shown)) {
                if (!b.isEmpty()) {
                    lo = Math.min(lo, b.min());
                    hi = Math.max(hi, b.max());
                }
            }
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        Axis y = Axis.linear("Accuracy drop (points)", lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo), 6, true);
        double thin = (y.max() - y.min()) * 0.004;
        List<Plot.Mark> marks = new ArrayList<>();
        double slot = 0.7 / k;
        for (int c = 0; c < k; c++) {
            List<BoxSummary> bs = boxes(s.get(c), shown);
            for (int i = 0; i < bs.size(); i++) {
                BoxSummary b = bs.get(i);
                if (b.isEmpty()) {
                    continue;
                }
                double mid = i - 0.35 + slot * (c + 0.5);
                double half = slot * 0.4;
                String what = names.get(i) + (k > 1 ? " · " + r.configurations().get(c) : "");
                String tip = tooltip(what, b);
                marks.add(new Plot.Box(mid - 0.006, mid + 0.006, b.lowerWhisker(), b.upperWhisker(), ColorRole.WHISKER,
                        "whisker", null, tip));
                marks.add(new Plot.Box(mid - half, mid + half, b.q1(), Math.max(b.q3(), b.q1() + thin), COLORS[c],
                        "box", null, tip));
                marks.add(new Plot.Box(mid - half, mid + half, b.median() - thin / 2, b.median() + thin / 2,
                        ColorRole.MEDIAN,
                        "median", null, tip));
                for (double o : b.outliers()) {
                    marks.add(new Plot.Box(mid - half / 4, mid + half / 4, o - thin, o + thin, COLORS[c], "outlier",
                            null, String.format(Locale.ROOT, "%s%noutlier: %.2f pts", what, o)));
                }
            }
        }
        marks.add(new Plot.Rule(false, 0, ColorRole.ZERO, 1, false, "zero", "no drop"));
        List<Plot.Legend> legend = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            legend.add(new Plot.Legend(r.configurations().get(c) + " · " + s.get(c).trials() + " trials", COLORS[c],
                    false));
        }
        return new Plot(Axis.categories("", names), y, marks, legend);
    }

    private static List<BoxSummary> boxes(ConditionSummary s, List<Integer> shown) {
        List<BoxSummary> l = new ArrayList<>();
        for (int i : shown) {
            l.add(s.perClass().get(i));
        }
        l.add(s.overall());
        l.add(s.worst());
        return l;
    }

    private static String tooltip(String what, BoxSummary b) {
        return String.format(Locale.ROOT, "%s%nmedian %.2f pts · Q1 %.2f · Q3 %.2f%nwhiskers %.2f to %.2f · min %.2f "
                + "· max %.2f%nmean %.2f ± %.2f over %d trials · %d outlier(s)", what, b.median(), b.q1(), b.q3(),
                b.lowerWhisker(), b.upperWhisker(), b.min(), b.max(), b.mean(), b.std(), b.count(),
                b.outliers().length);
    }
}
