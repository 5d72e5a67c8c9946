package org.quantscope.ui.diagnose;

import javafx.collections.ListChangeListener;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.chart.Plot;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;
import org.quantscope.core.util.WorstSelection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Layers ranked by sensitivity: the accuracy drop with only that layer quantized, most sensitive on top, beside the
 * accuracy gained when only that layer stays in float. Clicking a layer's bars selects it.
 */
final class SensitivityChart {

    private final WorstFilter filter = new WorstFilter(LayerErrorChart.LAYERS_SHOWN, "layers", "sensitivity drop",
            "%.2f points", true);
    private final WorstFilterBar bar = new WorstFilterBar(filter, "sensitivity");
    private final ChartCard card = new ChartCard("sensitivityChart", "Sensitivity ranking", bar.root());
    private final DiagnosticsViewModel vm;

    SensitivityChart(DiagnosticsViewModel vm) {
        this.vm = vm;
        card.scrollCategories();
        filter.onChange(this::update);
        card.view().setOnKeyClicked(layer -> vm.selectedLayerProperty().set(layer));
        vm.findings().addListener((ListChangeListener<LayerFinding>) c -> update());
        vm.selectedLayerProperty().addListener((o, was, now) -> update());
        update();
    }

    ChartCard card() {
        return card;
    }

    private void update() {
        double threshold = vm.diagnosisProperty().get() == null ? DiagnoseSettings.DEFAULT.sensitivityThreshold()
                : vm.diagnosisProperty().get().result().settings().sensitivityThreshold();
        List<LayerFinding> rows = vm.findings().stream().filter(r -> Double.isFinite(r.sensitivity())).toList();
        bar.setNeeded(filter.needed(rows.size()));
        card.view().setReadableCategories(filter.needed(rows.size()));
        String selected = vm.selectedLayerProperty().get();
        WorstSelection<LayerFinding> s = filter.select(rows, LayerFinding::name, LayerFinding::sensitivity,
                selected == null ? List.of() : List.of(selected));
        Plot p = plot(s.shown(), selected, threshold);
        boolean diagnosed = vm.diagnosisProperty().get() != null;
        card.show(p, s.reduced() && s.shown().isEmpty() && !rows.isEmpty() ? "No layer matches '"
                + filter.queryProperty().get() + "'" : diagnosed ? "This diagnosis ran without sensitivity: tick "
                + "\"Sensitivity runs\" and diagnose again"
                : "Press Diagnose to rank the layers by how much accuracy each one costs");
        String rest = filter.summaryProperty().get();
        card.caption().setText(p == null ? "" : (rest.isEmpty() ? "" : "Most sensitive " + s.shown().size() + " of "
                + rows.size() + " layers · " + rest + "\n") + String.format(Locale.ROOT, "Drop: accuracy lost with only this layer "
                + "quantized · float gain: accuracy won back when only this layer stays FP32 · flagged from %.1f pts",
                threshold));
    }

    /**
     * The chart, or null when no layer has a sensitivity.
     *
     * @param rows      the layers
     * @param selected  the selected layer, or null
     * @param threshold sensitivity flag threshold in points
     * @return the plot
     */
    static Plot plot(List<LayerFinding> rows, String selected, double threshold) {
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
