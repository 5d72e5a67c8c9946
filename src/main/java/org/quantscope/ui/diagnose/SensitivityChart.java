package org.quantscope.ui.diagnose;

import javafx.collections.ListChangeListener;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.LayerFinding;
import org.quantscope.chart.figure.SensitivityFigure;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;
import org.quantscope.core.util.WorstSelection;

import java.util.List;
import java.util.Locale;

/**
 * The sensitivity ranking card: the worst-N filter around the {@link SensitivityFigure}, redrawn when the findings or
 * the selection change. Clicking a layer's bars selects it.
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
        Plot p = SensitivityFigure.plot(s.shown(), selected, threshold);
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
}
