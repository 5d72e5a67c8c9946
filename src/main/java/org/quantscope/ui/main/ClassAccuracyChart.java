package org.quantscope.ui.main;

import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
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

import java.util.Locale;

/**
 * The card with the per-class FP32 accuracy: one bar per class, values 0-100 %, the exact value printed on the bar and
 * a tooltip with the sample count.
 */
final class ClassAccuracyChart {

    private final VBox root = new VBox(6);
    private final BarChart<String, Number> chart;
    private final Label placeholder = new Label("Press Evaluate to measure the FP32 accuracy of each class");

    ClassAccuracyChart(MainViewModel vm) {
        Label heading = new Label("Per-class FP32 accuracy");
        heading.getStyleClass().add("card-title");
        CategoryAxis classes = new CategoryAxis();
        classes.setLabel("Class");
        NumberAxis percent = new NumberAxis(0, 100, 10);
        percent.setLabel("Accuracy (%)");
        percent.setAutoRanging(false);
        percent.setMinorTickVisible(false);
        chart = new BarChart<>(classes, percent);
        chart.setId("classAccuracyChart");
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.setCategoryGap(14);
        chart.setVerticalGridLinesVisible(false);
        placeholder.getStyleClass().add("placeholder");
        StackPane body = new StackPane(chart, placeholder);
        StackPane.setAlignment(placeholder, Pos.CENTER);
        VBox.setVgrow(body, Priority.ALWAYS);
        vm.classAccuracies().addListener((ListChangeListener<ClassAccuracy>) c -> show(vm));
        show(vm);
        root.getStyleClass().add("card");
        root.getChildren().addAll(heading, body);
    }

    VBox root() {
        return root;
    }

    private void show(MainViewModel vm) {
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        for (ClassAccuracy c : vm.classAccuracies()) {
            XYChart.Data<String, Number> d = new XYChart.Data<>(c.className(), c.percent());
            d.setNode(bar(c));
            series.getData().add(d);
        }
        chart.getData().setAll(java.util.List.of(series));
        boolean empty = vm.classAccuracies().isEmpty();
        placeholder.setVisible(empty);
        chart.setOpacity(empty ? 0.35 : 1);
    }

    private static StackPane bar(ClassAccuracy c) {
        Label value = new Label(c.samples() == 0 ? "" : String.format(Locale.ROOT, "%.1f", c.percent()));
        value.getStyleClass().add("bar-value");
        StackPane node = new StackPane(value);
        StackPane.setAlignment(value, Pos.TOP_CENTER);
        Tooltip tip = new Tooltip(c.describe());
        tip.setShowDelay(Duration.millis(150));
        Tooltip.install(node, tip);
        return node;
    }
}
