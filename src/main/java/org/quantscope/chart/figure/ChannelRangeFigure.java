package org.quantscope.chart.figure;

import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Minimum and maximum per output channel of a layer's weights or output activations, in channel order or sorted by
 * range, with the per-tensor range a single grid has to cover (dashed). Channels far narrower than that range get only
 * a few grid values: why per-tensor quantization fails on a depthwise layer. Weight channels are keyed by their index.
 */
public final class ChannelRangeFigure {

    private ChannelRangeFigure() {
    }

    /**
     * The chart.
     *
     * @param r      the ranges
     * @param sorted widest channel first instead of channel order
     * @return the plot
     */
    public static Plot plot(ChannelRanges r, boolean sorted) {
        return plot(r, null, sorted);
    }

    /**
     * The chart, with the ranges before the post-training fixes drawn behind in grey.
     *
     * @param r      the ranges
     * @param before the same layer's ranges without the fixes, or null
     * @param sorted widest channel first instead of channel order
     * @return the plot
     */
    public static Plot plot(ChannelRanges r, ChannelRanges before, boolean sorted) {
        if (before != null && before.channels() != r.channels()) {
            before = null;
        }
        boolean relative = before != null;
        if (relative) {
            // Fixes such as equalization rescale the weights: compare shapes, each relative to its largest |weight|
            r = normalized(r);
            before = normalized(before);
        }
        float[] min = r.min();
        float[] max = r.max();
        double[] clip = r.channelClip();
        int n = r.channels();
        List<Integer> order = IntStream.range(0, n).boxed().toList();
        if (sorted) {
            order = order.stream().sorted(Comparator.comparingDouble((Integer c) -> (double) max[c] - min[c])
                    .reversed()).toList();
        }
        double lo = r.tensorMin();
        double hi = r.tensorMax();
        for (int c = 0; c < n; c++) {
            lo = Math.min(lo, min[c]);
            hi = Math.max(hi, max[c]);
        }
        float[] bmin = before == null ? null : before.min();
        float[] bmax = before == null ? null : before.max();
        if (before != null) {
            for (int c = 0; c < n; c++) {
                lo = Math.min(lo, bmin[c]);
                hi = Math.max(hi, bmax[c]);
            }
        }
        double[] pad = HistogramPlots.padded(lo, hi);
        Axis x = Axis.linear(sorted ? "Channels, widest range first" : "Output channel", -0.5, n - 0.5, 8, false);
        Axis y = Axis.linear(relative ? "Weight / largest |weight|" : r.kind().equals(ChannelRanges.WEIGHTS) ? "Weight value"
                : "Activation value", pad[0], pad[1], 5, false);
        List<Plot.Mark> marks = new ArrayList<>();
        double width = r.tensorMax() - r.tensorMin();
        double half = n > 200 ? 0.5 : 0.36;
        for (int i = 0; i < n && before != null; i++) {
            int c = order.get(i);
            marks.add(new Plot.Box(i - half - 0.06, i + half + 0.06, bmin[c], bmax[c], ColorRole.BEFORE_FIXES, "before",
                    null, String.format(Locale.ROOT, "channel %d before the fixes: [%s, %s]", c,
                    HistogramPlots.num(bmin[c]), HistogramPlots.num(bmax[c]))));
        }
        for (int i = 0; i < n; i++) {
            int c = order.get(i);
            if (clip.length == 2 * n) {
                marks.add(new Plot.Box(i - half, i + half, clip[2 * c], clip[2 * c + 1], ColorRole.CHANNEL_CLIP, "clip",
                        null, String.format(Locale.ROOT, "channel %d clipping range of its own grid: [%s, %s]", c,
                        HistogramPlots.num(clip[2 * c]), HistogramPlots.num(clip[2 * c + 1]))));
            }
            double range = (double) max[c] - min[c];
            marks.add(new Plot.Box(i - half, i + half, min[c], max[c], ColorRole.BINS, "range",
                    r.kind().equals(ChannelRanges.WEIGHTS) ? String.valueOf(c) : null, String.format(Locale.ROOT,
                    "channel %d: [%s, %s], range %s = %.2f %% of the per-tensor range", c, HistogramPlots.num(min[c]),
                    HistogramPlots.num(max[c]), HistogramPlots.num(range), width > 0 ? 100 * range / width : 0)));
        }
        for (double v : new double[] {r.tensorMin(), r.tensorMax()}) {
            marks.add(new Plot.Rule(false, v, ColorRole.TENSOR_RANGE, 1.5, true, "tensor-range",
                    String.format(Locale.ROOT, "per-tensor range [%s, %s]", HistogramPlots.num(r.tensorMin()),
                            HistogramPlots.num(r.tensorMax()))));
        }
        List<Plot.Legend> legend = new ArrayList<>(List.of(new Plot.Legend("channel min…max", ColorRole.BINS, false),
                new Plot.Legend("per-tensor range", ColorRole.TENSOR_RANGE, true)));
        if (clip.length == 2 * n) {
            legend.add(new Plot.Legend("per-channel clipping", ColorRole.CHANNEL_CLIP, false));
        }
        if (before != null) {
            legend.add(new Plot.Legend("before the fixes", ColorRole.BEFORE_FIXES, false));
        }
        return new Plot(x, y, marks, legend);
    }

    /** The ranges divided by the largest magnitude of the tensor (its per-tensor range included). */
    static ChannelRanges normalized(ChannelRanges r) {
        float[] min = r.min();
        float[] max = r.max();
        double m = Math.max(Math.abs(r.tensorMin()), Math.abs(r.tensorMax()));
        for (int c = 0; c < min.length; c++) {
            m = Math.max(m, Math.max(Math.abs(min[c]), Math.abs(max[c])));
        }
        double k = m > 0 ? 1 / m : 1;
        double[] clip = r.channelClip();
        for (int c = 0; c < min.length; c++) {
            min[c] = (float) (min[c] * k);
            max[c] = (float) (max[c] * k);
        }
        for (int i = 0; i < clip.length; i++) {
            clip[i] *= k;
        }
        return new ChannelRanges(r.kind(), r.quantizer(), min, max, r.tensorMin() * k, r.tensorMax() * k, clip);
    }

    /**
     * How far apart the channels are.
     *
     * @param r the ranges
     * @return e.g. {@code widest channel 120x the median}
     */
    public static String ratioText(ChannelRanges r) {
        float[] min = r.min();
        float[] max = r.max();
        double[] s = new double[r.channels()];
        for (int c = 0; c < s.length; c++) {
            s[c] = (double) max[c] - min[c];
        }
        java.util.Arrays.sort(s);
        double median = s.length == 0 ? 0 : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1]
                + s[s.length / 2]) / 2;
        return median > 0 ? String.format(Locale.ROOT, "widest channel %.0fx the median", s[s.length - 1] / median)
                : "median channel range is 0";
    }

    /**
     * The caption: how many channels are narrow against the per-tensor range, and how far apart they are.
     *
     * @param r the ranges
     * @return one line
     */
    public static String caption(ChannelRanges r) {
        String ratio = ratioText(r);
        return String.format(Locale.ROOT, "%d of %d channels span under 10 %% of the per-tensor range [%s, %s] · %s",
                r.narrowChannels(), r.channels(), HistogramPlots.num(r.tensorMin()), HistogramPlots.num(r.tensorMax()),
                ratio) + (r.kind().equals(ChannelRanges.WEIGHTS) ? " · click a channel for its histogram" : "");
    }
}
