package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-class accuracy as horizontal bars: one row per class with its name on the vertical axis (so long names stay
 * readable; the first class on top), accuracy 0-100 % on the horizontal axis, and one bar per series in each row: the
 * FP32 accuracy alone with its value printed at the bar's end, or FP32 beside the quantized model (and the quantized
 * model without its post-training fixes) with a legend. Every bar's tooltip is its class's description. Long class
 * lists are reduced before (the window's worst-N filter), so the figure stays readable at 10 and at 1,000 classes.
 */
public final class ClassAccuracyFigure {

    /** Title of the accuracy axis. */
    public static final String AXIS = "Accuracy (%)";
    /** Below this accuracy a printed value goes beside its bar instead of inside it. */
    public static final double LABEL_INSIDE_FROM = 15;
    /** Share of a row's height that a single bar fills. */
    private static final double SINGLE = 0.55;
    /** Share of a row's height that several bars side by side fill. */
    private static final double SEVERAL = 0.8;

    private ClassAccuracyFigure() {
    }

    /**
     * One class as a row of bars.
     *
     * @param className the class
     * @param percents  accuracy in percent per series, in the order of the series
     * @param samples   samples of the class (0: the values are printed as "no samples")
     * @param tooltip   the text of each of its bars
     */
    public record Row(String className, double[] percents, int samples, String tooltip) {

        /** Copies the array. */
        public Row {
            percents = percents.clone();
        }

        @Override
        public double[] percents() {
            return percents.clone();
        }
    }

    /**
     * One bar per row: its name in the legend and its colour.
     *
     * @param label legend text
     * @param role  colour of the bars
     */
    public record Series(String label, ColorRole role) {
    }

    /**
     * The FP32 accuracy of each class, its value printed at the end of its bar; null without classes.
     *
     * @param classes the classes to draw, top to bottom
     * @return the plot
     */
    public static Plot fp32(List<ClassAccuracy> classes) {
        List<Row> rows = new ArrayList<>();
        for (ClassAccuracy c : classes) {
            rows.add(new Row(c.className(), new double[] {c.percent()}, c.samples(), c.describe()));
        }
        return plot(rows, List.of(new Series("FP32", ColorRole.FP32)), true);
    }

    /**
     * FP32 beside quantized accuracy of each class, and the quantized accuracy without the post-training fixes when
     * the rows have it (then the quantized series is "with fixes"); null without classes.
     *
     * @param classes the classes to draw, top to bottom
     * @return the plot
     */
    public static Plot comparison(List<ClassComparison> classes) {
        boolean fixed = !classes.isEmpty() && !Double.isNaN(classes.get(0).beforeFixesPercent());
        List<Series> series = new ArrayList<>(List.of(new Series("FP32", ColorRole.FP32),
                new Series(fixed ? "Quantized, with fixes" : "Quantized", ColorRole.QUANTIZED)));
        if (fixed) {
            series.add(new Series("Quantized, no fixes", ColorRole.QUANTIZED_BEFORE_FIXES));
        }
        List<Row> rows = new ArrayList<>();
        for (ClassComparison c : classes) {
            double[] v = fixed ? new double[] {c.fp32Percent(), c.quantizedPercent(), c.beforeFixesPercent()}
                    : new double[] {c.fp32Percent(), c.quantizedPercent()};
            rows.add(new Row(c.className(), v, c.samples(), c.describe()));
        }
        return plot(rows, series, false);
    }

    /**
     * The bars of any number of series per class; null without rows.
     *
     * @param rows   the classes, top to bottom, each with one value per series
     * @param series the series, top to bottom within a row
     * @param values print each bar's value at its end (inside from {@link #LABEL_INSIDE_FROM} %, beside it below)
     * @return the plot
     */
    public static Plot plot(List<Row> rows, List<Series> series, boolean values) {
        if (rows.isEmpty() || series.isEmpty()) {
            return null;
        }
        int n = rows.size();
        int k = series.size();
        List<String> names = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            names.add(rows.get(i).className());
        }
        double fill = k == 1 ? SINGLE : SEVERAL;
        double slot = fill / k;
        double gap = k > 1 ? slot * 0.1 : 0;
        List<Plot.Mark> marks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            double[] v = r.percents();
            if (v.length != k) {
                throw new IllegalArgumentException(r.className() + ": " + v.length + " values for " + k + " series");
            }
            double c = n - 1 - i;
            for (int j = 0; j < k; j++) {
                double top = c + fill / 2 - j * slot;
                double value = Double.isFinite(v[j]) ? Math.max(0, Math.min(100, v[j])) : 0;
                marks.add(new Plot.Box(0, value, top - slot + gap / 2, top - gap / 2, series.get(j).role(), "bar",
                        null, r.tooltip()));
                if (values) {
                    boolean inside = r.samples() > 0 && value >= LABEL_INSIDE_FROM;
                    marks.add(new Plot.Text(value, top - slot / 2, r.samples() == 0 ? "no samples"
                            : String.format(Locale.ROOT, "%.1f %%", v[j]), inside ? ColorRole.VALUE_INSIDE
                            : ColorRole.VALUE_OUTSIDE, inside, "value"));
                }
            }
        }
        List<Plot.Legend> legend = new ArrayList<>();
        if (k > 1) {
            for (Series s : series) {
                legend.add(new Plot.Legend(s.label(), s.role(), false));
            }
        }
        return new Plot(Axis.linear(AXIS, 0, 100, 10, true), Axis.categories("", names), marks, legend);
    }
}
