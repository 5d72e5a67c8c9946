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
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionPoint;
import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The mixed-precision card: Search (progress and Cancel in the window header), the target drop, the Pareto chart of
 * accuracy versus average weight bits where every measured configuration is a point (the front highlighted; click a
 * point to select it), and "Use this point", which simulates the selected configuration.
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
        Plot p = r == null ? null : plot(r, search.selectedProperty().get(), t == null ? 0.5 : t);
        card.show(p, "Press Search to measure configurations with per-quantizer bit widths and see the Pareto front");
        card.caption().setText(p == null ? "" : "grey: every configuration the walk measured · orange: the Pareto "
                + "front · white: selected (click a point) · dashed: FP32 and FP32 minus the target drop");
    }

    /**
     * The chart.
     *
     * @param r        the search
     * @param selected the selected point, or null
     * @param target   target drop in points
     * @return the plot
     */
    static Plot plot(MixedPrecision.Result r, MixedPrecisionPoint selected, double target) {
        double fp32 = 100 * r.fp32Accuracy();
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        double ylo = fp32 - target;
        double yhi = fp32;
        for (MixedPrecisionPoint p : r.points()) {
            xlo = Math.min(xlo, p.averageWeightBits());
            xhi = Math.max(xhi, p.averageWeightBits());
            ylo = Math.min(ylo, 100 * p.accuracy());
            yhi = Math.max(yhi, 100 * p.accuracy());
        }
        double padX = Math.max(0.25, (xhi - xlo) * 0.05);
        double padY = Math.max(0.2, (yhi - ylo) * 0.08);
        Axis x = Axis.linear("Average weight bits", xlo - padX, xhi + padX, 6, false);
        Axis y = Axis.linear("Search accuracy (%)", ylo - padY, yhi + padY, 5, false);
        double w = (x.max() - x.min()) / 220;
        double h = (y.max() - y.min()) / 40;
        Set<Integer> front = r.front().stream().map(MixedPrecisionPoint::step).collect(Collectors.toSet());
        List<Plot.Mark> marks = new ArrayList<>();
        marks.add(new Plot.Rule(false, fp32, ColorRole.FP32_REFERENCE, 1.2, true, "fp32", String.format(Locale.ROOT,
                "FP32 %.2f %%", fp32)));
        marks.add(new Plot.Rule(false, fp32 - target, ColorRole.TARGET, 1.2, true, "target", String.format(Locale.ROOT,
                "target: at most %.2f points below FP32", target)));
        for (int pass = 0; pass < 2; pass++) {
            for (MixedPrecisionPoint p : r.points()) {
                boolean onFront = front.contains(p.step());
                if (onFront != (pass == 1)) {
                    continue; // front drawn last, above the other points
                }
                double cx = p.averageWeightBits();
                double cy = 100 * p.accuracy();
                boolean sel = selected != null && selected.step() == p.step();
                double k = sel ? 1.8 : 1;
                marks.add(new Plot.Box(cx - k * w, cx + k * w, cy - k * h, cy + k * h, sel ? ColorRole.HIGHLIGHT
                        : onFront ? ColorRole.FRONT : ColorRole.POINT, "point", String.valueOf(p.step()), describe(p, onFront)));
            }
        }
        return new Plot(x, y, marks, List.of(new Plot.Legend("measured", ColorRole.POINT, false),
                new Plot.Legend("Pareto front", ColorRole.FRONT, false), new Plot.Legend("selected", ColorRole.HIGHLIGHT,
                false)));
    }

    private static String describe(MixedPrecisionPoint p, boolean front) {
        String what = p.step() == 0 ? "base (uniform widths)" : "step " + p.step() + ": " + p.raised() + " -> "
                + MixedPrecision.label(p.raisedTo());
        return String.format(Locale.ROOT, "%s%s%n%.2f %% (drop %.2f points) · %.2f average weight bits · %.1f KiB "
                + "weights · %.3g BOPs", what, front ? " · on the front" : "", 100 * p.accuracy(), p.drop(),
                p.averageWeightBits(), p.sizeBits() / 8192.0, p.bops());
    }
}
