package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The weight histogram of a layer (whole tensor or one output channel) with the representable values of its
 * quantization grid, s * (q - z), drawn as thin lines when few enough to tell apart, and the clipping thresholds.
 */
public final class WeightHistogramFigure {

    /** Most grid lines drawn; a denser grid is described in the caption instead. */
    public static final int MAX_GRID_LINES = 64;

    private WeightHistogramFigure() {
    }

    /**
     * The chart.
     *
     * @param w   the histogram and its grid
     * @param log log counts
     * @return the plot
     */
    public static Plot plot(WeightHistogram w, boolean log) {
        double[] r = HistogramPlots.padded(w.histogram().lower(), w.histogram().upper());
        Axis x = Axis.linear(w.channel() < 0 ? "Weight value (whole tensor)" : "Weight value (channel " + w.channel()
                + ")", r[0], r[1], 6, false);
        Axis y = HistogramPlots.countAxis(w.histogram(), log, "Weights");
        List<Plot.Mark> marks = new ArrayList<>();
        List<Plot.Legend> legend = new ArrayList<>(List.of(new Plot.Legend("weights", ColorRole.BINS, false)));
        QuantGrid g = w.grid();
        if (g != null) {
            List<Double> values = g.valuesWithin(r[0], r[1], MAX_GRID_LINES);
            for (double v : values) {
                long q = Math.round(v / g.scale()) + g.zeroPoint();
                marks.add(new Plot.Rule(true, v, ColorRole.GRID, 0.8, false, "grid", String.format(Locale.ROOT,
                        "grid value q = %d: s·(q − z) = %s", q, HistogramPlots.num(v))));
            }
            if (!values.isEmpty()) {
                legend.add(new Plot.Legend("grid values", ColorRole.GRID, true));
            }
        }
        HistogramPlots.addBins(marks, w.histogram(), y, ColorRole.BINS, "weights");
        if (g != null) {
            boolean shown = false;
            for (double clip : new double[] {g.min(), g.max()}) {
                if (clip >= r[0] && clip <= r[1]) {
                    shown = true;
                    marks.add(new Plot.Rule(true, clip, ColorRole.CLIP, 2, true, "clip", String.format(Locale.ROOT,
                            "clipping threshold %s (grid end s·(%s − z))", HistogramPlots.num(clip),
                            clip == g.min() ? "qmin" : "qmax")));
                }
            }
            if (shown) {
                legend.add(new Plot.Legend("clipping", ColorRole.CLIP, true));
            }
        }
        return new Plot(x, y, marks, legend);
    }

    /**
     * The caption: the grid that applies, how many of its values the weights shown span, and what rounding and
     * clipping do to the whole tensor.
     *
     * @param w the histogram and its grid
     * @return one line
     */
    public static String caption(WeightHistogram w) {
        QuantGrid g = w.grid();
        if (g == null) {
            return "This weight is not quantized";
        }
        String grid = String.format(Locale.ROOT, "%s grid%s: %d steps of %s, clipping at [%s, %s]",
                w.perChannelQuantizer() ? "per-channel" : "per-tensor",
                w.perChannelQuantizer() ? " of channel " + w.gridChannel() : "", g.steps(),
                HistogramPlots.num(g.scale()), HistogramPlots.num(g.min()), HistogramPlots.num(g.max()));
        int used = w.gridValuesUsed();
        String use = used > MAX_GRID_LINES ? String.format(Locale.ROOT, " · these weights span %d grid values (too "
                + "dense to draw)", used) : String.format(Locale.ROOT, " · these weights span only %d grid value%s",
                used, used == 1 ? "" : "s");
        String shares = Double.isNaN(w.roundedToZeroShare()) ? "" : String.format(Locale.ROOT,
                " · tensor: %.1f %% rounded to zero, %.2f %% clipped", w.roundedToZeroShare() * 100,
                w.clippedShare() * 100);
        return grid + use + shares;
    }
}
