package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Layers ranked by sensitivity: the accuracy drop with only that layer quantized, most sensitive on top, beside the
 * accuracy gained when only that layer stays in float, with the flag threshold. Each bar's key is its layer.
 */
public final class SensitivityFigure {

    private SensitivityFigure() {
    }

    /**
     * The chart, or null when no layer has a sensitivity.
     *
     * @param rows      the layers
     * @param selected  the selected layer, or null
     * @param threshold sensitivity flag threshold in points
     * @return the plot
     */
    public static Plot plot(List<LayerFinding> rows, String selected, double threshold) {
        List<LayerFinding> ranked = rows.stream().filter(r -> Double.isFinite(r.sensitivity()))
                .sorted(Comparator.comparingDouble(LayerFinding::sensitivity).reversed()).toList();
        if (ranked.isEmpty()) {
            return null;
        }
        int n = ranked.size();
        double lo = 0;
        double hi = threshold;
        for (LayerFinding r : ranked) {
            lo = Math.min(lo, Math.min(r.sensitivity(), finite(r.floatGain())));
            hi = Math.max(hi, Math.max(r.sensitivity(), finite(r.floatGain())));
        }
        List<String> names = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            names.add(ranked.get(i).label());
        }
        Axis x = Axis.linear("Accuracy points", lo, hi, 6, true);
        List<Plot.Mark> marks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LayerFinding r = ranked.get(i);
            double c = n - 1 - i;
            if (r.name().equals(selected)) {
                marks.add(new Plot.Box(x.min(), x.max(), c - 0.5, c + 0.5, ColorRole.SELECTED, "band", r.name(),
                        r.name() + " (selected)"));
            }
            String what = "#" + (i + 1) + " " + r.name() + " · " + r.op();
            marks.add(new Plot.Box(0, r.sensitivity(), c + 0.02, c + 0.4, ColorRole.PROPAGATED, "bar", r.name(),
                    String.format(Locale.ROOT, "%s%nsensitivity drop: %.2f pts (only this layer quantized)", what,
                            r.sensitivity())));
            if (Double.isFinite(r.floatGain())) {
                marks.add(new Plot.Box(0, r.floatGain(), c - 0.4, c - 0.02, ColorRole.GAIN, "bar", r.name(),
                        String.format(Locale.ROOT, "%s%nfloat gain: %+.2f pts (only this layer kept in FP32)", what,
                                r.floatGain())));
            }
        }
        marks.add(new Plot.Rule(true, 0, ColorRole.ZERO, 1, false, "zero", "0 points"));
        marks.add(new Plot.Rule(true, threshold, ColorRole.THRESHOLD, 1.5, true, "threshold",
                String.format(Locale.ROOT, "flag threshold: %.1f pts", threshold)));
        return new Plot(x, Axis.categories("", names), marks, List.of(
                new Plot.Legend("sensitivity drop", ColorRole.PROPAGATED, false),
                new Plot.Legend("float gain", ColorRole.GAIN, false)));
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
