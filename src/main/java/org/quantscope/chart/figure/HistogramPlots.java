package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.core.analysis.Histogram;

import java.util.List;
import java.util.Locale;

/** Bins of a reduced histogram as plot boxes, with a linear or log count axis. */
final class HistogramPlots {

    private HistogramPlots() {
    }

    /** The count axis: linear from 0, or log from 1 (empty bins are then not drawn). */
    static Axis countAxis(Histogram h, boolean log, String unit) {
        long top = 1;
        for (long c : h.counts()) {
            top = Math.max(top, c);
        }
        // At least 4 on a linear axis, so small counts get whole-number ticks.
        return log ? Axis.log(unit + " (log)", 1, Math.max(top, 2))
                : Axis.linear(unit, 0, Math.max(top, 4), 4, true);
    }

    /**
     * Adds one box per non-empty bin.
     *
     * @param marks where to add
     * @param h     the histogram
     * @param y     the count axis
     * @param color fill role
     * @param unit  what is counted, e.g. {@code weights}
     */
    static void addBins(List<Plot.Mark> marks, Histogram h, Axis y, ColorRole color, String unit) {
        long[] counts = h.counts();
        double w = h.binWidth();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            double a = h.lower() + i * w;
            marks.add(new Plot.Box(a, a + w, y.log() ? y.min() : 0, counts[i], color, "bin", null,
                    String.format(Locale.ROOT, "[%s, %s%s: %,d %s", num(a), num(a + w),
                            i == counts.length - 1 ? "]" : ")", counts[i], unit)));
        }
    }

    /** A value with four significant digits. */
    static String num(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? "%.4g" : "%.3e", v);
    }

    /** The data range [lo, hi] widened by 4 % on each side. */
    static double[] padded(double lo, double hi) {
        double pad = Math.max((hi - lo) * 0.04, Math.max(Math.abs(hi), 1e-6) * 1e-3);
        return new double[] {lo - pad, hi + pad};
    }
}
