package org.quantscope.ui.diagnose;

import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.control.Tooltip;
import javafx.scene.control.ComboBox;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.ChannelRangeFigure;
import org.quantscope.chart.figure.ChannelRanges;
import org.quantscope.ui.chart.ChartCard;

/**
 * The channel range card of the selected layer: weights or output activations, channel order or sorted, around the
 * {@link ChannelRangeFigure} (with the ranges before the fixes behind, when there are fixes), and Equalize. Clicking a
 * weight channel shows its histogram.
 */
final class ChannelRangeChart {

    static final String WEIGHTS = ChannelRanges.WEIGHTS;
    static final String ACTIVATIONS = ChannelRanges.ACTIVATIONS;

    private final ComboBox<String> kind = new ComboBox<>(FXCollections.observableArrayList(WEIGHTS, ACTIVATIONS));
    private final CheckBox sorted = new CheckBox("sorted");
    private final ChartCard card;
    private final DiagnosticsViewModel vm;

    ChannelRangeChart(DiagnosticsViewModel vm) {
        this.vm = vm;
        kind.setId("rangeKindChoice");
        kind.setValue(WEIGHTS);
        sorted.setId("sortedToggle");
        sorted.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        kind.setPrefWidth(122);
        Button equalize = new Button("Equalize");
        equalize.setId("equalizeButton");
        equalize.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        equalize.setTooltip(new Tooltip("Cross-layer equalization (white paper §4.1) with bias absorption: rescale "
                + "consecutive layers so their per-channel weight ranges match, then simulate again. The ranges "
                + "before stay drawn in grey."));
        equalize.setOnAction(e -> vm.equalize());
        equalize.disableProperty().bind(vm.canDiagnoseBinding().not());
        card = new ChartCard("channelRangeChart", "Channel ranges", kind, sorted);
        Label why = new Label("Channels far apart? Equalize them (CLE + bias absorption) and simulate again.");
        why.getStyleClass().add("muted");
        why.setWrapText(true);
        why.setMinWidth(0);
        HBox action = new HBox(8, equalize, why);
        action.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(why, javafx.scene.layout.Priority.ALWAYS);
        card.root().getChildren().add(action);
        card.view().setOnKeyClicked(key -> {
            if (WEIGHTS.equals(kind.getValue())) {
                vm.perChannelProperty().set(true);
                vm.channelProperty().set(Integer.parseInt(key));
            }
        });
        vm.weightRangesProperty().addListener((o, was, now) -> update());
        vm.weightRangesBeforeProperty().addListener((o, was, now) -> update());
        vm.activationRangesProperty().addListener((o, was, now) -> update());
        kind.valueProperty().addListener((o, was, now) -> update());
        sorted.selectedProperty().addListener((o, was, now) -> update());
        update();
    }

    ChartCard card() {
        return card;
    }

    /** Shows weights or activations (for tests and screenshots). */
    void showKind(String k) {
        kind.setValue(k);
    }

    private void update() {
        boolean weights = WEIGHTS.equals(kind.getValue());
        ChannelRanges r = weights ? vm.weightRangesProperty().get() : vm.activationRangesProperty().get();
        ChannelRanges before = weights ? vm.weightRangesBeforeProperty().get() : null;
        Plot p = r == null ? null : ChannelRangeFigure.plot(r, before, sorted.isSelected());
        card.show(p, vm.selectedLayerProperty().get() == null ? "Select a layer" : weights
                ? "Simulate on the Quantization tab to see this layer's weight ranges"
                : "Press Diagnose to collect the activation ranges on the calibration samples");
        card.caption().setText(r == null ? "" : before == null ? ChannelRangeFigure.caption(r)
                : "After the fixes: " + ChannelRangeFigure.caption(r) + " · before: "
                + ChannelRangeFigure.ratioText(before));
    }
}
