package org.quantscope.ui.diagnose;

import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import org.quantscope.chart.figure.ActivationHistogram;
import org.quantscope.chart.figure.ActivationHistogramFigure;
import org.quantscope.chart.figure.LayerFinding;
import org.quantscope.ui.chart.ChartCard;

/**
 * The activation histogram card: the quantizer choice and log counts around the {@link ActivationHistogramFigure} of
 * the selected layer's activation quantizer.
 */
final class ActivationHistogramChart {

    private final ComboBox<String> quantizer = new ComboBox<>();
    private final CheckBox log = new CheckBox("log");
    private final ChartCard card;
    private final DiagnosticsViewModel vm;

    ActivationHistogramChart(DiagnosticsViewModel vm) {
        this.vm = vm;
        quantizer.setId("activationQuantizerChoice");
        quantizer.setItems(vm.activationQuantizers());
        quantizer.valueProperty().bindBidirectional(vm.activationQuantizerProperty());
        quantizer.setMaxWidth(165);
        quantizer.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(String name) {
                return name == null ? "" : LayerFinding.shortName(name);
            }

            @Override
            public String fromString(String text) {
                return text;
            }
        });
        log.setId("activationLogToggle");
        log.setSelected(true);
        log.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        card = new ChartCard("activationHistogramChart", "Activations", quantizer, log);
        vm.activationHistogramProperty().addListener((o, was, now) -> update());
        log.selectedProperty().addListener((o, was, now) -> update());
        update();
    }

    ChartCard card() {
        return card;
    }

    private void update() {
        ActivationHistogram a = vm.activationHistogramProperty().get();
        card.show(a == null ? null : ActivationHistogramFigure.plot(a, log.isSelected()),
                vm.selectedLayerProperty().get() == null ? "Select a layer"
                        : "Press Diagnose to collect activation statistics on the calibration samples");
        card.caption().setText(a == null ? "" : ActivationHistogramFigure.caption(a));
    }
}
