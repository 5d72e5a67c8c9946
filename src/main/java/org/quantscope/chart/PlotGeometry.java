package org.quantscope.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Where a {@link Plot} goes in a box of {@code width} x {@code height} pixels: margins for the tick labels, axis titles
 * and legend, and the mapping from data to pixels. Shared by the window's plot view and {@link SvgWriter}, so both
 * place every mark identically.
 */
public final class PlotGeometry {

    /** Font size of tick labels, legend and axis titles. */
    public static final double FONT = 12;
    /** Height of one text line. */
    public static final double LINE = 16;
    private static final double PAD = 6;

    private final Plot plot;
    private final double left;
    private final double right;
    private final double top;
    private final double bottom;
    private final List<double[]> legendAt = new ArrayList<>();

    private final ToDoubleFunction<String> textWidth;

    /**
     * @param plot      the plot
     * @param width     available width
     * @param height    available height
     * @param textWidth width of a label in pixels at {@link #FONT}
     */
    public PlotGeometry(Plot plot, double width, double height, ToDoubleFunction<String> textWidth) {
        this.plot = plot;
        this.textWidth = textWidth;
        double yLabels = plot.y().ticks().stream().mapToDouble(t -> textWidth.applyAsDouble(t.label())).max()
                .orElse(0);
        left = PAD + (plot.y().label().isEmpty() ? 0 : LINE + 2) + yLabels + 6;
        right = width - PAD - 8;
        double lx = left;
        double ly = PAD;
        for (Plot.Legend l : plot.legend()) {
            double w = 18 + textWidth.applyAsDouble(l.label()) + 16;
            if (lx + w > width - PAD && lx > left) {
                lx = left;
                ly += LINE;
            }
            legendAt.add(new double[] {lx, ly});
            lx += w;
        }
        top = plot.legend().isEmpty() ? PAD : ly + LINE + 4;
        bottom = height - PAD - LINE - (plot.x().label().isEmpty() ? 0 : LINE + 2);
    }

    /** Left edge of the plot area. */
    public double left() {
        return left;
    }

    /** Right edge of the plot area. */
    public double right() {
        return right;
    }

    /** Top edge of the plot area. */
    public double top() {
        return top;
    }

    /** Bottom edge of the plot area. */
    public double bottom() {
        return bottom;
    }

    /** Left end of legend entry {@code i}. */
    public double legendX(int i) {
        return legendAt.get(i)[0];
    }

    /** Vertical centre of legend entry {@code i}. */
    public double legendY(int i) {
        return legendAt.get(i)[1] + LINE / 2;
    }

    /** Whether there is room to draw anything. */
    public boolean usable() {
        return right - left > 20 && bottom - top > 20;
    }

    /** Pixel x of data value {@code v}. */
    public double px(double v) {
        return left + plot.x().fraction(v) * (right - left);
    }

    /** Pixel y of data value {@code v}. */
    public double py(double v) {
        return bottom - plot.y().fraction(v) * (bottom - top);
    }

    /** A box in pixels: x, y, width, height (at least one pixel wide and tall when not empty). */
    public double[] rect(Plot.Box b) {
        double x0 = px(Math.min(b.x0(), b.x1()));
        double x1 = px(Math.max(b.x0(), b.x1()));
        double y0 = py(Math.max(b.y0(), b.y1()));
        double y1 = py(Math.min(b.y0(), b.y1()));
        return new double[] {x0, y0, Math.max(x1 - x0, 1), Math.max(y1 - y0, 1)};
    }

    /**
     * The ticks of an axis that fit without overlapping: every k-th when they are too dense (on a horizontal axis,
     * the widest label and a gap apart instead of {@code minGap}).
     *
     * @param axis     the axis
     * @param vertical whether it runs vertically
     * @param minGap   minimal pixel distance between labels
     * @return the ticks to label
     */
    public List<Axis.Tick> visibleTicks(Axis axis, boolean vertical, double minGap) {
        List<Axis.Tick> inside = axis.ticks().stream().filter(t -> axis.contains(t.value())).toList();
        if (!vertical) { // labels side by side: the widest label and a gap apart, whatever the caller's minimum
            minGap = inside.stream().mapToDouble(t -> textWidth.applyAsDouble(t.label())).max().orElse(0) + 12;
        }
        double span = vertical ? bottom - top : right - left;
        int step = 1;
        while (inside.size() / step > 1 && span / (inside.size() / (double) step) < minGap) {
            step++;
        }
        List<Axis.Tick> out = new ArrayList<>();
        for (int i = 0; i < inside.size(); i += step) {
            out.add(inside.get(i));
        }
        return out;
    }
}
