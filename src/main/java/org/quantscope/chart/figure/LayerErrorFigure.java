package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Layerwise error across the network: per layer a propagated bar (every quantizer on) above an isolated bar (only this
 * layer quantized, FP32 input), in quantizer steps on a log axis (or SQNR in dB), with the flag threshold and the
 * rounding-noise level. Each bar's key is its layer, so a click can select it.
 */
public final class LayerErrorFigure {

    /** RMSE of pure rounding noise in quantizer steps, 1/sqrt(12). */
    public static final double ROUNDING_NOISE = 1 / Math.sqrt(12);
    /** Title of the SQNR axis. */
    public static final String SQNR_AXIS = "SQNR (dB)";

    private LayerErrorFigure() {
    }

    /**
     * The chart, or null before a diagnosis.
     *
     * @param rows      the layers in graph order
     * @param selected  the selected layer (highlighted), or null
     * @param sqnr      SQNR in dB instead of steps
     * @param threshold flag threshold in steps
     * @param sqnrFloor flag threshold in dB
     * @return the plot
     */
    public static Plot plot(List<LayerFinding> rows, String selected, boolean sqnr, double threshold, double sqnrFloor) {
        if (rows.isEmpty() || rows.stream().allMatch(r -> r.level() == LayerFinding.ErrorLevel.UNKNOWN)) {
            return null;
        }
        int n = rows.size();
        List<String> names = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = n - 1; i >= 0; i--) {
            names.add(rows.get(i).label());
        }
        for (LayerFinding r : rows) {
            for (double v : sqnr ? new double[] {r.isolatedSqnr(), r.propagatedSqnr()}
                    : new double[] {r.isolated(), r.propagated()}) {
                if (Double.isFinite(v) && (sqnr || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            return null;
        }
        Axis x = sqnr ? Axis.linear(SQNR_AXIS, Math.min(0, lo), Math.max(hi, sqnrFloor), 6, true)
                : Axis.log("RMSE / quantizer step (log)", Math.min(lo, ROUNDING_NOISE) * 0.8, Math.max(hi, threshold));
        Axis y = Axis.categories("", names);
        List<Plot.Mark> marks = new ArrayList<>();
        double base = x.log() ? x.min() : Math.max(x.min(), 0);
        for (int i = 0; i < n; i++) {
            LayerFinding r = rows.get(i);
            double c = n - 1 - i;
            if (r.name().equals(selected)) {
                marks.add(new Plot.Box(x.min(), x.max(), c - 0.5, c + 0.5, ColorRole.SELECTED, "band", r.name(),
                        r.name() + " (selected)"));
            }
            String what = r.name() + " · " + r.op() + (r.flagged() ? " · flagged: " + r.flag() : "");
            double prop = sqnr ? r.propagatedSqnr() : r.propagated();
            double iso = sqnr ? r.isolatedSqnr() : r.isolated();
            if (Double.isFinite(prop) && (sqnr || prop > 0)) {
                marks.add(new Plot.Box(base, prop, c + 0.02, c + 0.4, ColorRole.PROPAGATED, "bar", r.name(),
                        what + "\npropagated (every quantizer on): " + value(prop, sqnr)));
            }
            if (Double.isFinite(iso) && (sqnr || iso > 0)) {
                marks.add(new Plot.Box(base, iso, c - 0.4, c - 0.02, ColorRole.ISOLATED, "bar", r.name(),
                        what + "\nisolated (only this layer, FP32 input): " + value(iso, sqnr)));
            }
        }
        List<Plot.Legend> legend = new ArrayList<>(List.of(new Plot.Legend("propagated", ColorRole.PROPAGATED, false),
                new Plot.Legend("isolated", ColorRole.ISOLATED, false)));
        if (sqnr) {
            marks.add(new Plot.Rule(true, sqnrFloor, ColorRole.THRESHOLD, 1.5, true, "threshold",
                    String.format(Locale.ROOT, "flag threshold %.0f dB (layers without an output quantizer)",
                            sqnrFloor)));
        } else {
            marks.add(new Plot.Rule(true, ROUNDING_NOISE, ColorRole.NOISE, 1, true, "noise",
                    String.format(Locale.ROOT, "pure rounding noise: 1/sqrt(12) = %.3f steps", ROUNDING_NOISE)));
            marks.add(new Plot.Rule(true, threshold, ColorRole.THRESHOLD, 1.5, true, "threshold",
                    String.format(Locale.ROOT, "flag threshold: isolated error over %.2f steps", threshold)));
            legend.add(new Plot.Legend(String.format(Locale.ROOT, "threshold %.2f", threshold), ColorRole.THRESHOLD,
                    true));
        }
        return new Plot(x, y, marks, legend);
    }

    private static String value(double v, boolean sqnr) {
        return sqnr ? String.format(Locale.ROOT, "%.2f dB", v) : String.format(Locale.ROOT, "%.4f steps", v);
    }
}
