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
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.quantscope.core.util.WorstSelection;
import org.quantscope.ui.chart.CategoryRows;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;

import java.util.List;
import java.util.Locale;

/**
 * The card with the per-class FP32 accuracy: one horizontal bar per class (class names on the vertical axis, so long
 * names stay readable; accuracy 0-100 % on the horizontal axis), the value printed at the end of each bar and a
 * tooltip with the exact value and the sample count.
 */
final class ClassAccuracyChart {

    /** Below this accuracy the value is printed beside the bar instead of inside it. */
    private static final double LABEL_INSIDE_FROM = 15;

    private final VBox root = new VBox(6);
    private final BarChart<Number, String> chart;
    private final Label placeholder = new Label("Press Evaluate FP32 to measure the accuracy of each class");
    private final WorstFilter filter = new WorstFilter(CLASSES_SHOWN, "classes", "accuracy", "%.1f %%", false)
            .missing("without samples");
    private final WorstFilterBar filterBar = new WorstFilterBar(filter, "classAccuracy");
    private final Label rest = new Label();

    /** Classes shown at first when there are more (the lowest accuracies). */
    static final int CLASSES_SHOWN = 20;

    ClassAccuracyChart(MainViewModel vm) {
        Label heading = new Label("Per-class FP32 accuracy");
        heading.getStyleClass().add("card-title");
        heading.setMinWidth(Region.USE_PREF_SIZE);
        NumberAxis percent = new NumberAxis(0, 100, 10);
        percent.setLabel("Accuracy (%)");
        percent.setAutoRanging(false);
        percent.setMinorTickVisible(false);
        CategoryAxis classes = new CategoryAxis();
        chart = new BarChart<>(percent, classes);
        chart.setId("classAccuracyChart");
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.setCategoryGap(10);
        chart.setHorizontalGridLinesVisible(false);
        placeholder.getStyleClass().add("placeholder");
        StackPane body = new StackPane(CategoryRows.scroll(chart), placeholder);
        StackPane.setAlignment(placeholder, Pos.CENTER);
        VBox.setVgrow(body, Priority.ALWAYS);
        vm.classAccuracies().addListener((ListChangeListener<ClassAccuracy>) c -> show(vm.classAccuracies()));
        filter.onChange(() -> show(vm.classAccuracies()));
        show(vm.classAccuracies());
        root.getStyleClass().add("card");
        root.getChildren().addAll(CategoryRows.heading(heading, filterBar.root()), body, CategoryRows.summary(rest,
                "classAccuracyRest"));
    }

    VBox root() {
        return root;
    }

    private void show(List<ClassAccuracy> all) {
        boolean needed = filter.needed(all.size());
        filterBar.setNeeded(needed);
        WorstSelection<ClassAccuracy> selection = filter.select(all, ClassAccuracy::className,
                c -> c.samples() == 0 ? Double.NaN : c.percent(), List.of());
        List<ClassAccuracy> accuracies = selection.shown();
        rest.setText(selection.reduced() ? "Lowest accuracy first: " + accuracies.size() + " of " + all.size()
                + " classes · " + filter.summaryProperty().get() : "");
        CategoryRows.fit(chart, needed ? accuracies.size() : 0, 1);
        XYChart.Series<Number, String> series = new XYChart.Series<>();
        // A vertical category axis lists its first category at the bottom: add in reverse so class 0 is on top.
        for (int i = accuracies.size() - 1; i >= 0; i--) {
            ClassAccuracy c = accuracies.get(i);
            XYChart.Data<Number, String> d = new XYChart.Data<>(c.percent(), c.className());
            d.setNode(bar(c));
            series.getData().add(d);
        }
        chart.getData().setAll(List.of(series));
        boolean empty = all.isEmpty();
        placeholder.setVisible(empty);
        chart.setOpacity(empty ? 0.35 : 1);
    }

    private static StackPane bar(ClassAccuracy c) {
        Label value = new Label(c.samples() == 0 ? "no samples" : String.format(Locale.ROOT, "%.1f %%", c.percent()));
        value.getStyleClass().add("bar-value");
        value.setMinWidth(Region.USE_PREF_SIZE);
        StackPane node = new StackPane(value);
        if (c.percent() >= LABEL_INSIDE_FROM) {
            StackPane.setAlignment(value, Pos.CENTER_RIGHT);
        } else {
            value.getStyleClass().add("outside");
            StackPane.setAlignment(value, Pos.CENTER_LEFT);
            value.translateXProperty().bind(node.widthProperty().add(6));
        }
        Tooltip tip = new Tooltip(c.describe());
        tip.setShowDelay(Duration.millis(150));
        Tooltip.install(node, tip);
        return node;
    }
}
