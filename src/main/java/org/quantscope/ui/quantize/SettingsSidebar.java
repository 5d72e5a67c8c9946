package org.quantscope.ui.quantize;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.value.ObservableStringValue;
import javafx.collections.FXCollections;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.HardwarePreset;
import org.quantscope.ui.main.SpinnerCommit;

import java.util.List;
import java.util.Locale;

/**
 * The settings column of the quantization panel: hardware preset with its scheme, bits, weight granularity, range
 * methods, the calibration draw and data, and the Simulate button with the "settings changed" notice.
 */
final class SettingsSidebar {

    private static final double WIDTH = 318;

    private final VBox root;
    private final QuantizationViewModel vm;
    private final Spinner<Integer> calibrationSize;
    private final Spinner<Integer> seed;
    private final Spinner<Integer> weightBits;
    private final Spinner<Integer> activationBits;
    private final Spinner<Integer> adaroundIterations;
    private final Spinner<Integer> adaroundSamples;

    SettingsSidebar(QuantizationViewModel vm) {
        this.vm = vm;
        QuantizationForm form = vm.form();

        ComboBox<String> preset = combo("presetChoice", QuantizationForm.presetChoices(), form.presetProperty());
        Label presetSummary = muted(Bindings.createStringBinding(() -> presetSummary(form.presetProperty().get()),
                form.presetProperty()));

        weightBits = spinner("weightBitsSpinner", 2, 16, form.weightBitsProperty());
        activationBits = spinner("activationBitsSpinner", 2, 16, form.activationBitsProperty());
        ComboBox<Granularity> granularity = combo("granularityChoice", List.of(Granularity.values()),
                form.granularityProperty());
        granularity.setConverter(new StringConverter<>() {
            @Override
            public String toString(Granularity g) {
                return g == null ? "" : g.name().toLowerCase(Locale.ROOT).replace('_', '-');
            }

            @Override
            public Granularity fromString(String s) {
                return Granularity.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
            }
        });
        granularity.disableProperty().bind(form.granularityFixedBinding());
        granularity.setTooltip(new Tooltip("A hardware preset fixes the weight granularity; choose custom to "
                + "change it."));
        ComboBox<String> weightRange = combo("weightRangeChoice", QuantizationForm.weightRangeChoices(),
                form.weightRangeProperty());
        ComboBox<String> activationRange = combo("activationRangeChoice", QuantizationForm.activationRangeChoices(),
                form.activationRangeProperty());

        GridPane quant = grid();
        row(quant, 0, "Weight bits", weightBits);
        row(quant, 1, "Activation bits", activationBits);
        row(quant, 2, "Weight granularity", granularity);
        row(quant, 3, "Weight range", weightRange);
        row(quant, 4, "Activation range", activationRange);

        Label schemeTitle = new Label();
        schemeTitle.getStyleClass().add("field-caption");
        schemeTitle.textProperty().bind(Bindings.createStringBinding(() -> QuantizationForm.CUSTOM.equals(
                form.presetProperty().get()) ? "Scheme (defaults of ONNX Runtime)"
                : "Fixed by preset " + form.presetProperty().get(), form.presetProperty()));
        Label scheme = new Label();
        scheme.setId("schemeLabel");
        scheme.getStyleClass().add("scheme");
        scheme.setWrapText(true);
        scheme.textProperty().bind(form.schemeTextBinding());

        calibrationSize = spinner("calibrationSizeSpinner", 1, 1_000_000, form.calibrationSizeProperty());
        seed = spinner("seedSpinner", 0, Integer.MAX_VALUE, form.seedProperty());
        ComboBox<CalibrationSampler.Strategy> sampling = combo("samplingChoice",
                List.of(CalibrationSampler.Strategy.values()), form.samplingProperty());
        sampling.setConverter(new StringConverter<>() {
            @Override
            public String toString(CalibrationSampler.Strategy s) {
                return s == null ? "" : s.name().toLowerCase(Locale.ROOT);
            }

            @Override
            public CalibrationSampler.Strategy fromString(String s) {
                return CalibrationSampler.Strategy.valueOf(s.toUpperCase(Locale.ROOT));
            }
        });
        GridPane calib = grid();
        row(calib, 0, "Samples", calibrationSize);
        row(calib, 1, "Seed", seed);
        row(calib, 2, "Sampling", sampling);
        Label data = muted(vm.calibrationTextProperty());
        data.setId("calibrationDataLabel");
        Label hint = new Label();
        hint.setId("calibrationHint");
        hint.getStyleClass().add("hint");
        hint.setWrapText(true);
        hint.textProperty().bind(vm.calibrationHintProperty());
        hint.visibleProperty().bind(vm.calibrationHintProperty().isNotEmpty());
        hint.managedProperty().bind(hint.visibleProperty());

        FixesForm fixes = form.fixesForm();
        CheckBox cle = check("cleCheck", "Cross-layer equalization", fixes.cleProperty(),
                "White paper §4.1: rescale consecutive layers so their per-channel weight ranges match (BN folded "
                        + "first). ReLU6 between them keeps the FP32 function: each channel's bound 6 becomes 6/s.");
        CheckBox absorb = check("biasAbsorptionCheck", "Bias absorption", fixes.biasAbsorptionProperty(),
                "Eq. 23-24: move high biases into the next layer after equalization (needs equalization).");
        absorb.disableProperty().bind(fixes.cleProperty().not());
        ComboBox<String> bc = combo("biasCorrectionChoice", FixesForm.BIAS_CORRECTIONS,
                fixes.biasCorrectionProperty());
        bc.setTooltip(new Tooltip("§3.3: remove the mean shift weight quantization causes in each layer's output: "
                + "empirical (eq. 27, calibration data) or analytic (eq. 28, BN statistics; not after equalization)."));
        CheckBox ada = check("adaroundCheck", "AdaRound", fixes.adaroundProperty(),
                "§3.4: learn each weight's rounding layer by layer (eq. 35). The paper uses 10,000 iterations per "
                        + "layer; fewer are quicker for a demo.");
        adaroundIterations = spinner("adaroundIterationsSpinner", 1, 1_000_000, fixes.adaroundIterationsProperty());
        adaroundSamples = spinner("adaroundSamplesSpinner", 1, 1_000_000, fixes.adaroundSamplesProperty());
        adaroundIterations.disableProperty().bind(fixes.adaroundProperty().not());
        adaroundSamples.disableProperty().bind(fixes.adaroundProperty().not());
        GridPane fixGrid = grid();
        row(fixGrid, 0, "Bias correction", bc);
        row(fixGrid, 1, "AdaRound iterations", adaroundIterations);
        row(fixGrid, 2, "AdaRound samples", adaroundSamples);
        Label fixHint = muted(new javafx.beans.property.SimpleStringProperty("Applied in the order of the standard "
                + "pipeline (Fig. 8); the result shows the quantization with and without them."));

        Button simulate = new Button("Simulate");
        simulate.setId("simulateButton");
        simulate.getStyleClass().add("accent");
        simulate.setMaxWidth(Double.MAX_VALUE);
        simulate.disableProperty().bind(vm.canSimulateBinding().not());
        simulate.setOnAction(e -> {
            commitEditors();
            vm.simulate();
        });
        Label stale = new Label("Settings changed since this result: press Simulate again.");
        stale.setId("staleLabel");
        stale.getStyleClass().add("hint");
        stale.setWrapText(true);
        stale.visibleProperty().bind(vm.staleBinding());
        stale.managedProperty().bind(stale.visibleProperty());

        VBox box = new VBox(8, title("Settings"), caption("Hardware preset"), preset, presetSummary, quant,
                schemeTitle, scheme, new Separator(), title("Calibration"), calib, caption("Calibration data"), data,
                hint, new Separator(), title("Post-training fixes"), cle, absorb, ada, fixGrid, fixHint);
        box.setPadding(new Insets(12, 14, 8, 14));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.getStyleClass().add("settings-scroll");
        VBox.setVgrow(scroll, Priority.ALWAYS);
        // The action stays in view below the scrolling fields, whatever the window height; the notice goes above it
        // so the button does not move when the notice appears.
        VBox action = new VBox(6, stale, simulate);
        action.setPadding(new Insets(8, 14, 14, 14));
        root = new VBox(scroll, new Separator(), action);
        root.getStyleClass().addAll("card", "settings");
        root.setPrefWidth(WIDTH);
        root.setMinWidth(WIDTH);
        root.setMaxWidth(WIDTH);
    }

    VBox root() {
        return root;
    }

    /** Takes over numbers typed into the spinners (a spinner commits its text only on Enter otherwise). */
    private void commitEditors() {
        for (Spinner<Integer> s : List.of(weightBits, activationBits, calibrationSize, seed, adaroundIterations,
                adaroundSamples)) {
            commit(s);
        }
    }

    private static void commit(Spinner<Integer> s) {
        SpinnerValueFactory<Integer> f = s.getValueFactory();
        String text = s.getEditor().getText();
        try {
            Integer v = f.getConverter().fromString(text.trim().replace(",", ""));
            if (v != null) {
                f.setValue(v);
            }
        } catch (RuntimeException e) {
            // not a number: show the value that stays in effect
        }
        s.getEditor().setText(f.getConverter().toString(f.getValue()));
    }

    private static String presetSummary(String id) {
        if (id == null || QuantizationForm.CUSTOM.equals(id)) {
            return "No preset: choose the weight granularity yourself.";
        }
        HardwarePreset p = HardwarePreset.byName(id);
        String text = p.summary();
        return Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".";
    }

    private static CheckBox check(String id, String text, javafx.beans.property.BooleanProperty value,
                                  String tip) {
        CheckBox c = new CheckBox(text);
        c.setId(id);
        c.selectedProperty().bindBidirectional(value);
        c.setTooltip(new Tooltip(tip));
        c.getTooltip().setWrapText(true);
        c.getTooltip().setMaxWidth(420);
        return c;
    }

    private static <T> ComboBox<T> combo(String id, List<T> items, ObjectProperty<T> value) {
        ComboBox<T> c = new ComboBox<>(FXCollections.observableArrayList(items));
        c.setId(id);
        c.valueProperty().bindBidirectional(value);
        c.setMaxWidth(Double.MAX_VALUE);
        return c;
    }

    private static Spinner<Integer> spinner(String id, int min, int max, ObjectProperty<Integer> value) {
        Spinner<Integer> s = new Spinner<>(min, max, value.get() == null ? min : value.get());
        s.setId(id);
        s.setEditable(true);
        s.getValueFactory().valueProperty().bindBidirectional(value);
        s.setMaxWidth(Double.MAX_VALUE);
        s.focusedProperty().addListener((o, was, focused) -> {
            if (!focused) {
                commit(s);
            }
        });
        SpinnerCommit.onEnter(s); // Return commits the value instead of firing "Evaluate FP32"
        return s;
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        ColumnConstraints label = new ColumnConstraints();
        label.setMinWidth(132);
        label.setHalignment(HPos.LEFT);
        ColumnConstraints field = new ColumnConstraints();
        field.setHgrow(Priority.ALWAYS);
        field.setFillWidth(true);
        g.getColumnConstraints().addAll(label, field);
        return g;
    }

    private static void row(GridPane g, int row, String label, Node field) {
        Label l = new Label(label);
        l.getStyleClass().add("field-label");
        g.addRow(row, l, field);
    }

    private static Label title(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("card-title");
        return l;
    }

    private static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("field-caption");
        return l;
    }

    private static Label muted(ObservableStringValue text) {
        Label l = new Label();
        l.getStyleClass().add("muted");
        l.setWrapText(true);
        l.textProperty().bind(text);
        return l;
    }
}
