package org.quantscope.ui.investigate;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.quantscope.chart.figure.BoxPlotFigure;
import org.quantscope.chart.figure.WaterfallFigure;
import org.quantscope.core.investigate.Candidate;
import org.quantscope.core.investigate.Investigation;
import org.quantscope.core.investigate.Step;
import org.quantscope.core.investigate.StepId;
import org.quantscope.core.investigate.StepStatus;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.main.SpinnerCommit;
import org.quantscope.ui.main.UserMessage;

import java.io.File;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Investigation tab: the debugging flowchart drawn as a column of steps (the path taken, the current step, the
 * steps skipped with their reason as a tooltip), the current step's finding, decision and reason with the remedies it
 * measured, the actions (Start, Next step, Run to the verdict, Skip, Back, Cancel), the live box plots of per-class
 * drop over calibration seeds before and after the last fix, and the waterfall of accuracy over the steps. It only
 * binds to {@link InvestigationViewModel}.
 */
public final class InvestigationPanel {

    private final InvestigationViewModel vm;
    private final BorderPane root = new BorderPane();
    private final Map<StepId, Label> nodes = new EnumMap<>(StepId.class);
    private final Label title = new Label("No investigation yet");
    private final Label source = new Label("");
    private final Label status = new Label("");
    private final Label finding = new Label("Open a model and data, choose the starting settings on the Quantization "
            + "tab, set the target, and press Start: QuantScope walks the debugging flowchart of the white paper "
            + "(Fig. 9), measuring every remedy before it recommends it.");
    private final Label decision = new Label("");
    private final Label reason = new Label("");
    private final TableView<Candidate> candidates = new TableView<>();
    private final ChartCard boxes = new ChartCard("investigationBoxes", "Per-class accuracy drop over calibration "
            + "seeds, before and after the last fix");
    private final ChartCard waterfall = new ChartCard("investigationWaterfall", "Accuracy over the steps");
    private final ChartCard evidence = new ChartCard("investigationEvidence", "Evidence of this step");
    private StepId selected;
    private Button backButton;
    private final Button useFinal = new Button("Open in the Quantization tab");

    /**
     * Builds the tab.
     *
     * @param vm       the view model
     * @param messages where failed chart exports are reported
     */
    public InvestigationPanel(InvestigationViewModel vm, Consumer<UserMessage> messages) {
        this.vm = vm;
        root.setTop(controls());
        root.setLeft(diagram());
        SplitPane top = new SplitPane(details(), evidence.root());
        top.setDividerPositions(0.58);
        evidence.setOnError(text -> messages.accept(new UserMessage("Cannot save the chart", text)));
        SplitPane split = new SplitPane(top, charts(messages));
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.5);
        root.setCenter(split);
        root.setPadding(new Insets(12));
        vm.investigationProperty().addListener((o, was, inv) -> {
            selected = null;
            update();
        });
        vm.trialsProperty().addListener((o, was, r) -> updateBoxes(r));
        update();
        updateBoxes(null);
    }

    private Region controls() {
        Button start = new Button("Start");
        start.setId("investigationStart");
        start.getStyleClass().add("accent");
        start.setTooltip(new Tooltip("Start at the Quantization tab's settings (sanity check, then baseline)."));
        start.disableProperty().bind(vm.jobs().busyProperty());
        start.setOnAction(e -> vm.start());
        Button next = new Button("Next step");
        next.setId("investigationNext");
        next.setTooltip(new Tooltip("Accept this step and take the next one with its recommended action."));
        next.disableProperty().bind(vm.jobs().busyProperty().or(Bindings.createBooleanBinding(() ->
                vm.investigationProperty().get() == null || vm.investigationProperty().get().finished(),
                vm.investigationProperty())));
        next.setOnAction(e -> vm.next());
        Button all = new Button("Run to the verdict");
        all.setId("investigationRunAll");
        all.disableProperty().bind(next.disableProperty());
        all.setOnAction(e -> vm.runToEnd());
        Button skip = new Button("Skip");
        skip.setId("investigationSkip");
        skip.setTooltip(new Tooltip("Do not apply this step's remedy: the configuration stays as before it."));
        skip.disableProperty().bind(vm.jobs().busyProperty().or(Bindings.createBooleanBinding(() -> {
            Step s = last(vm.investigationProperty().get());
            return s == null || !s.id().isFix() || s.status() != StepStatus.APPLIED;
        }, vm.investigationProperty())));
        skip.setOnAction(e -> vm.skip());
        Button back = new Button("Back");
        back.setId("investigationBack");
        back.setTooltip(new Tooltip("Drop the last step: the step before it can be decided again."));
        back.disableProperty().bind(vm.jobs().busyProperty().or(Bindings.createBooleanBinding(() ->
                vm.investigationProperty().get() == null || vm.investigationProperty().get().steps().size() <= 1,
                vm.investigationProperty())));
        back.setOnAction(e -> {
            Step last = last(vm.investigationProperty().get());
            if (selected != null && last != null && selected != last.id()) {
                vm.backTo(selected);
            } else {
                vm.back();
            }
        });
        backButton = back;
        Button cancel = new Button("Cancel");
        cancel.setId("investigationCancel");
        cancel.disableProperty().bind(vm.jobs().busyProperty().not());
        cancel.setOnAction(e -> vm.jobs().cancel());

        Spinner<Double> target = new Spinner<>(0.0, 100.0, vm.targetDropProperty().get(), 0.1);
        target.setId("investigationTarget");
        target.setEditable(true);
        target.setPrefWidth(90);
        SpinnerCommit.onEnter(target);
        target.valueProperty().addListener((o, was, now) -> vm.targetDropProperty().set(now));
        TextField worst = new TextField();
        worst.setId("investigationWorstTarget");
        worst.setPromptText("none");
        worst.setPrefWidth(70);
        worst.setTooltip(new Tooltip("Largest drop in points the worst class may lose (empty: no such target)."));
        worst.textProperty().addListener((o, was, now) -> {
            try {
                vm.worstClassTargetProperty().set(now.isBlank() ? Double.NaN : Double.parseDouble(now.trim()));
                worst.setStyle("");
            } catch (NumberFormatException ex) {
                worst.setStyle("-fx-border-color: #eb5757;");
            }
        });
        Spinner<Integer> trials = new Spinner<>(0, 200, vm.trialsPerStepProperty().get());
        trials.setId("investigationTrials");
        trials.setEditable(true);
        trials.setPrefWidth(80);
        SpinnerCommit.onEnter(trials);
        trials.valueProperty().addListener((o, was, now) -> vm.trialsPerStepProperty().set(now));
        CheckBox perTensor = new CheckBox("Per-tensor only");
        perTensor.setId("investigationLockGranularity");
        perTensor.setTooltip(new Tooltip("The target hardware has per-tensor weights only: never suggest per-channel."));
        perTensor.selectedProperty().bindBidirectional(vm.lockGranularityProperty());
        CheckBox bits = new CheckBox("Fixed bits");
        bits.setId("investigationLockBits");
        bits.setTooltip(new Tooltip("The bit widths are fixed: no per-layer bits, no mixed precision."));
        bits.selectedProperty().bindBidirectional(vm.lockBitsProperty());
        useFinal.setId("investigationUseFinal");
        useFinal.setTooltip(new Tooltip("Put the configuration after the last step into the Quantization tab and "
                + "simulate it there: export the QDQ model and the encodings from that tab."));
        useFinal.disableProperty().bind(vm.jobs().busyProperty().or(vm.investigationProperty().isNull()));
        useFinal.setOnAction(e -> {
            vm.openInQuantization();
            javafx.scene.control.TabPane tabs = tabPane();
            if (tabs != null) {
                tabs.getTabs().stream().filter(t -> "quantizationTab".equals(t.getId())).findFirst()
                        .ifPresent(t -> tabs.getSelectionModel().select(t));
            }
        });
        HBox actions = new HBox(8, start, next, all, skip, back, cancel, useFinal);
        HBox settings = new HBox(8, label("Target drop (points)"), target, label("Worst class"), worst,
                label("Seeds per step"), trials, perTensor, bits);
        for (HBox h : List.of(actions, settings)) {
            h.setAlignment(Pos.CENTER_LEFT);
            h.getChildren().forEach(n -> {
                if (n instanceof Region r) {
                    r.setMinWidth(Region.USE_PREF_SIZE);
                }
            });
        }
        VBox box = new VBox(6, actions, settings);
        box.setPadding(new Insets(0, 0, 10, 0));
        return box;
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private Region diagram() {
        VBox column = new VBox(2);
        column.setId("investigationDiagram");
        column.setPadding(new Insets(4, 12, 4, 0));
        for (StepId id : StepId.values()) {
            Label n = new Label(id.title());
            n.setId("investigationStep-" + id.id());
            n.setMaxWidth(Double.MAX_VALUE);
            n.setPrefWidth(230);
            n.setWrapText(true);
            n.setPadding(new Insets(5, 8, 5, 8));
            n.setOnMouseClicked(e -> {
                selected = id;
                update();
            });
            nodes.put(id, n);
            column.getChildren().add(n);
            if (id.following() != null) {
                Label arrow = new Label(branchLabel(id));
                arrow.getStyleClass().add("field-label");
                arrow.setPadding(new Insets(0, 0, 0, 14));
                column.getChildren().add(arrow);
            }
        }
        ScrollPane scroll = new ScrollPane(column);
        scroll.setFitToWidth(true);
        scroll.setPrefWidth(260);
        return scroll;
    }

    private static String branchLabel(StepId id) {
        return switch (id) {
            case BASELINE -> "↓ target not met";
            case SPLIT -> "↓ weights branch";
            case ADAROUND -> "↓ activations branch";
            case MIXED_PRECISION -> "↓ final configuration";
            default -> "↓";
        };
    }

    private Region details() {
        title.setId("investigationTitle");
        title.setStyle("-fx-font-size: 18px; -fx-font-weight: bold;");
        source.getStyleClass().add("field-label");
        status.setId("investigationStatus");
        finding.setId("investigationFinding");
        decision.setId("investigationDecision");
        decision.setStyle("-fx-font-weight: bold;");
        reason.setId("investigationReason");
        for (Label l : List.of(finding, decision, reason)) {
            l.setWrapText(true);
            l.setMaxWidth(Double.MAX_VALUE);
        }
        candidates.setId("investigationCandidates");
        candidates.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        candidates.setPlaceholder(new Label("This step measured no remedy."));
        candidates.setPrefHeight(130);
        TableColumn<Candidate, String> remedy = new TableColumn<>("Remedy measured");
        remedy.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().remedy()
                .describe()));
        remedy.setPrefWidth(240);
        TableColumn<Candidate, String> acc = new TableColumn<>("Accuracy");
        acc.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(String.format(Locale.ROOT,
                "%.2f %%", 100 * c.getValue().measurement().accuracy())));
        TableColumn<Candidate, String> gain = new TableColumn<>("Gain");
        gain.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(String.format(Locale.ROOT,
                "%+.2f pts", c.getValue().gain())));
        TableColumn<Candidate, String> worst = new TableColumn<>("Worst class");
        worst.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(String.format(Locale.ROOT,
                "%.2f (%s)", c.getValue().measurement().worstClassDrop(),
                c.getValue().measurement().worstClassName())));
        candidates.getColumns().add(remedy);
        candidates.getColumns().add(acc);
        candidates.getColumns().add(gain);
        candidates.getColumns().add(worst);
        Button use = new Button("Use this remedy instead");
        use.setId("investigationUseRemedy");
        use.setTooltip(new Tooltip("Keep the selected measured remedy at this step instead of the recommended one."));
        use.disableProperty().bind(vm.jobs().busyProperty().or(candidates.getSelectionModel().selectedItemProperty()
                .isNull()).or(Bindings.createBooleanBinding(() -> selected != null && last(vm.investigationProperty()
                .get()) != null && selected != last(vm.investigationProperty().get()).id(),
                vm.investigationProperty())));
        use.setOnAction(e -> vm.choose(candidates.getSelectionModel().getSelectedIndex()));
        HBox head = new HBox(10, title, status);
        head.setAlignment(Pos.BASELINE_LEFT);
        VBox box = new VBox(6, head, source, finding, decision, reason, candidates, use);
        box.setPadding(new Insets(0, 0, 8, 0));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        return scroll;
    }

    private Region charts(Consumer<UserMessage> messages) {
        boxes.setOnError(text -> messages.accept(new UserMessage("Cannot save the chart", text)));
        waterfall.setOnError(text -> messages.accept(new UserMessage("Cannot save the chart", text)));
        boxes.scrollCategories();
        HBox row = new HBox(10, boxes.root(), waterfall.root());
        HBox.setHgrow(boxes.root(), Priority.ALWAYS);
        HBox.setHgrow(waterfall.root(), Priority.ALWAYS);
        boxes.root().setPrefWidth(700);
        waterfall.root().setPrefWidth(420);
        return row;
    }

    private javafx.scene.control.TabPane tabPane() {
        javafx.scene.Node n = root;
        while (n != null && !(n instanceof javafx.scene.control.TabPane)) {
            n = n.getParent();
        }
        return (javafx.scene.control.TabPane) n;
    }

    private static Step last(Investigation inv) {
        return inv == null || inv.steps().isEmpty() ? null : inv.steps().get(inv.steps().size() - 1);
    }

    private void update() {
        Investigation inv = vm.investigationProperty().get();
        Step shown = null;
        if (inv != null) {
            StepId want = selected;
            shown = want == null ? last(inv) : inv.step(want).orElse(null);
        }
        for (Map.Entry<StepId, Label> e : nodes.entrySet()) {
            Step s = inv == null ? null : inv.step(e.getKey()).orElse(null);
            boolean current = shown != null && shown.id() == e.getKey();
            String color = s == null ? "#3a3f4b" : switch (s.status()) {
                case APPLIED -> "#27ae60";
                case PASSED -> "#2f80ed";
                case FAILED -> "#eb5757";
                case SKIPPED -> "#5c6370";
            };
            boolean next = inv != null && inv.next() == e.getKey();
            e.getValue().setStyle("-fx-background-color: " + color + "; -fx-background-radius: 6; -fx-text-fill: "
                    + (s == null && !next ? "#9aa0aa" : "white") + ";" + (current ? " -fx-border-color: #f2c94c; "
                    + "-fx-border-width: 2; -fx-border-radius: 6;" : next ? " -fx-border-color: #9aa0aa; "
                    + "-fx-border-style: dashed; -fx-border-radius: 6;" : "")
                    + (s != null && s.status() == StepStatus.SKIPPED ? " -fx-opacity: 0.75;" : ""));
            e.getValue().setText(e.getKey().title() + (s == null ? next ? "  (next)" : ""
                    : "  · " + s.status().id()));
            e.getValue().setTooltip(s == null ? null : new Tooltip(s.decision() + (s.reason().isEmpty() ? ""
                    : "\n" + s.reason())));
        }
        Step lastStep = last(inv);
        if (backButton != null) {
            backButton.setText(shown != null && lastStep != null && shown.id() != lastStep.id()
                    ? "Back to " + shown.id().title() : "Back");
        }
        if (shown == null) {
            title.setText(inv == null ? "No investigation yet" : "Starting");
            source.setText("");
            status.setText("");
            decision.setText("");
            reason.setText("");
            candidates.getItems().clear();
        } else {
            title.setText(shown.id().title());
            source.setText("From " + shown.id().source());
            status.setText(shown.status().id());
            finding.setText(shown.finding());
            decision.setText(shown.decision());
            reason.setText(shown.reason().isEmpty() ? "" : "Why: " + shown.reason());
            candidates.getItems().setAll(shown.candidates());
        }
        waterfall.show(inv == null ? null : WaterfallFigure.plot(inv), "The accuracy after every applied step "
                + "appears here from the baseline on");
        evidence.show(shown == null ? null : evidencePlot(shown), shown == null ? "The chart a step's decision rests "
                + "on appears here" : shown.detail() == null && shown.status() != StepStatus.SKIPPED
                ? "Its numbers are above (charts are drawn again when the step is taken again)"
                : "This step has no chart: " + (shown.status() == StepStatus.SKIPPED ? "it was skipped" : "see above"));
    }

    /** The existing chart a step's decision rests on, drawn from its full result; null when there is none. */
    private static org.quantscope.chart.Plot evidencePlot(Step s) {
        Object d = s.detail();
        if (d instanceof org.quantscope.core.sim.SimulationResult r) {
            return org.quantscope.chart.figure.ClassAccuracyFigure.comparison(
                    org.quantscope.chart.figure.ClassComparison.of(r.fp32(), r.quantized(), null));
        }
        if (d instanceof org.quantscope.core.analysis.ComparisonResult[] c && c.length == 2 && s.after() != null) {
            double fp32 = 100 * c[0].fp32Accuracy();
            return org.quantscope.chart.figure.ClassAccuracyFigure.comparison(List.of(
                    new org.quantscope.chart.figure.ClassComparison("only weights quantized", fp32,
                            100 * c[0].accuracy(), c[0].samples()),
                    new org.quantscope.chart.figure.ClassComparison("only activations quantized", fp32,
                            100 * c[1].accuracy(), c[1].samples()),
                    new org.quantscope.chart.figure.ClassComparison("both (the configuration now)",
                            100 * s.after().fp32Accuracy(), 100 * s.after().accuracy(), c[0].samples())));
        }
        if (d instanceof org.quantscope.core.analysis.DiagnosisResult r) {
            return org.quantscope.chart.figure.LayerErrorFigure.plot(org.quantscope.chart.figure.LayerFinding.of(r),
                    null, false, r.settings().rmseOverScaleThreshold(), r.settings().sqnrThresholdDb());
        }
        if (d instanceof org.quantscope.core.transform.MixedPrecision.Result r) {
            Object step = s.evidence().get("chosenStep");
            org.quantscope.core.transform.MixedPrecisionPoint chosen = r.points().stream().filter(p -> step
                    instanceof Number n && p.step() == n.intValue()).findFirst().orElse(null);
            double target = r.target() != null && r.target().isDrop() ? r.target().maxDrop() : 1.0;
            return org.quantscope.chart.figure.ParetoFigure.plot(r, chosen, target);
        }
        if (d instanceof org.quantscope.core.transform.AdaRound.Result r) {
            return org.quantscope.chart.figure.ReconstructionFigure.plot(r, new java.util.HashSet<>(
                    org.quantscope.core.investigate.Rules.oscillations(r.layers())));
        }
        return null;
    }

    private void updateBoxes(ReliabilityResult r) {
        boxes.setHeading(r != null && r.configurations().size() == 1
                ? "Per-class accuracy drop over calibration seeds: " + r.configurations().get(0)
                : "Per-class accuracy drop over calibration seeds, before and after the last fix");
        boxes.show(r == null || r.trials().isEmpty() ? null : BoxPlotFigure.plot(r, 0), r == null
                ? "After a step that changes the configuration, trials over calibration seeds compare it with the "
                + "configuration before" : "Waiting for the first trial");
    }

    /** The tab's content. */
    public BorderPane root() {
        return root;
    }

    /** The box plots. */
    public ChartCard boxes() {
        return boxes;
    }

    /**
     * File menu items: Save investigation…, Open investigation….
     *
     * @param owner the window
     * @return the items
     */
    public javafx.scene.control.MenuItem[] menuItems(Window owner) {
        javafx.scene.control.MenuItem save = new javafx.scene.control.MenuItem("Save investigation…");
        save.setOnAction(e -> {
            FileChooser fc = chooser("Save the investigation");
            File f = fc.showSaveDialog(owner);
            if (f != null) {
                vm.save(f.toPath());
            }
        });
        javafx.scene.control.MenuItem open = new javafx.scene.control.MenuItem("Open investigation…");
        open.setOnAction(e -> {
            File f = chooser("Open a saved investigation").showOpenDialog(owner);
            if (f != null) {
                vm.openSaved(f.toPath());
            }
        });
        javafx.scene.control.MenuItem config = new javafx.scene.control.MenuItem("Save the investigation's "
                + "configuration…");
        config.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Save the configuration (quantscope quantize --config reads it)");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Configurations (*.json)", "*.json"));
            File f = fc.showSaveDialog(owner);
            if (f != null) {
                vm.saveConfiguration(f.toPath());
            }
        });
        return new javafx.scene.control.MenuItem[] {save, open, config};
    }

    private static FileChooser chooser(String title) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Investigations (*.qsinv.json, *.json)",
                "*.qsinv.json", "*.json"), new FileChooser.ExtensionFilter("All files", "*"));
        return fc;
    }
}
