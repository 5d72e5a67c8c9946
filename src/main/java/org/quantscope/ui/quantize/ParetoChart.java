package org.quantscope.ui.quantize;

import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.ParetoFigure;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.ui.chart.ChartCard;

/**
 * The mixed-precision card: Search (progress and Cancel in the window header), the target drop, the Pareto chart
 * ({@link ParetoFigure}) of accuracy versus average weight bits where every measured configuration is a point (the
 * front highlighted; click a point to select it), and "Use this point", which simulates the selected configuration.
 */
final class ParetoChart {

    private final VBox root = new VBox(6);
    private final ChartCard card = new ChartCard("paretoChart", "Mixed precision: accuracy vs average weight bits");
    private final MixedPrecisionSearch search;

    ParetoChart(QuantizationViewModel vm) {
        this.search = vm.mixedPrecision();
        Button run = new Button("Search");
        run.setId("mpSearchButton");
        run.setTooltip(new Tooltip("Calibrate every candidate width (W4/W8/W16, A8/A16, float), measure each "
                + "quantizer's sensitivity, and walk greedily to the full Pareto front (white paper Fig. 9, last "
                + "step)."));
        run.disableProperty().bind(vm.canSimulateBinding().not());
        run.setOnAction(e -> search.search());
        Spinner<Double> target = new Spinner<>(new SpinnerValueFactory.DoubleSpinnerValueFactory(0, 100, 0.5, 0.1));
        target.setId("mpTargetSpinner");
        target.setEditable(true);
        target.setPrefWidth(90);
        target.getValueFactory().valueProperty().bindBidirectional(search.targetDropProperty());
        Button use = new Button("Use this point");
        use.setId("mpUseButton");
        use.disableProperty().bind(search.selectedProperty().isNull().or(vm.canSimulateBinding().not()));
        use.setOnAction(e -> search.applySelected());
        Button uniform = new Button("Uniform bits");
        uniform.setId("mpUniformButton");
        uniform.setTooltip(new Tooltip("Remove the per-quantizer widths of an applied point."));
        uniform.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.form().overridesProperty().get()
                .isEmpty(), vm.form().overridesProperty()));
        uniform.setOnAction(e -> search.clearOverrides());
        Label targetLabel = new Label("target drop (points)");
        HBox controls = new HBox(8, run, targetLabel, target, use, uniform);
        controls.setAlignment(Pos.CENTER_LEFT);
        card.view().setOnKeyClicked(key -> {
            MixedPrecision.Result r = search.resultProperty().get();
            if (r != null) {
                int step = Integer.parseInt(key);
                r.points().stream().filter(p -> p.step() == step).findFirst().ifPresent(search.selectedProperty()::set);
            }
        });
        search.resultProperty().addListener((o, was, now) -> update());
        search.selectedProperty().addListener((o, was, now) -> update());
        search.targetDropProperty().addListener((o, was, now) -> update());
        Label summary = new Label();
        summary.setId("mpSummary");
        summary.getStyleClass().add("muted");
        summary.setWrapText(true);
        summary.textProperty().bind(search.summaryProperty());
        VBox.setVgrow(card.root(), Priority.ALWAYS);
        root.getChildren().addAll(controls, card.root(), summary);
        root.getStyleClass().add("card");
        update();
    }

    VBox root() {
        return root;
    }

    private void update() {
        MixedPrecision.Result r = search.resultProperty().get();
        Double t = search.targetDropProperty().get();
        Plot p = r == null ? null : ParetoFigure.plot(r, search.selectedProperty().get(), t == null ? 0.5 : t);
        card.show(p, "Press Search to measure configurations with per-quantizer bit widths and see the Pareto front");
        card.caption().setText(p == null ? "" : "grey: every configuration the walk measured · orange: the Pareto "
                + "front · white: selected (click a point) · dashed: FP32 and FP32 minus the target drop");
    }
}
