package org.quantscope.ui.quantize;

import javafx.collections.ListChangeListener;
import javafx.scene.layout.VBox;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.ClassAccuracyFigure;
import org.quantscope.chart.figure.ClassComparison;
import org.quantscope.core.util.WorstSelection;
import org.quantscope.ui.chart.CategoryRows;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;
import org.quantscope.ui.main.UserMessage;

import java.util.List;

/**
 * The card comparing FP32 and quantized accuracy per class ({@link ClassAccuracyFigure#comparison}): two horizontal
 * bars per class (three with post-training fixes: the quantized model with and without them), class names readable on
 * the vertical axis as in the FP32 chart. Hovering a bar shows both values, the drop and the sample count. With more
 * classes than {@link #CLASSES_SHOWN} it shows the largest drops, with "Worst [N]" and a search field above and the
 * rest summarised below.
 */
final class ClassComparisonChart {

    /** Classes shown at first when there are more (the largest drops). */
    static final int CLASSES_SHOWN = 15;

    private final WorstFilter filter = new WorstFilter(CLASSES_SHOWN, "classes", "drop", "%.2f points", true)
            .missing("without samples");
    private final WorstFilterBar filterBar = new WorstFilterBar(filter, "classComparison");
    private final ChartCard card = new ChartCard("classComparisonChart", "Per-class accuracy: FP32 vs quantized",
            filterBar.root());

    ClassComparisonChart(QuantizationViewModel vm) {
        card.scrollCategories();
        card.caption().setId("classComparisonRest");
        card.setOnError(text -> vm.message(new UserMessage("Cannot save the chart", text)));
        List<ClassComparison> rows = vm.result().classes();
        vm.result().classes().addListener((ListChangeListener<ClassComparison>) c -> show(rows));
        filter.onChange(() -> show(rows));
        show(rows);
    }

    VBox root() {
        return card.root();
    }

    private void show(List<ClassComparison> all) {
        boolean needed = filter.needed(all.size());
        filterBar.setNeeded(needed);
        WorstSelection<ClassComparison> selection = filter.select(all, ClassComparison::className,
                c -> c.samples() == 0 ? Double.NaN : c.dropPoints(), List.of());
        List<ClassComparison> rows = selection.shown();
        Plot p = ClassAccuracyFigure.comparison(rows);
        // One legend entry per bar of a row: FP32, quantized, and without the fixes when there are fixes.
        card.view().setReadableCategories(needed, CategoryRows.pitch(p == null ? 2 : p.legend().size()));
        card.show(p, all.isEmpty() ? "Press Simulate to compare FP32 and quantized accuracy per class"
                : "No class matches '" + filter.queryProperty().get() + "'");
        card.caption().setText(selection.reduced() ? "Largest drop first: " + rows.size() + " of " + all.size()
                + " classes · " + filter.summaryProperty().get() : "");
    }
}
