package org.quantscope.ui.diagnose;

import javafx.scene.control.CheckBox;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.WeightHistogram;
import org.quantscope.chart.figure.WeightHistogramFigure;
import org.quantscope.ui.main.SpinnerCommit;
import org.quantscope.ui.chart.ChartCard;

/**
 * The weight histogram card of the selected layer: whole tensor or one output channel, linear or log counts, around
 * the {@link WeightHistogramFigure} and its caption.
 */
final class WeightHistogramChart {

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
        Plot p = w == null ? null : WeightHistogramFigure.plot(w, log.isSelected());
        card.show(p, vm.selectedLayerProperty().get() == null ? "Select a layer"
                : "Simulate on the Quantization tab to see this layer's weights with their grid");
        card.caption().setText(w == null ? "" : WeightHistogramFigure.caption(w));
    }
}
