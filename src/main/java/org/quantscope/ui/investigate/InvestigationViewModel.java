package org.quantscope.ui.investigate;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import org.quantscope.core.InputException;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.investigate.Investigation;
import org.quantscope.core.investigate.InvestigationJson;
import org.quantscope.core.investigate.InvestigationSettings;
import org.quantscope.core.investigate.InvestigationSetup;
import org.quantscope.core.investigate.Investigator;
import org.quantscope.core.investigate.Lock;
import org.quantscope.core.investigate.Measurement;
import org.quantscope.core.investigate.Step;
import org.quantscope.core.investigate.StepStatus;
import org.quantscope.core.investigate.Targets;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.Configuration;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityExperiment;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.core.workflow.ReliabilityWorkflow;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.DatasetOpener;
import org.quantscope.ui.main.JobTracker;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.quantize.QuantizationViewModel;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * State and actions of the Investigation tab: the guided walk through the debugging flowchart. Start begins at the
 * Quantization tab's settings; Next takes the next step with its recommended action (one job); the last step can be
 * re-decided (another measured remedy, or Skip) and Back drops it. After a step that changed the configuration, trials
 * over calibration seeds of the configuration before and after it run (the live box plots). Every step and
 * decision goes through {@link Investigator}, the one implementation the command line uses too.
 */
public final class InvestigationViewModel {

    private final MainViewModel main;
    private final QuantizationViewModel quantization;
    private final JobTracker jobs;
    private final DatasetOpener testOpener;
    private final CalibrationPoolOpener poolOpener;
    private final Consumer<UserMessage> messages;
    private final ReadOnlyObjectWrapper<Investigation> investigation = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ReliabilityResult> trials = new ReadOnlyObjectWrapper<>();
    private final DoubleProperty targetDrop = new SimpleDoubleProperty(Targets.DEFAULT_DROP);
    private final DoubleProperty worstClassTarget = new SimpleDoubleProperty(Double.NaN);
    private final IntegerProperty trialsPerStep = new SimpleIntegerProperty(10);
    private final BooleanProperty lockGranularity = new SimpleBooleanProperty(false);
    private final BooleanProperty lockBits = new SimpleBooleanProperty(false);
    private Open open;
    /** Bumped when the investigation is dropped (another model, data, or a new start): late results are ignored. */
    private int generation;
    /** Bumped for every comparison of trials: a newer one replaces the shown boxes. */
    private int trialRun;
    private Path autosave;

    /** The model and data an investigation runs on, kept open between its steps. */
    private record Open(OnnxModel model, DataSelection test, DataSelection pool, Dataset testData, Dataset poolData,
                        Investigator investigator) {
        void close() {
            try {
                testData.close();
            } finally {
                poolData.close();
            }
        }
    }

    /**
     * @param main         the window's view model
     * @param quantization the quantization tab (its settings are the starting point)
     * @param testOpener   opens the test data
     * @param poolOpener   opens the calibration pool
     * @param messages     receives messages for the user
     */
    public InvestigationViewModel(MainViewModel main, QuantizationViewModel quantization, DatasetOpener testOpener,
                                  CalibrationPoolOpener poolOpener, Consumer<UserMessage> messages) {
        this.main = main;
        this.quantization = quantization;
        this.jobs = main.jobs();
        this.testOpener = testOpener;
        this.poolOpener = poolOpener;
        this.messages = messages;
        main.modelProperty().addListener((o, was, m) -> reset());
        main.dataProperty().addListener((o, was, d) -> reset());
    }

    /** Where the investigation is saved after every step (null: nowhere). */
    public void setAutosave(Path file) {
        this.autosave = file;
    }

    private void reset() {
        generation++;
        trialRun++;
        investigation.set(null);
        trials.set(null);
        closeOpen();
    }

    private void closeOpen() {
        Open o = open;
        open = null;
        if (o != null) {
            jobs.runInBackground("Closing the investigation's data", (p, c) -> {
                o.close();
                return Boolean.TRUE;
            }, x -> { }, "Closing the data failed");
        }
    }

    /** Starts a new investigation at the Quantization tab's settings and takes its first step. */
    public CompletionStage<Investigation> start() {
        if (jobs.refuseWhileBusy()) {
            return JobTracker.notStarted("busy");
        }
        OnnxModel model = main.modelProperty().get();
        DataSelection test = main.dataProperty().get();
        if (model == null || test == null) {
            messages.accept(new UserMessage("Nothing to investigate", model == null ? "Open a model first."
                    : "Choose test data first: File > Open data…"));
            return JobTracker.notStarted("Nothing to investigate");
        }
        QuantConfig start;
        Targets targets;
        try {
            start = quantization.currentConfiguration();
            targets = new Targets(targetDrop.get(), worstClassTarget.get());
        } catch (InputException e) {
            messages.accept(new UserMessage("Check the settings", e.getMessage()));
            return JobTracker.notStarted("Check the settings");
        }
        EnumSet<Lock> locks = EnumSet.noneOf(Lock.class);
        if (lockGranularity.get()) {
            locks.add(Lock.GRANULARITY);
        }
        if (lockBits.get()) {
            locks.add(Lock.BITS);
        }
        InvestigationSettings settings = InvestigationSettings.DEFAULT.withTrials(trialsPerStep.get());
        reset();
        DataSelection pool = quantization.currentPool();
        Subject on = new Subject(model, test, pool);
        return step("Investigation: first step", (p, c) -> {
            Open o = opened(on, p, c);
            Investigation inv = Investigation.start(new InvestigationSetup(model.path().toString(), model.sha256(),
                    o.testData().description(), o.poolData().description(), start.withCalibration(
                    start.calibration(), o.poolData().description()), targets, locks, settings));
            return inv.with(o.investigator().next(inv, p, c));
        });
    }

    /** Takes the next step with its recommended action. */
    public CompletionStage<Investigation> next() {
        Investigation inv = investigation.get();
        Subject on = continuable(inv);
        if (on == null) {
            return JobTracker.notStarted("nothing to do");
        }
        return step("Investigation: " + inv.next().title(), (p, c) -> {
            Open o = opened(on, p, c);
            return inv.with(o.investigator().next(inv, p, c));
        });
    }

    /** Takes every remaining step with its recommended action (the steps appear as they are taken). */
    public CompletionStage<Investigation> runToEnd() {
        Investigation inv = investigation.get();
        Subject on = continuable(inv);
        if (on == null) {
            return JobTracker.notStarted("nothing to do");
        }
        int id = generation;
        return step("Investigation: to the verdict", (p, c) -> {
            Open o = opened(on, p, c);
            Investigation[] now = {inv};
            return o.investigator().run(inv, s -> {
                now[0] = now[0].with(s);
                Investigation shown = now[0];
                jobs.publish(() -> {
                    if (id == generation) {
                        investigation.set(shown);
                    }
                });
            }, p, c);
        });
    }

    /** The model and data the next step runs on. */
    private record Subject(OnnxModel model, DataSelection test, DataSelection pool) {
    }

    /** What the next step runs on, or null (with a message when the user has something to do). */
    private Subject continuable(Investigation inv) {
        if (inv == null || inv.finished() || jobs.refuseWhileBusy()) {
            return null;
        }
        OnnxModel model = main.modelProperty().get();
        DataSelection test = main.dataProperty().get();
        if (model == null || test == null) {
            messages.accept(new UserMessage("Open the data first", "The investigation goes on with test data: "
                    + "File > Open data… (it ran on " + inv.setup().data() + ")."));
            return null;
        }
        return new Subject(model, test, quantization.currentPool());
    }

    /** Keeps another measured remedy at the last step instead of the recommended one. */
    public void choose(int candidate) {
        Investigation inv = investigation.get();
        if (inv == null || inv.steps().isEmpty() || jobs.refuseWhileBusy()) {
            return;
        }
        Step last = inv.steps().get(inv.steps().size() - 1);
        if (candidate < 0 || candidate >= last.candidates().size()) {
            return;
        }
        accept(inv.replaceLast(last.choose(candidate)), true);
    }

    /** Skips the last step: the configuration and accuracy stay as before it. */
    public void skip() {
        Investigation inv = investigation.get();
        if (inv == null || inv.steps().isEmpty() || jobs.refuseWhileBusy()) {
            return;
        }
        Investigation before = inv.back(inv.steps().get(inv.steps().size() - 1).id());
        Step last = inv.steps().get(inv.steps().size() - 1);
        accept(inv.replaceLast(last.skip(before.configuration(), before.latest())), false);
    }

    /** Drops the last step: the one before it is shown again, and Next takes the dropped step again. */
    public void back() {
        Investigation inv = investigation.get();
        if (inv == null || inv.steps().size() <= 1 || jobs.refuseWhileBusy()) {
            return;
        }
        accept(inv.back(inv.steps().get(inv.steps().size() - 1).id()), false);
    }

    /**
     * Goes back to an earlier step: every step after it is dropped, so it is the last one again and can be decided
     * again (another remedy, Skip), and Next forks from there.
     *
     * @param id the step to go back to
     */
    public void backTo(org.quantscope.core.investigate.StepId id) {
        Investigation inv = investigation.get();
        if (inv == null || jobs.refuseWhileBusy() || inv.step(id).isEmpty()) {
            return;
        }
        int keep = inv.steps().indexOf(inv.step(id).get()) + 1;
        accept(new Investigation(inv.setup(), inv.steps().subList(0, keep)), false);
    }

    /** Puts the configuration after the last step into the Quantization tab and simulates it (export from there). */
    public void openInQuantization() {
        Investigation inv = investigation.get();
        if (inv == null || jobs.refuseWhileBusy()) {
            return;
        }
        quantization.useConfiguration(inv.configuration());
    }

    /**
     * Saves the investigation (File > Save investigation).
     *
     * @param file where
     */
    public void save(Path file) {
        Investigation inv = investigation.get();
        if (inv == null) {
            messages.accept(new UserMessage("Nothing to save", "Start an investigation first."));
            return;
        }
        try {
            InvestigationJson.write(inv, Map.of(), file);
            jobs.setStatus("Saved the investigation to " + file.getFileName());
        } catch (InputException e) {
            messages.accept(new UserMessage("Cannot save the investigation", e.getMessage()));
        }
    }

    /**
     * Saves the configuration after the last step (File > Save the investigation's configuration): the file
     * {@code quantscope quantize --config} reads, which reproduces the investigation's accuracy and encodings.
     *
     * @param file where
     */
    public void saveConfiguration(Path file) {
        Investigation inv = investigation.get();
        if (inv == null) {
            messages.accept(new UserMessage("Nothing to save", "Start an investigation first."));
            return;
        }
        try {
            org.quantscope.core.config.QuantConfigJson.write(inv.configuration(), file);
            jobs.setStatus("Saved the configuration " + inv.configuration().label() + " to " + file.getFileName());
        } catch (InputException e) {
            messages.accept(new UserMessage("Cannot save the configuration", e.getMessage()));
        }
    }

    /**
     * Opens a saved investigation for the open model (File > Open investigation). Its steps are shown as saved; Next
     * goes on from its last step.
     *
     * @param file the file
     */
    public void openSaved(Path file) {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        Investigation inv;
        try {
            inv = InvestigationJson.read(file);
        } catch (InputException e) {
            messages.accept(new UserMessage("Cannot open the investigation", e.getMessage()));
            return;
        }
        OnnxModel model = main.modelProperty().get();
        if (model == null || !model.sha256().equals(inv.setup().modelSha256())) {
            messages.accept(new UserMessage("Another model", "The investigation in " + file.getFileName() + " is of "
                    + inv.setup().model() + " (SHA-256 " + inv.setup().modelSha256().substring(0, 12) + "…); "
                    + (model == null ? "no model is open" : "the open model's SHA-256 is " + model.sha256()
                    .substring(0, 12) + "…") + ". Open that model first, then the investigation."));
            return;
        }
        reset();
        investigation.set(inv);
        jobs.setStatus("Opened the investigation " + file.getFileName() + " (" + inv.steps().size() + " steps)");
    }

    private CompletionStage<Investigation> step(String name, org.quantscope.ui.task.BackgroundJob<Investigation> job) {
        int id = generation;
        return jobs.run(name, job, inv -> {
            if (id == generation) {
                accept(inv, true);
            }
        }, "The investigation step failed");
    }

    private Open opened(Subject on, ProgressListener p, CancellationToken c) {
        OnnxModel model = on.model();
        DataSelection test = on.test();
        DataSelection pool = on.pool();
        Open o = open;
        if (o != null && o.model() == model && o.test() == test && o.pool() == pool) {
            return o;
        }
        if (o != null) {
            o.close();
        }
        Dataset testData = testOpener.open(test, model, p, c);
        Dataset poolData;
        try {
            poolData = pool == null ? testOpener.open(test, model, p, c) : poolOpener.open(pool, model, p, c);
        } catch (RuntimeException e) {
            testData.close();
            throw e;
        }
        Investigator investigator = new Investigator(new Investigator.Context(model, testData, poolData, null,
                EvaluationSettings.DEFAULT, SessionSettings.DEFAULT, Map.of("calibrationPool",
                (pool == null ? test : pool).data().toAbsolutePath().toString())));
        Open made = new Open(model, test, pool, testData, poolData, investigator);
        int id = generation;
        investigator.onTrials(r -> jobs.publish(() -> {
            if (id == generation) {
                trialRun++; // the reliability step's trials replace any comparison still shown
                trials.set(r);
            }
        }));
        open = made;
        return made;
    }

    private void accept(Investigation inv, boolean compare) {
        investigation.set(inv);
        if (autosave != null) {
            try {
                InvestigationJson.write(inv, Map.of(), autosave);
            } catch (InputException e) {
                jobs.setStatus("Autosave failed: " + e.getMessage());
            }
        }
        Step last = inv.steps().isEmpty() ? null : inv.steps().get(inv.steps().size() - 1);
        if (last != null && last.detail() instanceof ReliabilityResult r) {
            trials.set(r);
        } else if (compare && last != null && last.status() == StepStatus.APPLIED && trialsPerStep.get() > 0) {
            Investigation before = inv.back(last.id());
            compareTrials(before.configuration(), last.configuration(), last.id().title());
        }
    }

    /** Trials of the configuration before and after a step, side by side (the live box plots). */
    private void compareTrials(QuantConfig before, QuantConfig after, String step) {
        Open o = open;
        if (o == null) {
            return;
        }
        int id = ++trialRun;
        trials.set(null);
        CalibrationSettings cal = after.calibration();
        int total = trialsPerStep.get();
        List<Configuration> configs = List.of(new Configuration("before: " + before.label(), before.scheme(),
                before.fixes()), new Configuration("after " + step + ": " + after.label(), after.scheme(),
                after.fixes()));
        jobs.run("Trials before and after " + step, (p, c) -> {
            ReliabilitySettings settings = new ReliabilitySettings(total, cal.seed(), cal.sampling(),
                    cal.batchSize(), Perturbation.NONE, List.of(Condition.baseline(cal.size())),
                    Math.max(1, Runtime.getRuntime().availableProcessors()));
            return ReliabilityWorkflow.run(o.model(), o.testData(), o.poolData(), configs, settings,
                    EvaluationSettings.DEFAULT, new SessionSettings(1, true), ReliabilityExperiment.DEFAULT_CACHE_BYTES,
                    null, total, now -> jobs.publish(() -> {
                        if (id == trialRun) {
                            trials.set(now);
                        }
                    }), p, c);
        }, r -> {
            if (id == trialRun) {
                trials.set(r);
            }
        }, "Trials failed");
    }

    /** The investigation so far, or null. */
    public ReadOnlyObjectProperty<Investigation> investigationProperty() {
        return investigation.getReadOnlyProperty();
    }

    /** The live trials (before and after the last applied step, or the reliability step's), or null. */
    public ReadOnlyObjectProperty<ReliabilityResult> trialsProperty() {
        return trials.getReadOnlyProperty();
    }

    /** The target overall drop in points. */
    public DoubleProperty targetDropProperty() {
        return targetDrop;
    }

    /** The target worst-class drop in points (NaN: none). */
    public DoubleProperty worstClassTargetProperty() {
        return worstClassTarget;
    }

    /** Calibration seeds per comparison and in the reliability step (0: none). */
    public IntegerProperty trialsPerStepProperty() {
        return trialsPerStep;
    }

    /** Whether the hardware allows only the granularity set (no per-channel). */
    public BooleanProperty lockGranularityProperty() {
        return lockGranularity;
    }

    /** Whether the bit widths are fixed (no per-layer bits, no mixed precision). */
    public BooleanProperty lockBitsProperty() {
        return lockBits;
    }

    /** The accuracy the investigation starts from, or null. */
    public Measurement baseline() {
        Investigation inv = investigation.get();
        return inv == null ? null : inv.baseline();
    }

    /** The window's job tracker. */
    public JobTracker jobs() {
        return jobs;
    }
}
