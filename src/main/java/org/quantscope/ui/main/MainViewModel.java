package org.quantscope.ui.main;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantscope.chart.figure.ClassAccuracy;
import org.quantscope.core.Version;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.ui.task.TaskRunner;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * State and actions of the main window: the open model and its summary, the selected test data, the FP32 evaluation
 * and its per-class accuracy, progress, recent models and messages for the user. The only class of the window that
 * talks to {@code core}; every core call runs through the {@link TaskRunner}, and the results are applied on the UI
 * thread. A failure never replaces what is already open.
 */
public final class MainViewModel {

    /** Shown in a tile before a value is known. */
    public static final String NO_VALUE = "—";

    private final DatasetOpener datasetOpener;
    private final RecentModels recentStore;

    private final BooleanProperty skipBadFiles = new SimpleBooleanProperty(false);
    private final ReadOnlyObjectWrapper<ModelSummary> summary = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper("QuantScope");
    private final ReadOnlyStringWrapper accuracyText = new ReadOnlyStringWrapper(NO_VALUE);
    private final ReadOnlyStringWrapper accuracyDetail = new ReadOnlyStringWrapper("not evaluated yet");
    private final ReadOnlyStringWrapper dataText = new ReadOnlyStringWrapper("No data selected");
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper("Ready");
    private final ReadOnlyStringWrapper modelPathText = new ReadOnlyStringWrapper("No model open");
    private final ReadOnlyStringWrapper shaText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper throughputText = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<DataSelection> data = new ReadOnlyObjectWrapper<>();
    private final ObservableList<LayerRow> layers = FXCollections.observableArrayList();
    private final ObservableList<ClassAccuracy> classAccuracies = FXCollections.observableArrayList();
    private final ObservableList<Path> recentModels = FXCollections.observableArrayList();
    private final BooleanBinding canEvaluate;

    private final JobTracker jobs;
    private final ObservableList<LayerRow> layersView = FXCollections.unmodifiableObservableList(layers);
    private final ObservableList<ClassAccuracy> classAccuraciesView =
            FXCollections.unmodifiableObservableList(classAccuracies);
    private final ObservableList<Path> recentModelsView = FXCollections.unmodifiableObservableList(recentModels);

    private final ReadOnlyObjectWrapper<OnnxModel> modelHolder = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<EvaluationResult> fp32Result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<DataSelection> demoCalibration = new ReadOnlyObjectWrapper<>();
    private final StringProperty selectedLayer = new SimpleStringProperty();
    private OnnxModel model;
    private Consumer<UserMessage> messageHandler = m -> { };

    /**
     * @param runner        runs core calls off the UI thread
     * @param datasetOpener opens the selected data for a model
     * @param recentStore   remembers recently opened models
     */
    public MainViewModel(TaskRunner runner, DatasetOpener datasetOpener, RecentModels recentStore) {
        this.jobs = new JobTracker(runner, statusText, m -> messageHandler.accept(m));
        this.datasetOpener = datasetOpener;
        this.recentStore = recentStore;
        this.recentModels.setAll(recentStore.list());
        this.canEvaluate = Bindings.createBooleanBinding(
                () -> summary.get() != null && summary.get().canEvaluate() && data.get() != null
                        && !jobs.busy.get(), summary, data, jobs.busy);
    }

    /** Receives messages (errors) for the user; the view shows them in a dialog. */
    public void setMessageHandler(Consumer<UserMessage> handler) {
        this.messageHandler = Objects.requireNonNull(handler);
    }

    /**
     * Opens the demo model with its test data, as on first launch.
     *
     * @param evaluateAfterwards whether to run the FP32 evaluation as soon as the demo is open
     */
    public void openDemo(boolean evaluateAfterwards) {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        jobs.run("Opening the demo model", (p, c) -> {
            p.onProgress(0, 0, "Unpacking the demo files");
            DemoAssets assets = DemoAssets.locate();
            p.onProgress(0, 0, "Loading " + assets.model().getFileName());
            return new DemoLoad(assets, OnnxModelLoader.load(assets.model()));
        }, loaded -> {
            DemoAssets a = loaded.assets();
            demoCalibration.set(new DataSelection(a.calibImages(), a.calibLabels()));
            applyModel(loaded.model());
            selectData(new DataSelection(loaded.assets().testImages(), loaded.assets().testLabels()),
                    evaluateAfterwards);
        }, "Cannot open the demo");
    }

    /**
     * Opens a model file chosen by the user; on success it joins the recent models.
     *
     * @param file the {@code .onnx} file
     */
    public void openModel(Path file) {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        long started = System.nanoTime();
        jobs.run("Opening " + file.getFileName(), (p, c) -> {
            p.onProgress(0, 0, "Loading " + file.getFileName());
            return OnnxModelLoader.load(file);
        }, m -> {
            demoCalibration.set(null);
            applyModel(m);
            recentModels.setAll(recentStore.add(file));
            // how long the user waited, loading and filling the views included (issue 14: under 3 s at 100 MB)
            String opened = "Opened " + summary.get().fileName();
            statusText.set(statusText.get().replace(opened, opened + String.format(Locale.ROOT, " in %.1f s",
                    (System.nanoTime() - started) / 1e9)));
        }, "Cannot open model");
    }

    /**
     * Handles files dropped on the window: the first {@code .onnx} file is opened; anything else gets a message.
     *
     * @param files the dropped files
     */
    public void openDropped(List<Path> files) {
        Path onnx = files.stream().filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx"))
                .findFirst().orElse(null);
        if (onnx != null) {
            openModel(onnx);
            return;
        }
        String names = files.stream().map(f -> String.valueOf(f.getFileName())).reduce((a, b) -> a + ", " + b)
                .orElse("nothing");
        messageHandler.accept(new UserMessage("Not an ONNX model", "Dropped " + names + ", but only ONNX models "
                + "(.onnx files) can be opened by dropping them on the window. To use a file as test data, choose "
                + "File > Open data… instead."));
    }

    /**
     * Selects test data: it is opened once for the current model to check it and count samples and classes.
     *
     * @param selection the data file or folder and optional labels
     */
    public void openData(DataSelection selection) {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        selectData(selection, false);
    }

    private void selectData(DataSelection selection, boolean evaluateAfterwards) {
        if (model == null) {
            messageHandler.accept(new UserMessage("No model open", "Open a model first: the data is checked against "
                    + "the model's input shape and number of classes."));
            return;
        }
        OnnxModel m = model;
        jobs.run("Opening " + selection.displayName(), (p, c) -> {
            try (Dataset ds = datasetOpener.open(selection, m, p, c)) {
                return new DataInfo(selection, ds.size(), ds.classNames().size());
            }
        }, info -> {
            data.set(selection);
            dataText.set(info.describe());
            clearEvaluation();
            statusText.set("Data ready: " + info.describe());
            if (evaluateAfterwards) {
                evaluate();
            }
        }, "Cannot open data");
    }

    /**
     * Whether image folders opened from now on skip unreadable files (with a message naming them after the
     * evaluation) instead of stopping at the first; off by default.
     */
    public BooleanProperty skipBadFilesProperty() {
        return skipBadFiles;
    }

    /** Runs the FP32 evaluation of the open model on the selected data. */
    public void evaluate() {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        if (model == null || data.get() == null) {
            messageHandler.accept(new UserMessage("Nothing to evaluate",
                    model == null ? "Open a model first." : "Choose test data first: File > Open data…"));
            return;
        }
        OnnxModel m = model;
        DataSelection selection = data.get();
        jobs.run("Evaluating FP32 accuracy", (p, c) -> {
            p.onProgress(0, 0, "Opening " + selection.displayName());
            try (Dataset ds = datasetOpener.open(selection, m, p, c);
                 InferenceSession session = InferenceSession.open(m, SessionSettings.DEFAULT.forEvaluation())) {
                return Evaluator.evaluate(session, ds, EvaluationSettings.DEFAULT, p, c);
            }
        }, result -> {
            if (m == model) {
                applyEvaluation(result);
                reportSkippedFiles(result);
            }
        }, "Evaluation failed");
    }

    private void reportSkippedFiles(EvaluationResult result) {
        String count = result.provenance().settings().get("skippedFiles");
        if (count == null) {
            return;
        }
        String[] files = result.provenance().settings().getOrDefault("skippedFileList", "").split("\n");
        StringBuilder text = new StringBuilder(count + " image file(s) could not be read and were left out of the "
                + "evaluation; the accuracy is over the other " + String.format("%,d", result.samples())
                + " images, whose labels are unchanged:\n");
        for (int i = 0; i < Math.min(files.length, 10); i++) {
            text.append("\n").append(files[i]);
        }
        if (files.length > 10) {
            text.append("\n… and ").append(files.length - 10)
                    .append(" more (all are listed in the result's provenance)");
        }
        messageHandler.accept(new UserMessage("Unreadable images skipped", text.toString()));
    }

    /** Cancels the running job, if any; its results are discarded and what was open stays open. */
    public void cancel() {
        jobs.cancel();
    }

    /**
     * Shows an FP32 evaluation of the open model on the selected data that another view model computed (a simulation
     * evaluates FP32 too when no evaluation is there yet).
     *
     * @param result the FP32 result; ignored when no data is selected
     */
    public void acceptEvaluation(EvaluationResult result) {
        if (model != null && data.get() != null) {
            applyEvaluation(result);
        }
    }

    /**
     * Shows a message to the user through the window's message handler (for view models that share this window).
     *
     * @param message the message
     */
    public void showMessage(UserMessage message) {
        messageHandler.accept(message);
    }

    /** The job tracker shared by every view model of the window, so only one job runs at a time. */
    public JobTracker jobs() {
        return jobs;
    }

    /** Text of the About dialog: version and runtime. */
    public String aboutText() {
        return "QuantScope " + Version.version() + "\n\nShows why a neural network loses accuracy when it is "
                + "quantized.\n\n" + Version.runtime() + "\nLicensed under the Apache License, Version 2.0.";
    }

    private void applyModel(OnnxModel m) {
        model = m;
        selectedLayer.set(null);
        clearEvaluation();
        ModelSummary s = ModelSummary.of(m);
        layers.setAll(s.rows());
        summary.set(s);
        title.set("QuantScope — " + s.fileName());
        modelPathText.set(m.path().toAbsolutePath().toString());
        shaText.set("SHA-256 " + m.sha256().substring(0, 12) + "…");
        modelHolder.set(m);
        statusText.set("Opened " + s.fileName() + (!s.limits().isEmpty() ? " — " + s.limits()
                : m.warnings().isEmpty() ? "" : " — " + org.quantscope.core.SettingNames.plainText(m.warnings().get(0))));
    }

    private void applyEvaluation(EvaluationResult r) {
        fp32Result.set(r);
        accuracyText.set(String.format(Locale.ROOT, "%.2f %%", r.accuracy() * 100));
        accuracyDetail.set(String.format(Locale.ROOT, "%,d samples · %.1f s", r.samples(), r.seconds()));
        double[] per = r.perClassAccuracy();
        ClassAccuracy[] bars = new ClassAccuracy[per.length];
        for (int k = 0; k < per.length; k++) {
            int n = r.classCounts()[k];
            bars[k] = new ClassAccuracy(r.classNames().get(k), n == 0 ? 0 : per[k] * 100, r.confusion()[k][k], n);
        }
        classAccuracies.setAll(bars);
        throughputText.set(String.format(Locale.ROOT, "%,.0f images/s", r.imagesPerSecond()));
        statusText.set(String.format(Locale.ROOT, "FP32 accuracy %.2f %% on %,d samples of %s", r.accuracy() * 100,
                r.samples(), data.get().displayName()));
    }

    private void clearEvaluation() {
        fp32Result.set(null);
        accuracyText.set(NO_VALUE);
        accuracyDetail.set("not evaluated yet");
        classAccuracies.clear();
        throughputText.set("");
    }

    /** The demo assets and the loaded demo model. */
    private record DemoLoad(DemoAssets assets, OnnxModel model) {
    }

    // ---- properties for the view ----

    /** The open model's summary (tiles, layer table header), or {@code null} before any model is open. */
    public ReadOnlyObjectProperty<ModelSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The open model, or {@code null}; changes whenever another model is opened. */
    public ReadOnlyObjectProperty<OnnxModel> modelProperty() {
        return modelHolder.getReadOnlyProperty();
    }

    /** The FP32 evaluation of the open model on the selected data, or {@code null} before evaluation. */
    public ReadOnlyObjectProperty<EvaluationResult> fp32ResultProperty() {
        return fp32Result.getReadOnlyProperty();
    }

    /** The demo's calibration pool while the demo model is open, else {@code null}. */
    public ReadOnlyObjectProperty<DataSelection> demoCalibrationProperty() {
        return demoCalibration.getReadOnlyProperty();
    }

    /** Name of the layer selected in a layer list (shared by every panel), or {@code null}. */
    public StringProperty selectedLayerProperty() {
        return selectedLayer;
    }

    /** Window title. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** FP32 accuracy, e.g. {@code 91.23 %}, or {@link #NO_VALUE} before evaluation. */
    public ReadOnlyStringProperty accuracyTextProperty() {
        return accuracyText.getReadOnlyProperty();
    }

    /** Sample count and time of the evaluation. */
    public ReadOnlyStringProperty accuracyDetailProperty() {
        return accuracyDetail.getReadOnlyProperty();
    }

    /** The selected data with sample and class counts. */
    public ReadOnlyStringProperty dataTextProperty() {
        return dataText.getReadOnlyProperty();
    }

    /** The selected data, or {@code null}. */
    public ReadOnlyObjectProperty<DataSelection> dataProperty() {
        return data.getReadOnlyProperty();
    }

    /** The latest status line. */
    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    /** Absolute path of the open model. */
    public ReadOnlyStringProperty modelPathTextProperty() {
        return modelPathText.getReadOnlyProperty();
    }

    /** Prefix of the model's SHA-256, e.g. {@code SHA-256 3f2a9c1d08e4…}. */
    public ReadOnlyStringProperty shaTextProperty() {
        return shaText.getReadOnlyProperty();
    }

    /** Evaluation throughput, e.g. {@code 8,123 images/s}, empty before evaluation. */
    public ReadOnlyStringProperty throughputTextProperty() {
        return throughputText.getReadOnlyProperty();
    }

    /** Progress of the running job in [0, 1], -1 when indeterminate, 0 when idle. */
    public ReadOnlyDoubleProperty progressProperty() {
        return jobs.progress.getReadOnlyProperty();
    }

    /** What the running job is doing. */
    public ReadOnlyStringProperty progressMessageProperty() {
        return jobs.progressMessage.getReadOnlyProperty();
    }

    /** Whether a job is running (opening actions are refused and Cancel is available). */
    public ReadOnlyBooleanProperty busyProperty() {
        return jobs.busy.getReadOnlyProperty();
    }

    /** Whether Evaluate can run now. */
    public BooleanBinding canEvaluateBinding() {
        return canEvaluate;
    }

    /** Layers of the open model. */
    public ObservableList<LayerRow> layers() {
        return layersView;
    }

    /** Per-class FP32 accuracy of the last evaluation; empty before evaluation. */
    public ObservableList<ClassAccuracy> classAccuracies() {
        return classAccuraciesView;
    }

    /** Recently opened models, newest first. */
    public ObservableList<Path> recentModels() {
        return recentModelsView;
    }
}
