package org.quantscope.ui.diagnose;

import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.scene.control.ComboBox;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.LayerErrorFigure;
import org.quantscope.chart.figure.LayerFinding;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;
import org.quantscope.core.util.WorstSelection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The layerwise error card: the metric choice (steps or SQNR) and the worst-N filter for long networks around the
 * {@link LayerErrorFigure}, redrawn when the findings, the selection or the metric change. Clicking a layer's bars
 * selects it.
 */
final class LayerErrorChart {

    static final String STEPS = "RMSE in steps";
    static final String SQNR = LayerErrorFigure.SQNR_AXIS;
    /** Layers shown at first when a model has more (the worst by isolated error, in graph order). */
    static final int LAYERS_SHOWN = 25;

    private final ChartCard card;
    private final ComboBox<String> metric = new ComboBox<>(FXCollections.observableArrayList(STEPS, SQNR));
    private final DiagnosticsViewModel vm;
    private final WorstFilter filter = new WorstFilter(LAYERS_SHOWN, "layers", "isolated error", "%.3f steps", true);
    private final WorstFilterBar bar = new WorstFilterBar(filter, "layerError");

    LayerErrorChart(DiagnosticsViewModel vm) {
        this.vm = vm;
        metric.setId("errorMetricChoice");
        metric.setValue(STEPS);
        card = new ChartCard("layerErrorChart", "Layerwise error", bar.root(), metric);
        card.scrollCategories();
        filter.onChange(this::update);
        card.view().setOnKeyClicked(layer -> vm.selectedLayerProperty().set(layer));
        vm.findings().addListener((ListChangeListener<LayerFinding>) c -> update());
        vm.selectedLayerProperty().addListener((o, was, now) -> update());
        metric.valueProperty().addListener((o, was, now) -> update());
        update();
    }

    ChartCard card() {
        return card;
    }

    private void update() {
        double threshold = vm.diagnosisProperty().get() == null ? DiagnoseSettings.DEFAULT.rmseOverScaleThreshold()
                : vm.diagnosisProperty().get().result().settings().rmseOverScaleThreshold();
        double sqnrFloor = vm.diagnosisProperty().get() == null ? DiagnoseSettings.DEFAULT.sqnrThresholdDb()
                : vm.diagnosisProperty().get().result().settings().sqnrThresholdDb();
        List<LayerFinding> rows = vm.findings();
        bar.setNeeded(filter.needed(rows.size()));
        card.view().setReadableCategories(filter.needed(rows.size()));
        String selected = vm.selectedLayerProperty().get();
        WorstSelection<LayerFinding> s = filter.select(rows, LayerFinding::name, LayerFinding::isolated,
                selected == null ? List.of() : List.of(selected));
        List<LayerFinding> shown = s.reduced() ? graphOrder(s) : rows;
        Plot p = LayerErrorFigure.plot(shown, selected, SQNR.equals(metric.getValue()), threshold, sqnrFloor);
        card.show(p, s.reduced() && shown.isEmpty() ? "No layer matches '" + filter.queryProperty().get() + "'"
                : "Press Diagnose to measure the error at every layer's output");
        String rest = filter.summaryProperty().get();
        card.caption().setText(p == null ? "" : (rest.isEmpty() ? "" : "Worst " + shown.size() + " of " + rows.size()
                + " layers by isolated error, in graph order · " + rest + "\n") + (SQNR.equals(metric.getValue())
                ? "Higher is better · layers under the dashed line are flagged when they have no output quantizer"
                : String.format(Locale.ROOT, "Steps = RMSE / quantizer scale · rounding noise alone is %.3f · over %.2f "
                + "(dashed) the layer is flagged · click a layer to select it", LayerErrorFigure.ROUNDING_NOISE,
                threshold)));
    }

    /** The shown layers in graph order. */
    static List<LayerFinding> graphOrder(WorstSelection<LayerFinding> s) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s.shown().size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparingInt(i -> s.shownIndex().get(i)));
        return order.stream().map(s.shown()::get).toList();
    }
}
