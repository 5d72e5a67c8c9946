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
import javafx.util.Duration;

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

    ClassComparisonChart(QuantizationViewModel vm) {
        Label heading = new Label("Per-class accuracy: FP32 vs quantized");
        heading.getStyleClass().add("card-title");
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
        StackPane body = new StackPane(chart, placeholder);
        StackPane.setAlignment(placeholder, Pos.CENTER);
        VBox.setVgrow(body, Priority.ALWAYS);
        List<ClassComparison> rows = vm.result().classes();
        vm.result().classes().addListener((ListChangeListener<ClassComparison>) c -> show(rows));
        show(rows);
        root.getStyleClass().add("card");
        root.getChildren().addAll(heading, body);
    }

    VBox root() {
        return root;
    }

    private void show(List<ClassComparison> rows) {
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
        boolean empty = rows.isEmpty();
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
