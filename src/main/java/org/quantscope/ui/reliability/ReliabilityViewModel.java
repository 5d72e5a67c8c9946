package org.quantscope.ui.reliability;

import javafx.application.Platform;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.Configuration;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityExperiment;
import org.quantscope.core.reliability.ReliabilityReading;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.reliability.TrialResult;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.PtqPipeline;
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
        main.modelProperty().addListener((o, was, m) -> show(null));
    }

    /** Runs the trials of the last simulation's configuration. */
    public void runTrials() {
        if (jobs.refuseWhileBusy()) {
            return;
        }
        SimulationResult sim = quantization.simulationProperty().get();
        OnnxModel model = main.modelProperty().get();
        DataSelection test = main.dataProperty().get();
        if (sim == null || model == null || test == null) {
            messages.accept(new UserMessage("Nothing to examine", "Press Simulate on the Quantization tab first: the "
                    + "trials repeat the last simulation's calibration with other seeds."));
            return;
        }
        QuantizedModel qm = sim.model();
        CalibrationSettings cal = qm.calibration();
        ReliabilitySettings settings;
        try {
            settings = new ReliabilitySettings(trials.get(), cal.seed(), cal.sampling(), cal.batchSize(),
                    Perturbation.NONE, List.of(Condition.baseline(cal.size())),
                    Math.max(1, Runtime.getRuntime().availableProcessors()));
        } catch (InputException e) {
            messages.accept(new UserMessage("Check the trial settings", e.getMessage()));
            return;
        }
        Configuration config = new Configuration(sim.model().settings().preset().equals("custom")
                ? label(qm) : label(qm) + " " + qm.settings().preset(), qm.settings(), PtqPipeline.Fixes.NONE);
        DataSelection pool = quantization.resultPool();
        int id = ++run;
        SessionSettings session = new SessionSettings(Math.max(1, Runtime.getRuntime().availableProcessors()
                / settings.parallel()), true);
        jobs.run("Reliability trials", (p, c) -> {
            try (Dataset testData = testOpener.open(test, model, p, c);
                 Dataset poolData = pool == null ? testOpener.open(test, model, p, c)
                         : poolOpener.open(pool, model, p, c)) {
                ReliabilityExperiment exp = ReliabilityExperiment.prepare(model, testData, poolData, List.of(config),
                        settings, EvaluationSettings.DEFAULT, session, p, c);
                ReliabilityResult[] live = {exp.empty()};
                Platform.runLater(() -> accept(id, live[0]));
                return exp.run(t -> {
                    synchronized (live) {
                        live[0] = live[0].withTrials(List.of(t), false, settings.trials());
                        ReliabilityResult now = live[0];
                        Platform.runLater(() -> accept(id, now));
                    }
                }, p, c);
            }
        }, r -> {
            accept(id, r);
            jobs.setStatus(r.complete() ? "Reliability: " + r.trials().size() + " trials done"
                    : "Reliability cancelled: " + r.trials().size() + " finished trials kept");
        }, "Reliability trials failed");
    }

    private static String label(QuantizedModel qm) {
        return String.format(Locale.ROOT, "W%dA%d %s", qm.settings().weightBits(), qm.settings().activationBits(),
                qm.settings().weightGranularity().name().toLowerCase(Locale.ROOT).replace('_', '-'));
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
        ConditionSummary s = r.summary(0, 0);
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
