package org.quantscope.ui.quantize;

import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizerSite;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.FixEffects;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.workflow.SimulationWorkflow;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.DatasetOpener;
import org.quantscope.ui.main.JobTracker;
import org.quantscope.ui.main.LayerRow;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.UserMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * State and actions of the quantization panel: the settings form, the calibration pool, the Simulate action and its
 * result (tiles, per-class comparison, provenance, staleness) and the quantizer table of the selected layer. It follows
 * the {@link MainViewModel} (open model, test data, FP32 evaluation, selected layer) and shares its
 * {@link JobTracker}, so only one job runs at a time and Cancel stops a simulation. Every core call runs through the
 * tracker; a failure leaves the previous result in place.
 */
public final class QuantizationViewModel {

    private final MainViewModel main;
    private final JobTracker jobs;
    private final DatasetOpener testOpener;
    private final CalibrationPoolOpener poolOpener;
    private final Consumer<UserMessage> messages;
    private final QuantizationForm form = new QuantizationForm();
    private final SimulationView view = new SimulationView();
    private final MixedPrecisionSearch mixedPrecision;

    private final ReadOnlyObjectWrapper<DataSelection> calibrationPool = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper calibrationText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper calibrationHint = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<SimulationResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<PtqPipeline.Outcome> outcome = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SimulationRequest> resultRequest = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper quantizerCaption = new ReadOnlyStringWrapper("");
    private final ObservableList<LayerChoice> layerChoices = FXCollections.observableArrayList();
    private final ObservableList<QuantizerRow> quantizers = FXCollections.observableArrayList();
    private final ObservableList<LayerChoice> layerChoicesView = FXCollections.unmodifiableObservableList(layerChoices);
    private final ObservableList<QuantizerRow> quantizersView = FXCollections.unmodifiableObservableList(quantizers);
    private final BooleanBinding stale;
    private final BooleanBinding canSimulate;

    private List<QuantizerSite> sites = List.of();
    private QuantSettings sitesSettings;
    private int placementGeneration;
    private Integer poolSize;

    /**
     * @param main       the window's view model (model, data, FP32 result, selected layer, jobs)
     * @param testOpener opens the test data, as for the FP32 evaluation
     * @param poolOpener opens a calibration pool (labels optional)
     * @param messages   receives messages for the user
     */
    public QuantizationViewModel(MainViewModel main, DatasetOpener testOpener, CalibrationPoolOpener poolOpener,
                                 Consumer<UserMessage> messages) {
        this.main = main;
        this.jobs = main.jobs();
        this.testOpener = testOpener;
        this.poolOpener = poolOpener;
        this.messages = Objects.requireNonNull(messages);
        this.mixedPrecision = new MixedPrecisionSearch(this);
        Observable[] settings = form.dependencies();
        Observable[] deps = new Observable[settings.length + 2];
        System.arraycopy(settings, 0, deps, 0, settings.length);
        deps[settings.length] = resultRequest;
        deps[settings.length + 1] = calibrationPool;
        stale = Bindings.createBooleanBinding(() -> resultRequest.get() != null
                && !resultRequest.get().equals(currentRequestOrNull()), deps);
        canSimulate = Bindings.createBooleanBinding(() -> main.modelProperty().get() != null
                && main.dataProperty().get() != null && !jobs.busyProperty().get(),
                main.modelProperty(), main.dataProperty(), jobs.busyProperty());

        main.modelProperty().addListener((o, was, m) -> modelChanged(m));
        main.dataProperty().addListener((o, was, d) -> {
            mixedPrecision.clear();
            clearResult();
            describeCalibration();
        });
        main.selectedLayerProperty().addListener((o, was, layer) -> showQuantizers());
        main.layers().addListener((ListChangeListener<LayerRow>) c -> showQuantizers());
        form.presetProperty().addListener((o, was, p) -> listPlacement());
        for (Observable dep : settings) {
            dep.addListener(o -> {
                if (result.get() == null) {
                    showQuantizers();
                }
            });
        }
        modelChanged(main.modelProperty().get());
    }

    /** Runs the quantization simulation of the open model on the test data with the current settings. */
    public java.util.concurrent.CompletionStage<SimulationResult> simulate() {
        if (jobs.refuseWhileBusy()) {
            return JobTracker.notStarted("busy");
        }
        OnnxModel model = main.modelProperty().get();
        DataSelection test = main.dataProperty().get();
        if (model == null || test == null) {
            messages.accept(new UserMessage("Nothing to simulate", model == null ? "Open a model first."
                    : "Choose test data first: File > Open data…"));
            return JobTracker.notStarted("Nothing to simulate");
        }
        SimulationRequest request;
        try {
            request = currentRequest();
        } catch (InputException e) {
            messages.accept(new UserMessage("Check the quantization settings", e.getMessage()));
            return JobTracker.notStarted("Check the quantization settings");
        }
        EvaluationResult fp32 = main.fp32ResultProperty().get();
        DataSelection pool = request.pool();
        return jobs.run("Simulating " + request.shortName(), (p, c) -> {
            p.onProgress(0, 0, "Opening " + test.displayName());
            try (Dataset testData = testOpener.open(test, model, p, c);
                 Dataset poolData = pool == null ? testOpener.open(test, model, p, c)
                         : poolOpener.open(pool, model, p, c)) {
                String poolPath = (pool == null ? test : pool).data().toAbsolutePath().toString();
                SimulationWorkflow.Run run = SimulationWorkflow.run(model, testData, poolData,
                        new QuantConfig(request.settings(), request.calibration(), null, request.fixes()),
                        EvaluationSettings.DEFAULT, SessionSettings.DEFAULT, fp32, Map.of("calibrationPool", poolPath),
                        p, c);
                PtqPipeline.Outcome o = run.outcome();
                FixEffects effects = run.effects();
                SimulationResult r = run.result();
                return new Run(r, request.fixes().any() ? o : null, effects);
            }
        }, run -> {
            if (model != main.modelProperty().get() || test != main.dataProperty().get()) {
                return;
            }
            if (fp32 == null) {
                main.acceptEvaluation(run.result().fp32());
            }
            applyResult(run, request);
        }, "Simulation failed").thenApply(Run::result);
    }

    /** What one Simulate produced: the result, and with fixes what the pipeline measured. */
    private record Run(SimulationResult result, PtqPipeline.Outcome outcome, FixEffects effects) {
    }

    /**
     * Turns equalization (and bias absorption) on and simulates again: the Equalize action of the per-channel range
     * chart, where the evidence for it is.
     */
    public void equalize() {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        try {
            if (!form.settings().foldBatchNorm()) {
                messages.accept(new UserMessage("Equalization needs folded BatchNorm", "Cross-layer equalization "
                        + "works on the model with BatchNorm folded (white paper Fig. 8); preset "
                        + form.settings().preset() + " keeps BN in float. Choose another preset or custom."));
                return;
            }
        } catch (InputException e) {
            messages.accept(new UserMessage("Check the quantization settings", e.getMessage()));
            return;
        }
        form.fixesForm().cleProperty().set(true);
        form.fixesForm().biasAbsorptionProperty().set(true);
        if ("analytic".equals(form.fixesForm().biasCorrectionProperty().get())) {
            form.fixesForm().biasCorrectionProperty().set("empirical");
        }
        simulate();
    }

    /**
     * Uses another calibration pool: it is opened once for the open model to check it and count its samples.
     *
     * @param chosen the data file or folder, with optional labels
     */
    public void openCalibration(DataSelection chosen) {
        // File > Skip unreadable images in folders applies to calibration folders too.
        DataSelection selection = !chosen.skipBadFiles() && main.skipBadFilesProperty().get()
                && java.nio.file.Files.isDirectory(chosen.data())
                ? new DataSelection(chosen.data(), chosen.labels(), true) : chosen;
        if (jobs.refuseWhileBusy()) {
            return;
        }
        OnnxModel model = main.modelProperty().get();
        if (model == null) {
            messages.accept(new UserMessage("No model open", "Open a model first: calibration data is checked "
                    + "against the model's input shape."));
            return;
        }
        jobs.run("Opening calibration data " + selection.displayName(), (p, c) -> {
            try (Dataset ds = poolOpener.open(selection, model, p, c)) {
                return ds.size();
            }
        }, size -> {
            calibrationPool.set(selection);
            poolSize = size;
            describeCalibration();
            jobs.setStatus(String.format(Locale.ROOT, "Calibration data ready: %s · %,d samples",
                    selection.displayName(), size));
        }, "Cannot open calibration data");
    }

    private void modelChanged(OnnxModel m) {
        form.overridesProperty().set(Map.of()); // per-quantizer widths name the previous model's quantizers
        mixedPrecision.clear();
        clearResult();
        sites = List.of();
        sitesSettings = null;
        calibrationPool.set(main.demoCalibrationProperty().get());
        poolSize = null;
        describeCalibration();
        listPlacement();
    }

    /** Lists the quantizer placement of the current settings in the background (fast: BN folding only). */
    private void listPlacement() {
        OnnxModel model = main.modelProperty().get();
        QuantSettings settings;
        try {
            settings = form.settings();
        } catch (InputException e) {
            return;
        }
        if (model == null || sitesSettings != null && sitesSettings.foldBatchNorm() == settings.foldBatchNorm()
                && sitesSettings.placement() == settings.placement()) {
            showQuantizers();
            return;
        }
        int generation = ++placementGeneration;
        jobs.runInBackground("Listing quantizers", (p, c) -> QuantizationSimulator.sites(model, settings), s -> {
            if (generation == placementGeneration && model == main.modelProperty().get()) {
                sites = s;
                sitesSettings = settings;
                showQuantizers();
            }
        }, "Cannot list the quantizers");
    }

    private void applyResult(Run run, SimulationRequest request) {
        SimulationResult r = run.result();
        outcome.set(run.outcome());
        result.set(r);
        resultRequest.set(request);
        view.show(r, request, run.outcome(), run.effects());
        showQuantizers();
        jobs.setStatus(String.format(Locale.ROOT, "Quantized accuracy %.2f %% (FP32 %.2f %%, drop %.2f points) with %s",
                r.quantized().accuracy() * 100, r.fp32().accuracy() * 100, r.dropPoints(), request.shortName()));
    }

    private void clearResult() {
        outcome.set(null);
        result.set(null);
        resultRequest.set(null);
        view.clear();
        showQuantizers();
    }

    private void describeCalibration() {
        Integer size = poolSize;
        DataSelection pool = calibrationPool.get();
        DataSelection test = main.dataProperty().get();
        if (pool != null && pool.equals(main.demoCalibrationProperty().get())) {
            calibrationText.set("Demo calibration pool: " + pool.displayName() + " (training images)");
            calibrationHint.set("");
        } else if (pool != null) {
            calibrationText.set(size == null ? pool.displayName()
                    : String.format(Locale.ROOT, "%s · %,d samples", pool.displayName(), size));
            calibrationHint.set("");
        } else {
            calibrationText.set(test == null ? "None: open test data first" : "The test data (" + test.displayName()
                    + ")");
            calibrationHint.set("Calibrating on the test data fits the ranges to the very samples that are scored, "
                    + "so the quantized accuracy looks better than it will be on new data. Open a separate set "
                    + "(e.g. some training images) with File > Open calibration data…");
        }
    }

    /** Fills the layer list and the quantizer table from the result, or from the placement before a simulation. */
    private void showQuantizers() {
        SimulationResult r = result.get();
        List<QuantizerRow> all = new ArrayList<>();
        String source;
        if (r != null) {
            r.model().quantizers().forEach(q -> all.add(QuantizerRow.calibrated(q)));
            source = "calibrated by the last simulation";
        } else {
            QuantSettings settings;
            try {
                settings = form.settings();
            } catch (InputException e) {
                settings = sitesSettings;
            }
            for (QuantizerSite s : sites) {
                all.add(QuantizerRow.planned(s, settings));
            }
            source = "placement only: press Simulate to calibrate";
        }
        List<LayerChoice> choices = LayerChoices.of(main.layers(), all);
        if (!choices.equals(layerChoices)) {
            // Replacing equal items would make the layer table move its selection (to "All quantizers") whenever
            // another tab changes the shared selected layer.
            layerChoices.setAll(choices);
        }
        String layer = main.selectedLayerProperty().get();
        List<QuantizerRow> shown = all.stream().filter(q -> layer == null
                || (LayerChoice.OUTSIDE.equals(layer) ? q.layer().equals("—") : q.layer().equals(layer))).toList();
        quantizers.setAll(shown);
        String what = layer == null ? "All " + shown.size() + " quantizers"
                : LayerChoice.OUTSIDE.equals(layer) ? shown.size() + " quantizers outside layers"
                : shown.size() + " quantizers of " + layer;
        quantizerCaption.set(all.isEmpty() ? "" : what + " · " + source);
    }

    private SimulationRequest currentRequest() {
        CalibrationSettings calibration = form.calibration();
        return new SimulationRequest(form.settings(), calibration, calibrationPool.get(),
                form.fixesForm().fixes(calibration.seed()));
    }

    /**
     * The settings of the sidebar as a configuration (what Simulate would run): where an investigation starts.
     *
     * @return the configuration, with its calibration draw
     * @throws InputException when a setting is invalid
     */
    public QuantConfig currentConfiguration() {
        SimulationRequest r = currentRequest();
        return new QuantConfig(r.settings(), r.calibration(), null, r.fixes());
    }

    /**
     * Puts a configuration into the form (bits, granularity, ranges, overrides, fixes, calibration draw) and
     * simulates it: where the investigation's final configuration is exported from (QDQ model, encodings).
     *
     * @param c the configuration (its preset is kept as the form's preset)
     */
    public void useConfiguration(QuantConfig c) {
        QuantSettings s = c.scheme();
        form.presetProperty().set(s.preset());
        form.weightBitsProperty().set(s.weightBits());
        form.activationBitsProperty().set(s.activationBits());
        form.granularityProperty().set(s.weightGranularity());
        form.weightRangeProperty().set(s.weightRange());
        form.activationRangeProperty().set(s.activationRange());
        form.overridesProperty().set(new java.util.LinkedHashMap<>(s.overrides()));
        if (c.calibration() != null) {
            form.calibrationSizeProperty().set(c.calibration().size());
            form.seedProperty().set((int) c.calibration().seed());
            form.samplingProperty().set(c.calibration().sampling());
        }
        PtqPipeline.Fixes f = c.fixes();
        FixesForm ff = form.fixesForm();
        ff.cleProperty().set(f.cle());
        ff.biasAbsorptionProperty().set(f.biasAbsorption());
        ff.biasCorrectionProperty().set(f.biasCorrection() == null ? "none" : f.biasCorrection());
        ff.adaroundProperty().set(f.adaround() != null);
        if (f.adaround() != null) {
            ff.adaroundIterationsProperty().set(f.adaround().iterations());
            ff.adaroundSamplesProperty().set(f.adaround().samples());
        }
        simulate();
    }

    /** The calibration pool Simulate would use, or null for the test data. */
    public DataSelection currentPool() {
        return calibrationPool.get();
    }

    private SimulationRequest currentRequestOrNull() {
        try {
            return currentRequest();
        } catch (InputException e) {
            return null;
        }
    }

    // ---- collaborators for the mixed-precision search ----

    MainViewModel main() {
        return main;
    }

    JobTracker jobs() {
        return jobs;
    }

    DatasetOpener testOpener() {
        return testOpener;
    }

    CalibrationPoolOpener poolOpener() {
        return poolOpener;
    }

    void message(UserMessage m) {
        messages.accept(m);
    }

    // ---- properties for the view ----

    /** The mixed-precision search and its Pareto front. */
    public MixedPrecisionSearch mixedPrecision() {
        return mixedPrecision;
    }

    /** The settings form. */
    public QuantizationForm form() {
        return form;
    }

    /** Tile texts, per-class comparison and provenance of the last result. */
    public SimulationView result() {
        return view;
    }

    /** What the post-training fixes of the last simulation did (before and after), or {@code null} without fixes. */
    public ReadOnlyObjectProperty<PtqPipeline.Outcome> fixOutcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    /** The last simulation, or {@code null}. */
    public ReadOnlyObjectProperty<SimulationResult> simulationProperty() {
        return result.getReadOnlyProperty();
    }

    /**
     * The calibration pool the shown result was calibrated on: {@code null} when it used the test data or there is no
     * result (the current pool may differ once the user picks another).
     */
    public DataSelection resultPool() {
        SimulationRequest r = resultRequest.get();
        return r == null ? null : r.pool();
    }

    /** The post-training fixes of the shown result ({@link PtqPipeline.Fixes#NONE} without fixes or result). */
    public PtqPipeline.Fixes resultFixes() {
        SimulationRequest r = resultRequest.get();
        return r == null ? PtqPipeline.Fixes.NONE : r.fixes();
    }

    /** A short name of the shown result's configuration, e.g. {@code W8A8 per-tensor + CLE}, or empty. */
    public String resultName() {
        SimulationRequest r = resultRequest.get();
        return r == null ? "" : r.shortName();
    }

    /** The calibration pool, or {@code null} when the test data is used. */
    public ReadOnlyObjectProperty<DataSelection> calibrationPoolProperty() {
        return calibrationPool.getReadOnlyProperty();
    }

    /** Which data calibrates the quantizers. */
    public ReadOnlyStringProperty calibrationTextProperty() {
        return calibrationText.getReadOnlyProperty();
    }

    /** A warning when the test data itself is used for calibration, else empty. */
    public ReadOnlyStringProperty calibrationHintProperty() {
        return calibrationHint.getReadOnlyProperty();
    }

    /** What the quantizer table shows, e.g. {@code 3 quantizers of /features/features.0/Conv · calibrated ...}. */
    public ReadOnlyStringProperty quantizerCaptionProperty() {
        return quantizerCaption.getReadOnlyProperty();
    }

    /** True when the settings changed since the shown result was computed. */
    public BooleanBinding staleBinding() {
        return stale;
    }

    /** Whether a job of the window runs (opening actions are refused meanwhile). */
    public ReadOnlyBooleanProperty busyProperty() {
        return jobs.busyProperty();
    }

    /** Whether Simulate can run now. */
    public BooleanBinding canSimulateBinding() {
        return canSimulate;
    }

    /** Entries of the layer list: every quantizer, each layer, and the quantizers outside layers. */
    public ObservableList<LayerChoice> layerChoices() {
        return layerChoicesView;
    }

    /** The quantizers of the selected layer (all when none is selected). */
    public ObservableList<QuantizerRow> quantizers() {
        return quantizersView;
    }

    /** The name of the layer whose quantizers are shown ({@code null} = all), shared with the layer table. */
    public StringProperty selectedLayerProperty() {
        return main.selectedLayerProperty();
    }
}
