package org.quantscope.ui.quantize;

import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Locale;
import java.util.function.Function;

/**
 * The card showing, per layer, the quantization error of the layer's output before and after the post-training
 * fixes (SQNR and mean shift in the whole quantized network, on held-out test samples) and what AdaRound did, under
 * the plain-language summary of the fixes.
 */
final class FixEffectsTable {

    private final VBox root = new VBox(6);

    FixEffectsTable(QuantizationViewModel vm) {
        Label heading = new Label("Post-training fixes: before → after, per layer");
        heading.getStyleClass().add("card-title");
        Label summary = new Label();
        summary.setId("fixesSummary");
        summary.setWrapText(true);
        // take the wrapped text's height: the summary (FP32 change per fix, ranges) runs over several lines
        summary.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        summary.getStyleClass().add("muted");
        javafx.scene.control.Tooltip details = new javafx.scene.control.Tooltip();
        details.textProperty().bind(vm.result().fixesDetailsProperty());
        details.setShowDuration(javafx.util.Duration.minutes(1));
        vm.result().fixesDetailsProperty().addListener((obs, old, now) ->
                summary.setTooltip(now.isEmpty() ? null : details));
        summary.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                vm.result().fixesTextProperty().get().isEmpty()
                        ? "Tick a fix under Post-training fixes and press Simulate: each layer's error with and "
                        + "without the fixes appears here."
                        : vm.result().fixesTextProperty().get(), vm.result().fixesTextProperty()));
        TableView<FixEffectRow> table = new TableView<>(vm.result().fixEffects());
        table.setId("fixEffectsTable");
        table.getStyleClass().add("compact-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setPlaceholder(new Label("No fixes applied"));
        table.setTooltip(new javafx.scene.control.Tooltip("Per layer, in the whole quantized network on the first "
                + org.quantscope.core.workflow.SimulationWorkflow.EFFECT_SAMPLES + " test samples (32 at 224x224, "
                + "where it is an estimate): SQNR of the layer's output (dB) and the mean over "
                + "channels of |mean shift| / FP32 standard deviation, against each state's own FP32 model, without "
                + "and with the fixes (equalization rescales channels, so its SQNR weighs them differently; the "
                + "relative shift is unit-free). AdaRound: which rounding was kept and, when learned, its "
                + "reconstruction error relative to nearest rounding (eq. 35)."));
        TableColumn<FixEffectRow, String> layer = new TableColumn<>("Layer");
        layer.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().layer()));
        layer.setPrefWidth(200);
        table.getColumns().add(layer);
        table.getColumns().add(number("SQNR before", FixEffectRow::sqnrBefore, "%.2f"));
        table.getColumns().add(number("SQNR after", FixEffectRow::sqnrAfter, "%.2f"));
        table.getColumns().add(number("Gain dB", FixEffectRow::sqnrGain, "%+.2f"));
        table.getColumns().add(number("Shift/σ before", FixEffectRow::shiftBefore, "%.3g"));
        table.getColumns().add(number("Shift/σ after", FixEffectRow::shiftAfter, "%.3g"));
        TableColumn<FixEffectRow, String> ada = new TableColumn<>("AdaRound");
        ada.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().adaround().isEmpty() ? "—"
                : Double.isNaN(c.getValue().reconstructionGain()) ? c.getValue().adaround()
                : String.format(Locale.ROOT, "%s, error ×%.2f", c.getValue().adaround(),
                c.getValue().reconstructionGain())));
        table.getColumns().add(ada);
        VBox.setVgrow(table, Priority.ALWAYS);
        root.getStyleClass().add("card");
        root.getChildren().addAll(heading, summary, table);
    }

    VBox root() {
        return root;
    }

    private static TableColumn<FixEffectRow, String> number(String title, Function<FixEffectRow, Double> value,
                                                           String format) {
        TableColumn<FixEffectRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(r -> new SimpleObjectProperty<>(String.format(Locale.ROOT, format,
                value.apply(r.getValue()))));
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }
}
