package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.core.quant.Range;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The distribution of one activation quantizer's tensor over the calibration samples, with the clipping range each
 * range method would choose (one colour per method; the method in use solid, the others dashed).
 */
public final class ActivationHistogramFigure {

    private ActivationHistogramFigure() {
    }

    /**
     * The chart.
     *
     * @param a   the histogram and the method ranges
     * @param log log counts
     * @return the plot
     */
    public static Plot plot(ActivationHistogram a, boolean log) {
        double lo = a.histogram().lower();
        double hi = a.histogram().upper();
        for (Range r : a.methodRanges().values()) {
            lo = Math.min(lo, r.min());
            hi = Math.max(hi, r.max());
        }
        double[] pad = HistogramPlots.padded(lo, hi);
        Axis x = Axis.linear("Activation value", pad[0], pad[1], 6, false);
        Axis y = HistogramPlots.countAxis(a.histogram(), log, "Values");
        List<Plot.Mark> marks = new ArrayList<>();
        HistogramPlots.addBins(marks, a.histogram(), y, ColorRole.ACTIVATION_BINS, "values");
        List<Plot.Legend> legend = new ArrayList<>();
        for (Map.Entry<String, Range> e : a.methodRanges().entrySet()) {
            String m = e.getKey();
            boolean used = m.equals(a.chosenMethod());
            String tip = String.format(Locale.ROOT, "%s%s: [%s, %s]", m, used ? " (in use)" : "",
                    HistogramPlots.num(e.getValue().min()), HistogramPlots.num(e.getValue().max()));
            marks.add(new Plot.Rule(true, e.getValue().min(), method(m), used ? 2.5 : 1.5, !used, "method",
                    tip));
            marks.add(new Plot.Rule(true, e.getValue().max(), method(m), used ? 2.5 : 1.5, !used, "method",
                    tip));
            legend.add(new Plot.Legend(used ? m + " (in use)" : m, method(m), true));
        }
        return new Plot(x, y, marks, legend);
    }

    /**
     * The caption: what the tensor is, how many values were seen, and the range in use.
     *
     * @param a the histogram and the method ranges
     * @return one line
     */
    public static String caption(ActivationHistogram a) {
        return String.format(Locale.ROOT, "%s · %,d values from the calibration samples · in use: %s%s", a.role(),
                a.count(), a.chosenMethod(), a.chosen() == null ? " (disabled)" : String.format(Locale.ROOT,
                " [%s, %s]", HistogramPlots.num(a.chosen().min()), HistogramPlots.num(a.chosen().max())));
    }

    /**
     * The colour role of a range method: one per method the window offers, {@link ColorRole#METHOD_OTHER} for the
     * rest.
     *
     * @param method the method's name ({@code minmax}, {@code percentile}, ...)
     * @return its role
     */
    public static ColorRole method(String method) {
        return switch (method) {
            case "minmax" -> ColorRole.METHOD_MINMAX;
            case "percentile" -> ColorRole.METHOD_PERCENTILE;
            case "mse" -> ColorRole.METHOD_MSE;
            case "kl" -> ColorRole.METHOD_KL;
            case "ce" -> ColorRole.METHOD_CE;
            case "bn" -> ColorRole.METHOD_BN;
            default -> ColorRole.METHOD_OTHER;
        };
    }
}
