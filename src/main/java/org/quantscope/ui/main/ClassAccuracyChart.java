package org.quantscope.ui.main;

import javafx.collections.ListChangeListener;
import javafx.scene.layout.VBox;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.ClassAccuracy;
import org.quantscope.chart.figure.ClassAccuracyFigure;
import org.quantscope.core.util.WorstSelection;
import org.quantscope.ui.chart.CategoryRows;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;

import java.util.List;

/**
 * The card with the per-class FP32 accuracy ({@link ClassAccuracyFigure#fp32}): one horizontal bar per class with its
 * value at the bar's end and a tooltip with the exact value and the sample count. With more classes than
 * {@link #CLASSES_SHOWN} it shows the lowest accuracies, with "Worst [N]" and a search field above and the rest
 * summarised below.
 */
final class ClassAccuracyChart {

    /** Classes shown at first when there are more (the lowest accuracies). */
    static final int CLASSES_SHOWN = 20;

    private final WorstFilter filter = new WorstFilter(CLASSES_SHOWN, "classes", "accuracy", "%.1f %%", false)
            .missing("without samples");
    private final WorstFilterBar filterBar = new WorstFilterBar(filter, "classAccuracy");
    private final ChartCard card = new ChartCard("classAccuracyChart", "Per-class FP32 accuracy", filterBar.root());

    ClassAccuracyChart(MainViewModel vm) {
        card.scrollCategories();
        card.caption().setId("classAccuracyRest");
        card.setOnError(text -> vm.showMessage(new UserMessage("Cannot save the chart", text)));
        vm.classAccuracies().addListener((ListChangeListener<ClassAccuracy>) c -> show(vm.classAccuracies()));
        filter.onChange(() -> show(vm.classAccuracies()));
        show(vm.classAccuracies());
    }

    VBox root() {
        return card.root();
    }

    private void show(List<ClassAccuracy> all) {
        boolean needed = filter.needed(all.size());
        filterBar.setNeeded(needed);
        WorstSelection<ClassAccuracy> selection = filter.select(all, ClassAccuracy::className,
                c -> c.samples() == 0 ? Double.NaN : c.percent(), List.of());
        List<ClassAccuracy> shown = selection.shown();
        card.view().setReadableCategories(needed, CategoryRows.pitch(1));
        Plot p = ClassAccuracyFigure.fp32(shown);
        card.show(p, all.isEmpty() ? "Press Evaluate FP32 to measure the accuracy of each class"
                : "No class matches '" + filter.queryProperty().get() + "'");
        card.caption().setText(selection.reduced() ? "Lowest accuracy first: " + shown.size() + " of " + all.size()
                + " classes · " + filter.summaryProperty().get() : "");
    }
}
