package org.quantscope.ui.diagnose;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.quantscope.chart.figure.ActivationHistogram;
import org.quantscope.chart.figure.ChannelRanges;
import org.quantscope.chart.figure.LayerFinding;
import org.quantscope.chart.figure.WeightHistogram;
import org.quantscope.core.InputException;
import org.quantscope.core.analysis.ActivationStats;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.workflow.DiagnosisWorkflow;
import org.quantscope.core.analysis.WeightStatistics;
import org.quantscope.core.analysis.WeightStats;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.DatasetOpener;
import org.quantscope.ui.main.JobTracker;
import org.quantscope.ui.main.LayerRow;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.quantize.QuantizationViewModel;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * State and actions of the Diagnostics tab: the Diagnose action (layer diagnosis on the test data and activation
 * statistics on the calibration samples of the last simulation, one tracked job with progress and cancel), the layer
 * findings, and the reduced chart data of the selected layer (weight histogram with its grid, per-channel ranges of
 * weights and activations, activation histogram with the range of every method). The selected layer is the window's
 * shared selection. Weight views need only a simulation; the rest needs a diagnosis. A failed or cancelled diagnosis
 * keeps the previous one; a diagnosis no longer matching the simulation or the settings is marked stale.
 */
public final class DiagnosticsViewModel {

    private final MainViewModel main;
    private final QuantizationViewModel quantization;
    private final JobTracker jobs;
    private final DatasetOpener testOpener;
    private final CalibrationPoolOpener poolOpener;
    private final Consumer<UserMessage> messages;
    private final DiagnosisTexts texts = new DiagnosisTexts();

    private final ReadOnlyObjectWrapper<Diagnosis> diagnosis = new ReadOnlyObjectWrapper<>();
    private final IntegerProperty samples = new SimpleIntegerProperty(DiagnoseSettings.DEFAULT.samples());
    private final BooleanProperty sensitivity = new SimpleBooleanProperty(DiagnoseSettings.DEFAULT.sensitivity());
    private final BooleanProperty perChannel = new SimpleBooleanProperty(false);
    private final IntegerProperty channel = new SimpleIntegerProperty(0);
    private final ReadOnlyIntegerWrapper channels = new ReadOnlyIntegerWrapper(0);
    private final StringProperty activationQuantizer = new SimpleStringProperty();
    private final ObservableList<String> activationQuantizers = FXCollections.observableArrayList();
    private final ObservableList<LayerFinding> findings = FXCollections.observableArrayList();
    private final ObservableList<LayerFinding> findingsView = FXCollections.unmodifiableObservableList(findings);
    private final ObservableList<String> quantizersView =
            FXCollections.unmodifiableObservableList(activationQuantizers);
    private final ReadOnlyObjectWrapper<LayerFinding> selectedFinding = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<WeightHistogram> weightHistogram = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChannelRanges> weightRanges = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChannelRanges> weightRangesBefore = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ChannelRanges> activationRanges = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ActivationHistogram> activationHistogram = new ReadOnlyObjectWrapper<>();
    private final StringBinding staleReason;
    private final BooleanBinding stale;
    private final BooleanBinding canDiagnose;
    private final Map<String, WeightStats> weightStats = new HashMap<>();
    private QuantizedModel weightStatsModel;
    private boolean refreshing;

    /**
     * @param main         the window's view model (model, data, selected layer, jobs)
     * @param quantization the quantization tab's view model (the simulation to diagnose and its calibration pool)
     * @param testOpener   opens the test data
     * @param poolOpener   opens a calibration pool
     * @param messages     receives messages for the user
     */
    public DiagnosticsViewModel(MainViewModel main, QuantizationViewModel quantization, DatasetOpener testOpener,
                                CalibrationPoolOpener poolOpener, Consumer<UserMessage> messages) {
        this.main = main;
        this.quantization = quantization;
        this.jobs = main.jobs();
        this.testOpener = testOpener;
        this.poolOpener = poolOpener;
        this.messages = Objects.requireNonNull(messages);
        staleReason = Bindings.createStringBinding(this::describeStaleness, diagnosis,
                quantization.simulationProperty(), quantization.staleBinding(), samples, sensitivity);
        stale = staleReason.isNotEmpty();
        canDiagnose = Bindings.createBooleanBinding(() -> quantization.simulationProperty().get() != null
                && !jobs.busyProperty().get(), quantization.simulationProperty(), jobs.busyProperty());
        main.modelProperty().addListener((o, was, m) -> clear());
        main.layers().addListener((ListChangeListener<LayerRow>) c -> {
            if (diagnosis.get() == null) {
                findings.setAll(LayerViews.undiagnosed(main.layers()));
            }
        });
        quantization.simulationProperty().addListener((o, was, s) -> refresh());
        main.selectedLayerProperty().addListener((o, was, l) -> refresh());
        perChannel.addListener((o, was, on) -> refresh());
        channel.addListener((o, was, c) -> refresh());
        activationQuantizer.addListener((o, was, q) -> refresh());
        findings.setAll(LayerViews.undiagnosed(main.layers()));
        refresh();
    }

    /** Diagnoses the quantized model of the last simulation: layer diagnosis, then activation statistics. */
    public java.util.concurrent.CompletionStage<Diagnosis> diagnose() {
        if (jobs.refuseWhileBusy()) {
            return JobTracker.notStarted("busy");
        }
        SimulationResult sim = quantization.simulationProperty().get();
        OnnxModel model = main.modelProperty().get();
        DataSelection test = main.dataProperty().get();
        if (sim == null || model == null || test == null) {
            messages.accept(new UserMessage("Nothing to diagnose", "Press Simulate on the Quantization tab first: "
                    + "the diagnosis examines the quantized model of the last simulation."));
            return JobTracker.notStarted("Nothing to diagnose");
        }
        DiagnoseSettings settings;
        try {
            settings = settings();
        } catch (InputException e) {
            messages.accept(new UserMessage("Check the diagnosis settings", e.getMessage()));
            return JobTracker.notStarted("Check the diagnosis settings");
        }
        DataSelection pool = quantization.resultPool();
        QuantizedModel qm = sim.model();
        org.quantscope.core.transform.PtqPipeline.Fixes fixes = quantization.resultFixes();
        return jobs.run("Diagnosing the quantized model", (p, c) -> {
            long start = System.nanoTime();
            p.onProgress(0, 0, "Opening " + test.displayName());
            try (Dataset testData = testOpener.open(test, model, p, c);
                 Dataset poolData = pool == null ? testOpener.open(test, model, p, c)
                         : poolOpener.open(pool, model, p, c)) {
                DiagnosisWorkflow.Run run = DiagnosisWorkflow.run(qm, fixes, testData, poolData, settings, Map.of(),
                        SessionSettings.DEFAULT, phase(p, 0, 0.9), phase(p, 0.9, 1), c);
                DiagnosisResult r = run.result();
                List<ActivationStats> acts = run.activations();
                return new Diagnosis(r, acts, sim, (System.nanoTime() - start) / 1e9);
            }
        }, d -> {
            if (model == main.modelProperty().get()) {
                apply(d);
            }
        }, "Diagnosis failed");
    }

    /** The settings the next Diagnose uses. */
    public DiagnoseSettings settings() {
        return DiagnoseSettings.DEFAULT.withSamples(samples.get()).withSensitivity(sensitivity.get());
    }

    /** Maps a step's progress into [from, to] of one overall bar (thousandths). */
    private static ProgressListener phase(ProgressListener p, double from, double to) {
        return (done, total, message) -> p.onProgress(total > 0 ? Math.round(1000 * (from + (to - from) * done
                / (double) total)) : 0, total > 0 ? 1000 : 0, message);
    }

    private void apply(Diagnosis d) {
        diagnosis.set(d);
        findings.setAll(LayerViews.findings(d.result()));
        texts.show(d);
        String layer = main.selectedLayerProperty().get();
        if (findings.stream().noneMatch(f -> f.name().equals(layer))) {
            findings.stream().filter(LayerFinding::flagged).max(Comparator.comparingDouble(f -> Double.isNaN(
                    f.isolated()) ? 0 : f.isolated())).ifPresent(f -> main.selectedLayerProperty().set(f.name()));
        }
        refresh();
        long flagged = findings.stream().filter(LayerFinding::flagged).count();
        jobs.setStatus(String.format(Locale.ROOT, "Diagnosis: %d of %d layers flagged; full quantization %.2f %%, "
                + "weights only %.2f %%, activations only %.2f %%", flagged, findings.size(),
                d.result().full().accuracy() * 100, d.result().weightsOnly().accuracy() * 100,
                d.result().activationsOnly().accuracy() * 100));
    }

    private void clear() {
        diagnosis.set(null);
        texts.clear();
        weightStats.clear();
        weightStatsModel = null;
        findings.setAll(LayerViews.undiagnosed(main.layers()));
        refresh();
    }

    private String describeStaleness() {
        Diagnosis d = diagnosis.get();
        if (d == null) {
            return "";
        }
        SimulationResult sim = quantization.simulationProperty().get();
        if (sim == null) {
            return "no current simulation: simulate, then diagnose again";
        }
        if (sim != d.source()) {
            return "a newer simulation exists: diagnose again";
        }
        if (quantization.staleBinding().get()) {
            return "quantization settings changed: simulate and diagnose again";
        }
        DiagnoseSettings s = d.result().settings();
        if (s.samples() != samples.get() || s.sensitivity() != sensitivity.get()) {
            return "diagnosis settings changed: diagnose again";
        }
        return "";
    }

    /** The model the weight views show: the last simulation's, else the diagnosed one. */
    private QuantizedModel weightModel() {
        SimulationResult sim = quantization.simulationProperty().get();
        Diagnosis d = diagnosis.get();
        return sim != null ? sim.model() : d == null ? null : d.result().model();
    }

    /** The layer's weight ranges in the quantization without the fixes, when the shown simulation applied fixes. */
    private ChannelRanges rangesBeforeFixes(String layer) {
        org.quantscope.core.transform.PtqPipeline.Outcome o = quantization.fixOutcomeProperty().get();
        if (o == null) {
            return null;
        }
        QuantizedModel before = o.before().model();
        return LayerViews.weightQuantizer(before, layer).map(q -> LayerViews.weightRanges(q,
                WeightStatistics.of(before.prepared(), q))).orElse(null);
    }

    /**
     * Turns on cross-layer equalization (with bias absorption) and simulates again: the action of the per-channel
     * range chart, where the evidence for it is. The chart then shows the ranges before and after.
     */
    public void equalize() {
        quantization.equalize();
    }

    /** Recomputes the chart data of the selected layer. */
    private void refresh() {
        if (refreshing) {
            return;
        }
        refreshing = true;
        try {
            String layer = main.selectedLayerProperty().get();
            selectedFinding.set(findings.stream().filter(f -> f.name().equals(layer)).findFirst().orElse(null));
            showWeights(layer);
            showActivations(layer);
        } finally {
            refreshing = false;
        }
    }

    private void showWeights(String layer) {
        QuantizedModel qm = weightModel();
        QuantizerState q = qm == null || layer == null ? null : LayerViews.weightQuantizer(qm, layer).orElse(null);
        if (q == null) {
            channels.set(0);
            weightHistogram.set(null);
            weightRangesBefore.set(null);
            weightRanges.set(null);
            return;
        }
        if (qm != weightStatsModel) {
            weightStats.clear();
            weightStatsModel = qm;
        }
        WeightStats s = weightStats.computeIfAbsent(q.site().name(), n -> WeightStatistics.of(qm.prepared(), q));
        channels.set(s.channels());
        if (channel.get() < 0 || channel.get() >= s.channels()) {
            channel.set(0);
        }
        weightHistogram.set(LayerViews.weightHistogram(qm, q, s, perChannel.get() ? channel.get() : -1));
        weightRangesBefore.set(rangesBeforeFixes(layer));
        weightRanges.set(LayerViews.weightRanges(q, s));
    }

    private void showActivations(String layer) {
        Diagnosis d = diagnosis.get();
        List<ActivationStats> acts = d == null || layer == null ? List.of()
                : d.activations().stream().filter(a -> layer.equals(a.layer())).toList();
        activationQuantizers.setAll(acts.stream().map(ActivationStats::quantizer).toList());
        String output = d == null ? null : d.result().layers().stream().filter(l -> l.name().equals(layer))
                .map(l -> l.outputQuantizer()).filter(Objects::nonNull).findFirst().orElse(null);
        String wanted = activationQuantizers.contains(activationQuantizer.get()) ? activationQuantizer.get()
                : activationQuantizers.contains(output) ? output
                : activationQuantizers.isEmpty() ? null : activationQuantizers.get(activationQuantizers.size() - 1);
        activationQuantizer.set(wanted);
        ActivationStats a = acts.stream().filter(s -> s.quantizer().equals(wanted)).findFirst().orElse(null);
        activationHistogram.set(a == null ? null : LayerViews.activationHistogram(a));
        activationRanges.set(a == null || a.channelMin().length == 0 ? null : LayerViews.activationRanges(a));
    }

    // ---- properties for the view ----

    /** Tile texts and provenance of the last diagnosis. */
    public DiagnosisTexts texts() {
        return texts;
    }

    /** The last diagnosis, or null. */
    public ReadOnlyObjectProperty<Diagnosis> diagnosisProperty() {
        return diagnosis.getReadOnlyProperty();
    }

    /** Test samples the next diagnosis runs on. */
    public IntegerProperty samplesProperty() {
        return samples;
    }

    /** Whether the next diagnosis runs the per-layer sensitivity and float-gain runs. */
    public BooleanProperty sensitivityProperty() {
        return sensitivity;
    }

    /** Weight histogram of one output channel instead of the whole tensor. */
    public BooleanProperty perChannelProperty() {
        return perChannel;
    }

    /** The output channel shown per channel (0-based). */
    public IntegerProperty channelProperty() {
        return channel;
    }

    /** Output channels of the selected layer's weight (0 without one). */
    public ReadOnlyIntegerProperty channelsProperty() {
        return channels.getReadOnlyProperty();
    }

    /** The activation quantizer whose histogram is shown. */
    public StringProperty activationQuantizerProperty() {
        return activationQuantizer;
    }

    /** Activation quantizers of the selected layer (empty before a diagnosis). */
    public ObservableList<String> activationQuantizers() {
        return quantizersView;
    }

    /** Every layer, with its findings once diagnosed. */
    public ObservableList<LayerFinding> findings() {
        return findingsView;
    }

    /** The selected layer's finding, or null. */
    public ReadOnlyObjectProperty<LayerFinding> selectedFindingProperty() {
        return selectedFinding.getReadOnlyProperty();
    }

    /** Weight histogram of the selected layer, or null. */
    public ReadOnlyObjectProperty<WeightHistogram> weightHistogramProperty() {
        return weightHistogram.getReadOnlyProperty();
    }

    /** Per-channel weight ranges of the selected layer, or null. */
    public ReadOnlyObjectProperty<ChannelRanges> weightRangesProperty() {
        return weightRanges.getReadOnlyProperty();
    }

    /**
     * The selected layer's weight ranges without the post-training fixes, when the shown simulation applied some
     * (drawn behind the current ranges), else {@code null}.
     */
    public ReadOnlyObjectProperty<ChannelRanges> weightRangesBeforeProperty() {
        return weightRangesBefore.getReadOnlyProperty();
    }

    /** Per-channel ranges of the selected activation quantizer, or null. */
    public ReadOnlyObjectProperty<ChannelRanges> activationRangesProperty() {
        return activationRanges.getReadOnlyProperty();
    }

    /** Histogram of the selected activation quantizer with the range of every method, or null. */
    public ReadOnlyObjectProperty<ActivationHistogram> activationHistogramProperty() {
        return activationHistogram.getReadOnlyProperty();
    }

    /** Why the diagnosis no longer matches, or empty. */
    public StringBinding staleReasonBinding() {
        return staleReason;
    }

    /** True when the diagnosis no longer matches the simulation or the settings. */
    public BooleanBinding staleBinding() {
        return stale;
    }

    /** Whether Diagnose can run now. */
    public BooleanBinding canDiagnoseBinding() {
        return canDiagnose;
    }

    /** The window's shared layer selection. */
    public StringProperty selectedLayerProperty() {
        return main.selectedLayerProperty();
    }

    /** Whether a job of the window runs. */
    public javafx.beans.property.ReadOnlyBooleanProperty busyProperty() {
        return jobs.busyProperty();
    }
}
