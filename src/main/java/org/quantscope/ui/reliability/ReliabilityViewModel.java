package org.quantscope.ui.reliability;

import org.quantscope.core.workflow.ReliabilityWorkflow;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.Configuration;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityExperiment;
import org.quantscope.core.reliability.ReliabilityReading;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.DatasetOpener;
import org.quantscope.ui.main.JobTracker;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.quantize.QuantizationViewModel;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * State and action of the Reliability tab: Run starts reliability trials of the last simulation's configuration
 * (its settings, calibration size, sampling and seed as the first seed; one tracked job, Cancel keeps the finished
 * trials), and every finished trial updates {@link #resultProperty()} at once, so the box plot grows live.
 */
public final class ReliabilityViewModel {

    private final MainViewModel main;
    private final QuantizationViewModel quantization;
    private final JobTracker jobs;
    private final DatasetOpener testOpener;
    private final CalibrationPoolOpener poolOpener;
    private final Consumer<UserMessage> messages;
    private final IntegerProperty trials = new SimpleIntegerProperty(ReliabilitySettings.DEFAULT_TRIALS);
    private final ReadOnlyObjectWrapper<ReliabilityResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper worst = new ReadOnlyStringWrapper("—");
    private final ReadOnlyStringWrapper worstDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper progressText = new ReadOnlyStringWrapper("—");
    private final ReadOnlyStringWrapper reading = new ReadOnlyStringWrapper(
            "Simulate on the Quantization tab, then press Run trials.");
    private int run;
    private final ObjectProperty<Perturbation> perturbation = new SimpleObjectProperty<>(Perturbation.NONE);
    private final IntegerProperty condition = new SimpleIntegerProperty(0);
    private final ObservableList<String> conditionLabels = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Configuration> pinned = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper pinnedText = new ReadOnlyStringWrapper("");

    /**
     * @param main         the window's view model
     * @param quantization the quantization tab (its last simulation is the subject)
     * @param testOpener   opens the test data
     * @param poolOpener   opens the calibration pool
     * @param messages     receives messages for the user
     */
    public ReliabilityViewModel(MainViewModel main, QuantizationViewModel quantization, DatasetOpener testOpener,
                                CalibrationPoolOpener poolOpener, Consumer<UserMessage> messages) {
        this.main = main;
        this.quantization = quantization;
        this.jobs = main.jobs();
        this.testOpener = testOpener;
        this.poolOpener = poolOpener;
        this.messages = messages;
        main.modelProperty().addListener((o, was, m) -> {
            unpin();
            last = null;
            show(null);
        });
        main.dataProperty().addListener((o, was, d) -> { // results and Continue belong to the data they ran on
            last = null;
            show(null);
        });
        condition.addListener((o, was, c) -> show(result.get()));
    }

    /**
     * Keeps the last simulation's configuration (settings and fixes) as the one to compare with: the next runs put
     * its boxes beside the then current configuration's, class by class.
     */
    public void pin() {
        Configuration c = current();
        if (c == null) {
            messages.accept(new UserMessage("Nothing to pin", "Press Simulate on the Quantization tab first."));
            return;
        }
        pinned.set(c);
        pinnedText.set("comparing with " + c.label());
    }

    /** Stops comparing. */
    public void unpin() {
        pinned.set(null);
        pinnedText.set("");
    }

    /** The last simulation as a configuration (its settings and post-training fixes), or null. */
    private Configuration current() {
        SimulationResult sim = quantization.simulationProperty().get();
        if (sim == null) {
            return null;
        }
        String name = quantization.resultName();
        return new Configuration(name.isEmpty() ? org.quantscope.core.config.QuantConfig.of(sim.model().settings(),
                quantization.resultFixes()).label() : name, sim.model().settings(), quantization.resultFixes());
    }

    /**
     * The conditions of a perturbation, with the command line's defaults: sizes 1, 32, 256, 1,024 (those the pool
     * holds); noise shares 0, 0.1, 0.5; half of the draw from class 0; range metrics min-max, MSE, cosine, KL.
     */
    static List<Condition> conditions(Perturbation p, int size, int poolSize, List<String> classNames) {
        return ReliabilityWorkflow.defaultConditions(p, size, poolSize, classNames);
    }

    /** Runs the trials of the last simulation's configuration. */
    public java.util.concurrent.CompletionStage<ReliabilityResult> runTrials() {
        if (jobs.refuseWhileBusy()) {
            return JobTracker.notStarted("busy");
        }
        SimulationResult sim = quantization.simulationProperty().get();
        OnnxModel model = main.modelProperty().get();
        DataSelection test = main.dataProperty().get();
        if (sim == null || model == null || test == null) {
            messages.accept(new UserMessage("Nothing to examine", "Press Simulate on the Quantization tab first: the "
                    + "trials repeat the last simulation's calibration with other seeds."));
            return JobTracker.notStarted("Nothing to examine");
        }
        Configuration config = current();
        Configuration other = pinned.get();
        List<Configuration> configs = other == null || other.equals(config) ? List.of(config)
                : List.of(other, config);
        Perturbation pert = perturbation.get() == null ? Perturbation.NONE : perturbation.get();
        Experiment e = new Experiment(model, test, quantization.resultPool(), configs, sim.model().calibration(),
                pert);
        return start(e, null, trials.get());
    }

    /**
     * Runs more seeds of the shown experiment (same configurations, perturbation, data and first seed): a cancelled
     * run's missing trials first, then {@link #trialsProperty()} new seeds; the result equals one longer run.
     */
    public void continueTrials() {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        ReliabilityResult r = result.get();
        if (r == null || last == null || last.model() != main.modelProperty().get()
                || last.test() != main.dataProperty().get()) {
            messages.accept(new UserMessage("Nothing to continue", "Run trials first; Continue adds seeds to them."));
            return;
        }
        start(last, r, r.settings().trials() + trials.get());
    }

    /** What one experiment of the tab is made of (kept so Continue repeats it exactly). */
    private record Experiment(OnnxModel model, DataSelection test, DataSelection pool, List<Configuration> configs,
                              CalibrationSettings calibration, Perturbation perturbation) {
    }

    private Experiment last;

    private java.util.concurrent.CompletionStage<ReliabilityResult> start(Experiment e, ReliabilityResult previous,
                                                                          int total) {
        last = e;
        CalibrationSettings cal = e.calibration();
        int id = ++run;
        int parallel = Math.max(1, Runtime.getRuntime().availableProcessors());
        SessionSettings session = new SessionSettings(1, true);
        return jobs.run(previous == null ? "Reliability trials" : "More reliability trials", (p, c) -> {
            try (Dataset testData = testOpener.open(e.test(), e.model(), p, c);
                 Dataset poolData = e.pool() == null ? testOpener.open(e.test(), e.model(), p, c)
                         : poolOpener.open(e.pool(), e.model(), p, c)) {
                ReliabilitySettings settings = new ReliabilitySettings(total, cal.seed(), cal.sampling(),
                        cal.batchSize(), e.perturbation(), conditions(e.perturbation(), cal.size(), poolData.size(),
                        poolData.classNames()), parallel);
                return ReliabilityWorkflow.run(e.model(), testData, poolData, e.configs(), settings,
                        EvaluationSettings.DEFAULT, session, ReliabilityExperiment.DEFAULT_CACHE_BYTES, previous, total,
                        now -> jobs.publish(() -> accept(id, now)), p, c);
            }
        }, r -> {
            accept(id, r);
            jobs.setStatus(r.complete() ? "Reliability: " + r.trials().size() + " trials done"
                    : "Reliability cancelled: " + r.trials().size() + " finished trials kept");
        }, "Reliability trials failed");
    }

    private void accept(int id, ReliabilityResult r) {
        if (id != run || r == null) {
            return;
        }
        ReliabilityResult had = result.get();
        if (had != null && had.provenance() == r.provenance() && had.trials().size() > r.trials().size()) {
            return; // a late update behind a newer one
        }
        show(r);
    }

    private void show(ReliabilityResult r) {
        result.set(r);
        if (r == null) {
            worst.set("—");
            worstDetail.set("");
            progressText.set("—");
            reading.set("Simulate on the Quantization tab, then press Run trials.");
            return;
        }
        List<String> labels = r.conditions().stream().map(Condition::label).toList();
        if (!labels.equals(conditionLabels)) {
            conditionLabels.setAll(labels);
        }
        int cond = Math.max(0, Math.min(condition.get(), labels.size() - 1));
        if (cond != condition.get()) {
            condition.set(cond); // its listener shows the result again with this index
            return;
        }
        int cfg = r.configurations().size() - 1; // the current configuration (after a pinned one)
        ConditionSummary s = r.summary(cfg, cond);
        progressText.set(s.trials() + " / " + r.settings().trials());
        if (s.worstClass() < 0) {
            worst.set("—");
            worstDetail.set("waiting for the first trial");
        } else {
            var b = s.perClass().get(s.worstClass());
            worst.set(r.classNames().get(s.worstClass()));
            worstDetail.set(String.format(Locale.ROOT, "median drop %.2f pts, max %.2f pts (FP32 %.1f %%)",
                    b.median(), b.max(), 100 * r.fp32PerClass()[s.worstClass()]));
        }
        reading.set(ReliabilityReading.of(s, r.classNames(), r.fp32PerClass()));
    }

    /** The perturbation of the next run ({@link Perturbation#NONE}: the calibration draw as simulated). */
    public ObjectProperty<Perturbation> perturbationProperty() {
        return perturbation;
    }

    /** Which condition of the result the chart and the reading show. */
    public IntegerProperty conditionProperty() {
        return condition;
    }

    /** Labels of the result's conditions. */
    public ObservableList<String> conditionLabels() {
        return conditionLabels;
    }

    /** The configuration pinned for comparison, or null. */
    public ReadOnlyObjectProperty<Configuration> pinnedProperty() {
        return pinned.getReadOnlyProperty();
    }

    /** e.g. {@code comparing with W8A8 per-tensor}, or empty. */
    public ReadOnlyStringProperty pinnedTextProperty() {
        return pinnedText.getReadOnlyProperty();
    }

    /** Trials per run. */
    public IntegerProperty trialsProperty() {
        return trials;
    }

    /** The trials so far (updated after every finished trial), or null. */
    public ReadOnlyObjectProperty<ReliabilityResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** The worst class's name. */
    public ReadOnlyStringProperty worstProperty() {
        return worst.getReadOnlyProperty();
    }

    /** Its median and largest drop. */
    public ReadOnlyStringProperty worstDetailProperty() {
        return worstDetail.getReadOnlyProperty();
    }

    /** Finished / requested trials. */
    public ReadOnlyStringProperty progressTextProperty() {
        return progressText.getReadOnlyProperty();
    }

    /** The plain-language reading. */
    public ReadOnlyStringProperty readingProperty() {
        return reading.getReadOnlyProperty();
    }

    /** The window's job tracker (busy state, cancel). */
    public JobTracker jobs() {
        return jobs;
    }
}
