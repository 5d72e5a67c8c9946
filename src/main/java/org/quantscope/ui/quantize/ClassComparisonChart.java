package org.quantscope.ui.quantize;

import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.geometry.Side;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.layout.Region;
import javafx.util.Duration;
import org.quantscope.core.util.WorstSelection;
import org.quantscope.ui.chart.CategoryRows;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;

import java.util.List;

/**
 * The card comparing FP32 and quantized accuracy per class: two horizontal bars per class (class names stay readable
 * on the vertical axis, as in the FP32 chart), FP32 in blue and quantized in orange. Hovering a bar shows both values,
 * the drop and the sample count.
 */
final class ClassComparisonChart {

    private final VBox root = new VBox(6);
    private final BarChart<Number, String> chart;
    private final Label placeholder = new Label("Press Simulate to compare FP32 and quantized accuracy per class");
    private final WorstFilter filter = new WorstFilter(CLASSES_SHOWN, "classes", "drop", "%.2f points", true)
            .missing("without samples");
    private final WorstFilterBar filterBar = new WorstFilterBar(filter, "classComparison");
    private final Label rest = new Label();

    /** Classes shown at first when there are more (the largest drops). */
    static final int CLASSES_SHOWN = 15;

    ClassComparisonChart(QuantizationViewModel vm) {
        Label heading = new Label("Per-class accuracy: FP32 vs quantized");
        heading.getStyleClass().add("card-title");
        heading.setMinWidth(Region.USE_PREF_SIZE);
        NumberAxis percent = new NumberAxis(0, 100, 10);
        percent.setLabel("Accuracy (%)");
        percent.setAutoRanging(false);
        percent.setMinorTickVisible(false);
        CategoryAxis classes = new CategoryAxis();
        chart = new BarChart<>(percent, classes);
        chart.setId("classComparisonChart");
        chart.getStyleClass().add("comparison-chart");
        chart.setAnimated(false);
        chart.setLegendSide(Side.TOP);
        chart.setCategoryGap(6);
        chart.setBarGap(1);
        chart.setHorizontalGridLinesVisible(false);
        placeholder.getStyleClass().add("placeholder");
        placeholder.setWrapText(true);
        StackPane body = new StackPane(CategoryRows.scroll(chart), placeholder);
        StackPane.setAlignment(placeholder, Pos.CENTER);
        VBox.setVgrow(body, Priority.ALWAYS);
        List<ClassComparison> rows = vm.result().classes();
        vm.result().classes().addListener((ListChangeListener<ClassComparison>) c -> show(rows));
        filter.onChange(() -> show(rows));
        show(rows);
        root.getStyleClass().add("card");
        root.getChildren().addAll(CategoryRows.heading(heading, filterBar.root()), body, CategoryRows.summary(rest,
                "classComparisonRest"));
    }

    VBox root() {
        return root;
    }

    private void show(List<ClassComparison> all) {
        boolean needed = filter.needed(all.size());
        filterBar.setNeeded(needed);
        WorstSelection<ClassComparison> selection = filter.select(all, ClassComparison::className,
                c -> c.samples() == 0 ? Double.NaN : c.dropPoints(), List.of());
        List<ClassComparison> rows = selection.shown();
        rest.setText(selection.reduced() ? "Largest drop first: " + rows.size() + " of " + all.size() + " classes · "
                + filter.summaryProperty().get() : "");
        XYChart.Series<Number, String> fp32 = new XYChart.Series<>();
        fp32.setName("FP32");
        boolean fixed = !rows.isEmpty() && !Double.isNaN(rows.get(0).beforeFixesPercent());
        XYChart.Series<Number, String> before = new XYChart.Series<>();
        before.setName("Quantized, no fixes");
        XYChart.Series<Number, String> quantized = new XYChart.Series<>();
        quantized.setName(fixed ? "Quantized, with fixes" : "Quantized");
        // A vertical category axis lists its first category at the bottom: add in reverse so class 0 is on top.
        for (int i = rows.size() - 1; i >= 0; i--) {
            ClassComparison c = rows.get(i);
            fp32.getData().add(bar(c.fp32Percent(), c));
            quantized.getData().add(bar(c.quantizedPercent(), c));
            if (fixed) {
                before.getData().add(bar(c.beforeFixesPercent(), c));
            }
        }
        // Series order fixes the default colours: FP32 blue, quantized orange, and the third (before) colour.
        chart.getData().setAll(fixed ? List.of(fp32, quantized, before) : List.of(fp32, quantized));
        CategoryRows.fit(chart, needed ? rows.size() : 0, fixed ? 3 : 2);
        boolean empty = all.isEmpty();
        placeholder.setVisible(empty);
        chart.setOpacity(empty ? 0.35 : 1);
    }

    private static XYChart.Data<Number, String> bar(double value, ClassComparison c) {
        XYChart.Data<Number, String> d = new XYChart.Data<>(value, c.className());
        StackPane node = new StackPane();
        Tooltip tip = new Tooltip(c.describe());
        tip.setShowDelay(Duration.millis(150));
        Tooltip.install(node, tip);
        d.setNode(node);
        return d;
    }
}
