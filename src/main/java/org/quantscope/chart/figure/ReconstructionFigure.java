package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.core.transform.AdaRound;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * AdaRound's reconstruction loss along the network: one bar per layer in graph order (the loss it kept, learned or
 * nearest), on a log axis, with the nearest-rounding loss as a thin mark, and the layers where the loss falls from
 * the layer before highlighted as oscillation (Ma et al. 2023, Theorem 1).
 */
public final class ReconstructionFigure {

    private ReconstructionFigure() {
    }

    /**
     * The chart.
     *
     * @param r           the AdaRound result
     * @param oscillating indices (into {@code r.layers()}) of the layers flagged as oscillation
     * @return the plot, or null without a finite loss
     */
    public static Plot plot(AdaRound.Result r, Set<Integer> oscillating) {
        List<String> names = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int i = 0; i < r.layers().size(); i++) {
            AdaRound.LayerResult l = r.layers().get(i);
            double kept = "adaround".equals(l.kept()) ? l.adaroundLoss() : l.nearestLoss();
            if ("skipped".equals(l.kept()) || !(kept > 0) || !Double.isFinite(kept)) {
                continue;
            }
            names.add(LayerFinding.shortName(l.layer()));
            index.add(i);
            lo = Math.min(lo, Math.min(kept, l.nearestLoss() > 0 ? l.nearestLoss() : kept));
            hi = Math.max(hi, Math.max(kept, Double.isFinite(l.nearestLoss()) ? l.nearestLoss() : kept));
        }
        if (names.isEmpty()) {
            return null;
        }
        Axis x = Axis.categories("Layer (graph order)", names);
        Axis y = Axis.log("Reconstruction loss", lo / 2, hi * 2);
        List<Plot.Mark> marks = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            AdaRound.LayerResult l = r.layers().get(index.get(k));
            double kept = "adaround".equals(l.kept()) ? l.adaroundLoss() : l.nearestLoss();
            boolean osc = oscillating.contains(index.get(k));
            marks.add(new Plot.Box(k - 0.35, k + 0.35, y.min(), kept, osc ? ColorRole.HIGH : ColorRole.ISOLATED,
                    "layer", l.layer(), String.format(Locale.ROOT, "%s%nkept: %s, loss %.4g (nearest %.4g)%s",
                    l.layer(), l.kept(), kept, l.nearestLoss(), osc ? "\nthe loss falls from the layer before: "
                    + "oscillation (Ma et al. 2023)" : "")));
            if (Double.isFinite(l.nearestLoss()) && l.nearestLoss() > 0) {
                marks.add(new Plot.Box(k - 0.4, k + 0.4, l.nearestLoss() / 1.04, l.nearestLoss() * 1.04,
                        ColorRole.QUANTIZED_BEFORE_FIXES, "nearest", l.layer(), String.format(Locale.ROOT,
                        "%s: rounding to nearest, loss %.4g", l.layer(), l.nearestLoss())));
            }
        }
        return new Plot(x, y, marks, List.of(new Plot.Legend("loss kept", ColorRole.ISOLATED, false),
                new Plot.Legend("oscillation", ColorRole.HIGH, false), new Plot.Legend("nearest rounding",
                        ColorRole.QUANTIZED_BEFORE_FIXES, false)));
    }
}
