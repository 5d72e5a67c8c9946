package org.quantscope.core.workflow;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.Configuration;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityExperiment;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.reliability.TrialListener;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.List;

/**
 * Reliability trials (Yuan et al.): per-class accuracy drop over calibration seeds, written once. The default levels
 * of each perturbation, the check that an earlier result belongs to the same experiment (before any calibration),
 * and the run itself; what {@code quantscope reliability} and the window's Reliability tab run.
 */
public final class ReliabilityWorkflow {

    /** Calibration sizes of the size perturbation by default (those the pool holds). */
    public static final List<Integer> DEFAULT_SIZES = List.of(1, 32, 256, 1024);
    /** Shares of noise images of the noise perturbation by default. */
    public static final List<Double> DEFAULT_NOISE_SHARES = List.of(0.0, 0.1, 0.5);
    /** Share of the draw from the skewed class of the imbalance perturbation by default. */
    public static final double DEFAULT_IMBALANCE_SHARE = 0.5;
    /** Activation range methods of the metric perturbation by default. */
    public static final List<String> DEFAULT_METRICS = List.of("minmax", "mse", "cosine", "kl");

    private ReliabilityWorkflow() {
    }

    /**
     * The conditions of a perturbation at its default levels.
     *
     * @param p          the perturbation
     * @param size       the configuration's calibration size (every condition but the size perturbation's)
     * @param poolSize   samples in the calibration pool (sizes above it are left out)
     * @param classNames the pool's classes (the imbalance perturbation skews the first)
     * @return the conditions
     */
    public static List<Condition> defaultConditions(Perturbation p, int size, int poolSize, List<String> classNames) {
        return switch (p) {
            case NONE -> List.of(Condition.baseline(size));
            case SIZE -> Perturbation.sizes(DEFAULT_SIZES.stream().filter(n -> n <= poolSize).toList());
            case NOISE -> Perturbation.noise(size, DEFAULT_NOISE_SHARES);
            case IMBALANCE -> Perturbation.imbalance(size, List.of(0), classNames, DEFAULT_IMBALANCE_SHARE);
            case METRIC -> Perturbation.metrics(size, DEFAULT_METRICS);
        };
    }

    /**
     * Refuses to continue an earlier result of another experiment: any difference in a configuration or a trial
     * setting that changes a number, each named. Cheap (no model run), so callers check before any work.
     *
     * @param configs  this run's configurations
     * @param settings this run's trial settings
     * @param pool     this run's calibration pool
     * @param eval     this run's evaluation settings
     * @param previous the earlier result, or null (nothing to check)
     * @throws InputException naming every difference
     */
    public static void checkContinues(List<Configuration> configs, ReliabilitySettings settings, Dataset pool,
                                      EvaluationSettings eval, ReliabilityResult previous) {
        if (previous == null) {
            return;
        }
        List<String> diff = ReliabilityExperiment.differences(ReliabilityExperiment.experimentKey(configs, settings,
                pool.description(), eval.limit()), previous.experimentKey());
        if (!diff.isEmpty()) {
            throw new InputException("the earlier result comes from another experiment; it differs in "
                    + String.join(", ", diff) + ". Continue with the same settings, or start a new experiment.");
        }
    }

    /**
     * Runs the trials: {@code total} per configuration and condition, after {@code previous}'s when continuing.
     *
     * @param model      the model as loaded
     * @param test       labelled test data
     * @param pool       calibration pool
     * @param configs    one configuration, or two to compare
     * @param settings   trial settings (seeds, conditions, parallel trials)
     * @param eval       evaluation batch size and limit
     * @param session    ONNX Runtime settings per trial
     * @param cacheBytes activation cache budget ({@link ReliabilityExperiment#prepare})
     * @param previous   an earlier result of the same experiment to continue, or null
     * @param total      trials wanted per configuration and condition in the end
     * @param listener   receives the result so far, first without new trials, then after every trial
     * @param progress   progress
     * @param cancel     cancellation; finished trials are kept and returned
     * @return the trials ({@link ReliabilityResult#complete()} false when cancelled)
     * @throws InputException when {@code previous} comes from another experiment, before any calibration
     */
    public static ReliabilityResult run(OnnxModel model, Dataset test, Dataset pool, List<Configuration> configs,
                                        ReliabilitySettings settings, EvaluationSettings eval, SessionSettings session,
                                        long cacheBytes, ReliabilityResult previous, int total,
                                        java.util.function.Consumer<ReliabilityResult> listener,
                                        ProgressListener progress, CancellationToken cancel) {
        checkContinues(configs, settings, pool, eval, previous);
        ReliabilityExperiment exp = ReliabilityExperiment.prepare(model, test, pool, configs, settings, eval, session,
                cacheBytes, progress, cancel);
        ReliabilityResult start = previous != null ? previous : exp.empty();
        ReliabilityResult[] live = {start};
        listener.accept(start);
        TrialListener each = t -> {
            ReliabilityResult now;
            synchronized (live) {
                live[0] = live[0].withTrials(List.of(t), false, total);
                now = live[0];
            }
            listener.accept(now);
        };
        return exp.extend(start, total, each, progress, cancel);
    }
}
