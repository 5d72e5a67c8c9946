package org.quantscope.ui.reliability;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Tooltip;
import org.quantscope.core.reliability.Perturbation;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.quantscope.chart.figure.BoxPlotFigure;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.chart.WorstFilter;
import org.quantscope.ui.chart.WorstFilterBar;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.util.WorstSelection;
import org.quantscope.ui.main.SpinnerCommit;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.main.ValueTile;

import java.util.List;
import java.util.function.Consumer;

/**
 * The Reliability tab: Run trials / Cancel with the trial count, tiles for the worst class and the trials done, the
 * plain-language reading, and the box plot (one box per class, overall and worst class) that grows as trials finish.
 * It only binds to {@link ReliabilityViewModel}.
 */
public final class ReliabilityPanel {

    private static final Color WORST = Color.web("#f2c94c");
    private static final double TILE_HEIGHT = 76;

    private final VBox root;
    /** Classes shown at first when there are more (the largest median drops). */
    static final int CLASSES_SHOWN = 12;

    private final WorstFilter filter = new WorstFilter(CLASSES_SHOWN, "classes", "median drop", "%.2f points", true)
            .missing("without samples");
    private final WorstFilterBar filterBar = new WorstFilterBar(filter, "reliability");
    private final ChartCard chart = new ChartCard("reliabilityChart", "Accuracy drop per class over the trials",
            filterBar.root());

    /**
     * Builds the tab.
     *
     * @param vm       the view model
     * @param messages where failed chart exports are reported
     */
    public ReliabilityPanel(ReliabilityViewModel vm, Consumer<UserMessage> messages) {
        Button run = new Button("Run trials");
        run.setId("reliabilityRunButton");
        run.getStyleClass().add("accent");
        run.disableProperty().bind(vm.jobs().busyProperty());
        run.setOnAction(e -> vm.runTrials());
        Button more = new Button("Continue");
        more.setId("reliabilityContinueButton");
        more.setTooltip(new Tooltip("Run the number of trials below as more seeds of the shown experiment (a "
                + "cancelled run's missing trials first)."));
        more.disableProperty().bind(vm.jobs().busyProperty().or(vm.resultProperty().isNull()));
        more.setOnAction(e -> vm.continueTrials());
        Button cancel = new Button("Cancel");
        cancel.setId("reliabilityCancelButton");
        cancel.disableProperty().bind(vm.jobs().busyProperty().not());
        cancel.setOnAction(e -> vm.jobs().cancel());
        Spinner<Integer> trials = new Spinner<>(1, 1000, vm.trialsProperty().get());
        trials.setId("reliabilityTrials");
        trials.setEditable(true);
        trials.setPrefWidth(90);
        SpinnerCommit.onEnter(trials);
        trials.valueProperty().addListener((o, was, now) -> vm.trialsProperty().set(now));
        vm.trialsProperty().addListener((o, was, now) -> trials.getValueFactory().setValue(now.intValue()));
        ComboBox<Perturbation> perturb = new ComboBox<>(FXCollections.observableArrayList(Perturbation.values()));
        perturb.setId("reliabilityPerturbation");
        perturb.valueProperty().bindBidirectional(vm.perturbationProperty());
        perturb.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Perturbation p) {
                return p == null ? "" : p.name().toLowerCase(java.util.Locale.ROOT);
            }

            @Override
            public Perturbation fromString(String s) {
                return Perturbation.valueOf(s.toUpperCase(java.util.Locale.ROOT));
            }
        });
        perturb.setTooltip(new Tooltip("none: the last simulation's calibration draw · size: 1, 32, 256, 1,024 "
                + "samples · noise: 0, 10 %, 50 % of the draw replaced by noise · imbalance: half the draw from class 0 "
                + "· metric: min-max, MSE, cosine, KL activation ranges"));
        ComboBox<String> shown = new ComboBox<>(vm.conditionLabels());
        shown.setId("reliabilityCondition");
        shown.setPromptText("condition");
        shown.getSelectionModel().selectedIndexProperty().addListener((o, was, now) -> {
            if (now.intValue() >= 0) {
                vm.conditionProperty().set(now.intValue());
            }
        });
        vm.conditionLabels().addListener((javafx.collections.ListChangeListener<String>) ch ->
                shown.getSelectionModel().select(Math.min(vm.conditionProperty().get(),
                        vm.conditionLabels().size() - 1)));
        Button pin = new Button("Pin for comparison");
        pin.setId("reliabilityPinButton");
        pin.setTooltip(new Tooltip("Keep the last simulation's configuration; simulate another one (other settings or "
                + "fixes) and run again: both get boxes side by side."));
        pin.setOnAction(e -> {
            if (vm.pinnedProperty().get() == null) {
                vm.pin();
            } else {
                vm.unpin();
            }
        });
        pin.textProperty().bind(Bindings.createStringBinding(() -> vm.pinnedProperty().get() == null
                ? "Pin for comparison" : "Unpin", vm.pinnedProperty()));
        Label note = new Label();
        note.getStyleClass().add("field-label");
        note.textProperty().bind(Bindings.createStringBinding(() -> vm.pinnedTextProperty().get().isEmpty()
                ? "seeds of the last simulation's calibration draw, its settings and fixes"
                : vm.pinnedTextProperty().get(), vm.pinnedTextProperty()));
        for (javafx.scene.control.Control n : List.of(run, more, cancel, pin, perturb, shown)) {
            n.setMinWidth(Region.USE_PREF_SIZE);
        }
        shown.setPrefWidth(200);
        Label trialsLabel = new Label("Trials");
        trialsLabel.setMinWidth(Region.USE_PREF_SIZE);
        Label perturbLabel = new Label("Perturbation");
        perturbLabel.setMinWidth(Region.USE_PREF_SIZE);
        Label showLabel = new Label("Show");
        showLabel.setMinWidth(Region.USE_PREF_SIZE);
        HBox actions = new HBox(10, run, more, cancel, trialsLabel, trials, perturbLabel, perturb, showLabel, shown,
                pin);
        actions.setAlignment(Pos.CENTER_LEFT);
        VBox bar = new VBox(4, actions, note);

        Region worst = new ValueTile("Worst class", "reliabilityWorstValue", vm.worstProperty(),
                vm.worstDetailProperty(), Bindings.createObjectBinding(() -> WORST), TILE_HEIGHT, 24).tile();
        Region done = new ValueTile("Trials", "reliabilityTrialsValue", vm.progressTextProperty(),
                Bindings.createStringBinding(() -> "finished / requested"), Bindings.createObjectBinding(
                () -> ValueTile.PLAIN), TILE_HEIGHT, 24).tile();
        Label reading = new Label();
        reading.setId("reliabilityReading");
        reading.setWrapText(true);
        reading.textProperty().bind(vm.readingProperty());
        reading.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(reading, Priority.ALWAYS);
        worst.setPrefWidth(300);
        done.setPrefWidth(160);
        HBox tiles = new HBox(10, worst, done, reading);
        tiles.setAlignment(Pos.CENTER_LEFT);

        chart.setOnError(text -> messages.accept(new UserMessage("Cannot save the chart", text)));
        vm.resultProperty().addListener((o, was, r) -> update(vm));
        vm.conditionProperty().addListener((o, was, c) -> update(vm));
        filter.onChange(() -> update(vm));
        chart.scrollCategories();
        update(vm);
        VBox.setVgrow(chart.root(), Priority.ALWAYS);
        root = new VBox(10, bar, tiles, chart.root());
        root.setPadding(new Insets(12));
    }

    private void update(ReliabilityViewModel vm) {
        ReliabilityResult r = vm.resultProperty().get();
        List<Integer> classes = null;
        String caption = "";
        if (r != null && !r.trials().isEmpty()) {
            int cond = Math.max(0, Math.min(vm.conditionProperty().get(), r.conditions().size() - 1));
            List<Integer> all = new java.util.ArrayList<>();
            for (int i = 0; i < r.classes(); i++) {
                all.add(i);
            }
            // Worst by the largest median drop of any configuration shown.
            WorstSelection<Integer> s = filter.select(all, r.classNames()::get, i -> {
                double worst = Double.NaN;
                for (int k = 0; k < r.configurations().size(); k++) {
                    double m = r.summary(k, cond).perClass().get(i).median();
                    worst = Double.isNaN(worst) || m > worst ? m : worst;
                }
                return worst;
            }, List.of());
            classes = s.shown();
            caption = s.reduced() ? "Largest median drop: " + s.shown().size() + " of " + r.classes() + " classes · "
                    + filter.summaryProperty().get() : "";
        }
        filterBar.setNeeded(r != null && filter.needed(r.classes()));
        chart.view().setReadableCategories(r != null && filter.needed(r.classes()));
        chart.show(BoxPlotFigure.plot(r, vm.conditionProperty().get(), classes), r == null
                ? "Simulate on the Quantization tab, then press Run trials" : "Waiting for the first trial");
        chart.caption().setText(caption);
    }

    /** The tab's content. */
    public VBox root() {
        return root;
    }

    /** The box plot. */
    public ChartCard chart() {
        return chart;
    }
}
