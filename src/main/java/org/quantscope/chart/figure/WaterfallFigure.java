package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.core.investigate.Investigation;
import org.quantscope.core.investigate.Measurement;
import org.quantscope.core.investigate.Step;
import org.quantscope.core.investigate.StepId;
import org.quantscope.core.investigate.StepStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The accuracy of an investigation over its steps as a waterfall: the baseline as a bar from the bottom of the axis,
 * then one floating bar per applied fix from the accuracy before it to the accuracy after it (up: a gain, down: a
 * loss), with FP32 and FP32 minus the target drop as dashed lines.
 */
public final class WaterfallFigure {

    private WaterfallFigure() {
    }

    /**
     * The chart.
     *
     * @param inv the investigation (at least its baseline)
     * @return the plot, or null before the baseline
     */
    public static Plot plot(Investigation inv) {
        Measurement base = inv.baseline();
        if (base == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<double[]> bars = new ArrayList<>();
        List<String> tips = new ArrayList<>();
        names.add("baseline");
        bars.add(new double[] {Double.NaN, 100 * base.accuracy()});
        tips.add(String.format(Locale.ROOT, "baseline: %s", base.describe()));
        double now = 100 * base.accuracy();
        for (Step s : inv.steps()) {
            if (s.status() != StepStatus.APPLIED || s.after() == null || s.id() == StepId.BASELINE) {
                continue;
            }
            double next = 100 * s.after().accuracy();
            names.add(s.id().id());
            bars.add(new double[] {now, next});
            tips.add(String.format(Locale.ROOT, "%s: %s%n%.2f %% -> %.2f %% (%+.2f points)", s.id().title(),
                    s.decision(), now, next, next - now));
            now = next;
        }
        double fp32 = 100 * base.fp32Accuracy();
        double target = fp32 - inv.setup().targets().drop();
        double lo = Math.min(target, bars.stream().mapToDouble(b -> Math.min(Double.isNaN(b[0]) ? b[1] : b[0], b[1]))
                .min().orElse(0));
        double bottom = Math.max(0, lo - Math.max(2, 0.1 * (fp32 - lo)));
        Axis x = Axis.categories("Step", names);
        Axis y = Axis.linear("Accuracy (%)", bottom, Math.min(100, fp32 + Math.max(1, 0.05 * (fp32 - bottom))), 6,
                false);
        List<Plot.Mark> marks = new ArrayList<>();
        marks.add(new Plot.Rule(false, fp32, ColorRole.FP32_REFERENCE, 1.2, true, "fp32",
                String.format(Locale.ROOT, "FP32 %.2f %%", fp32)));
        marks.add(new Plot.Rule(false, target, ColorRole.TARGET, 1.2, true, "target",
                String.format(Locale.ROOT, "target: at most %.2f points below FP32", inv.setup().targets().drop())));
        for (int i = 0; i < bars.size(); i++) {
            double[] b = bars.get(i);
            double from = Double.isNaN(b[0]) ? y.min() : b[0];
            double to = b[1];
            ColorRole role = i == 0 ? ColorRole.BEFORE_FIXES : to >= from ? ColorRole.GAIN : ColorRole.HIGH;
            marks.add(new Plot.Box(i - 0.35, i + 0.35, Math.min(from, to), Math.max(from, to), role, "step",
                    names.get(i), tips.get(i)));
            marks.add(new Plot.Text(i, Math.max(from, to), String.format(Locale.ROOT, "%.2f", to),
                    ColorRole.VALUE_OUTSIDE, false, "value"));
        }
        return new Plot(x, y, marks, List.of(new Plot.Legend("baseline", ColorRole.BEFORE_FIXES, false),
                new Plot.Legend("gain of a step", ColorRole.GAIN, false), new Plot.Legend("loss of a step",
                        ColorRole.HIGH, false)));
    }
}
