package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionPoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Pareto chart of a mixed-precision search: accuracy versus average weight bits, every measured configuration a
 * point keyed by its step, the front drawn above the others, the selected point larger, with FP32 and FP32 minus the
 * target drop as dashed lines.
 */
public final class ParetoFigure {

    private ParetoFigure() {
    }

    /**
     * The chart.
     *
     * @param r        the search
     * @param selected the selected point, or null
     * @param target   target drop in points
     * @return the plot
     */
    public static Plot plot(MixedPrecision.Result r, MixedPrecisionPoint selected, double target) {
        double fp32 = 100 * r.fp32Accuracy();
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        double ylo = fp32 - target;
        double yhi = fp32;
        for (MixedPrecisionPoint p : r.points()) {
            xlo = Math.min(xlo, p.averageWeightBits());
            xhi = Math.max(xhi, p.averageWeightBits());
            ylo = Math.min(ylo, 100 * p.accuracy());
            yhi = Math.max(yhi, 100 * p.accuracy());
        }
        double padX = Math.max(0.25, (xhi - xlo) * 0.05);
        double padY = Math.max(0.2, (yhi - ylo) * 0.08);
        Axis x = Axis.linear("Average weight bits", xlo - padX, xhi + padX, 6, false);
        Axis y = Axis.linear("Search accuracy (%)", ylo - padY, yhi + padY, 5, false);
        double w = (x.max() - x.min()) / 220;
        double h = (y.max() - y.min()) / 40;
        Set<Integer> front = r.front().stream().map(MixedPrecisionPoint::step).collect(Collectors.toSet());
        List<Plot.Mark> marks = new ArrayList<>();
        marks.add(new Plot.Rule(false, fp32, ColorRole.FP32_REFERENCE, 1.2, true, "fp32", String.format(Locale.ROOT,
                "FP32 %.2f %%", fp32)));
        marks.add(new Plot.Rule(false, fp32 - target, ColorRole.TARGET, 1.2, true, "target", String.format(Locale.ROOT,
                "target: at most %.2f points below FP32", target)));
        for (int pass = 0; pass < 2; pass++) {
            for (MixedPrecisionPoint p : r.points()) {
                boolean onFront = front.contains(p.step());
                if (onFront != (pass == 1)) {
                    continue; // front drawn last, above the other points
                }
                double cx = p.averageWeightBits();
                double cy = 100 * p.accuracy();
                boolean sel = selected != null && selected.step() == p.step();
                double k = sel ? 1.8 : 1;
                marks.add(new Plot.Box(cx - k * w, cx + k * w, cy - k * h, cy + k * h, sel ? ColorRole.HIGHLIGHT
                        : onFront ? ColorRole.FRONT : ColorRole.POINT, "point", String.valueOf(p.step()), describe(p, onFront)));
            }
        }
        return new Plot(x, y, marks, List.of(new Plot.Legend("measured", ColorRole.POINT, false),
                new Plot.Legend("Pareto front", ColorRole.FRONT, false), new Plot.Legend("selected", ColorRole.HIGHLIGHT,
                false)));
    }

    private static String describe(MixedPrecisionPoint p, boolean front) {
        String what = p.step() == 0 ? "base (uniform widths)" : "step " + p.step() + ": " + p.raised() + " -> "
                + MixedPrecision.label(p.raisedTo());
        return String.format(Locale.ROOT, "%s%s%n%.2f %% (drop %.2f points) · %.2f average weight bits · %.1f KiB "
                + "weights · %.3g BOPs", what, front ? " · on the front" : "", 100 * p.accuracy(), p.drop(),
                p.averageWeightBits(), p.sizeBits() / 8192.0, p.bops());
    }
}
