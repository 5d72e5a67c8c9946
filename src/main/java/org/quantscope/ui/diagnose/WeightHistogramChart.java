package org.quantscope.ui.diagnose;

import javafx.scene.control.CheckBox;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import org.quantscope.ui.main.SpinnerCommit;
import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The weight histogram of the selected layer (whole tensor or one output channel) with the representable values of its
 * quantization grid, s * (q - z), drawn as thin lines when few enough to tell apart, and the clipping thresholds.
 */
final class WeightHistogramChart {

    /** Most grid lines drawn; a denser grid is described in the caption instead. */
    static final int MAX_GRID_LINES = 64;

    private final CheckBox perChannel = new CheckBox("per channel");
    private final Spinner<Integer> channel = new Spinner<>();
    private final CheckBox log = new CheckBox("log");
    private final ChartCard card;
    private final DiagnosticsViewModel vm;
    private final javafx.beans.property.ObjectProperty<Integer> channelValue;

    WeightHistogramChart(DiagnosticsViewModel vm) {
        this.vm = vm;
        perChannel.setId("perChannelToggle");
        perChannel.selectedProperty().bindBidirectional(vm.perChannelProperty());
        SpinnerValueFactory.IntegerSpinnerValueFactory f = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 0, 0);
        channel.setValueFactory(f);
        channel.setId("channelSpinner");
        channel.setEditable(true);
        SpinnerCommit.onEnter(channel);
        channel.setPrefWidth(72);
        channel.disableProperty().bind(vm.perChannelProperty().not());
        f.maxProperty().bind(vm.channelsProperty().subtract(1).map(v -> Math.max(0, v.intValue())));
        channelValue = vm.channelProperty().asObject();
        f.valueProperty().bindBidirectional(channelValue);
        log.setId("weightLogToggle");
        log.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        perChannel.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        card = new ChartCard("weightHistogramChart", "Weights", perChannel, channel, log);
        vm.weightHistogramProperty().addListener((o, was, now) -> update());
        log.selectedProperty().addListener((o, was, now) -> update());
        update();
    }

    ChartCard card() {
        return card;
    }

    private void update() {
        WeightHistogram w = vm.weightHistogramProperty().get();
        Plot p = w == null ? null : plot(w, log.isSelected());
        card.show(p, vm.selectedLayerProperty().get() == null ? "Select a layer"
                : "Simulate on the Quantization tab to see this layer's weights with their grid");
        card.caption().setText(w == null ? "" : caption(w));
    }

    /**
     * The chart.
     *
     * @param w   the histogram and its grid
     * @param log log counts
     * @return the plot
     */
    static Plot plot(WeightHistogram w, boolean log) {
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

    static String caption(WeightHistogram w) {
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
