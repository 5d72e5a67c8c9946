package org.quantscope.core.reliability;

import org.quantscope.core.InputException;
import org.quantscope.core.config.QuantConfigJson;
import org.quantscope.core.Provenance;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.transform.BiasCorrection;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs reliability trials (Yuan et al. 2023, §3): for every configuration, condition and seed, draw a calibration set
 * from the pool, calibrate, evaluate on the test data, and record the per-class accuracy against FP32.
 *
 * <p><b>What is done once.</b> FP32 predictions on the test data; per configuration, BN folding, the post-training
 * fixes that do not depend on the calibration draw (cross-layer equalization, bias absorption, analytic bias
 * correction), quantizer placement and the weight encodings ({@link PtqPipeline#prepare}). <b>Per trial</b>: the
 * draw ({@link CalibrationDraw}), the activation calibration on the prepared graph with the weight quantizers reused
 * ({@link QuantizationSimulator#recalibrate}), the simulation graph, and one evaluation. Empirical bias correction
 * (white paper eq. 27) measures the weight-quantization shift on the calibration samples, so it belongs to the
 * trial: it is recomputed on each trial's draw (on the once-prepared, equalized graph), which makes the spread of
 * its results part of what the experiment measures.
 *
 * <p><b>Memory</b> is bounded by one calibration batch and one evaluation batch per running trial plus the
 * per-class accuracies of the finished trials; predictions are not kept.
 *
 * <p><b>Order and threads.</b> {@link ReliabilitySettings#parallel()} trials run at once, each on its own thread
 * with its own ONNX Runtime session; their results do not depend on that (each trial depends only on its seed), and
 * the result lists them sorted. Trials reach the {@link TrialListener} as they finish.
 */
public final class ReliabilityExperiment {

    /**
     * A configuration prepared once: the base quantized model per-trial calibrations start from, and per activation
     * range method the cached activations trials with matching encodings start from.
     */
    private record Subject(Configuration config, QuantizedModel base, boolean bnStatistics,
                           Map<String, PrefixCache> caches) {
    }

    /** Default memory for cached test-set activations at the shared cut ({@link PrefixCache}): 256 MiB. */
    public static final long DEFAULT_CACHE_BYTES = 256L << 20;

    private final OnnxModel model;
    private final Dataset test;
    private final Dataset pool;
    private final ReliabilitySettings settings;
    private final EvaluationSettings eval;
    private final SessionSettings session;
    private final EvaluationResult fp32;
    private final List<Subject> subjects;
    private final NoiseModel noise;
    /** Provenance key of the complete configuration (with a {@code configurationN.} prefix for several). */
    public static final String CONFIGURATION = org.quantscope.core.config.QuantConfig.PROVENANCE_KEY;

    private final Provenance provenance;
    private final TrialRunner.StageTimes times = new TrialRunner.StageTimes();
    private final java.util.concurrent.atomic.AtomicInteger cachedTrials = new java.util.concurrent.atomic.AtomicInteger();

    private ReliabilityExperiment(OnnxModel model, Dataset test, Dataset pool, ReliabilitySettings settings,
                                  EvaluationSettings eval, SessionSettings session, EvaluationResult fp32,
                                  List<Subject> subjects, NoiseModel noise, Provenance provenance) {
        this.model = model;
        this.test = test;
        this.pool = pool;
        this.settings = settings;
        this.eval = eval;
        this.session = session;
        this.fp32 = fp32;
        this.subjects = subjects;
        this.noise = noise;
        this.provenance = provenance;
    }

    /**
     * Prepares an experiment: checks the conditions against the pool, evaluates FP32 once and prepares every
     * configuration once.
     *
     * @param model          the model as loaded
     * @param test           labelled test data
     * @param pool           calibration pool (labels needed for the imbalance perturbation)
     * @param configurations one configuration, or two to compare
     * @param settings       trials and conditions
     * @param eval           evaluation batch size and limit
     * @param session        ONNX Runtime settings of each trial's sessions
     * @param progress       progress of the preparation
     * @param cancel         cancellation
     * @return the experiment, ready to run
     */
    public static ReliabilityExperiment prepare(OnnxModel model, Dataset test, Dataset pool,
                                                List<Configuration> configurations, ReliabilitySettings settings,
                                                EvaluationSettings eval, SessionSettings session,
                                                ProgressListener progress, CancellationToken cancel) {
        return prepare(model, test, pool, configurations, settings, eval, session, DEFAULT_CACHE_BYTES, progress,
                cancel);
    }

    /**
     * Like {@link #prepare(OnnxModel, Dataset, Dataset, List, ReliabilitySettings, EvaluationSettings,
     * SessionSettings, ProgressListener, CancellationToken)}, with the memory allowed for test-set activations cached
     * at the cut the trials share (0: every trial runs the whole graph). The cache changes the time, not the
     * results (beyond float summation order inside ONNX Runtime, see {@link PrefixCache}).
     *
     * @param model          the model as loaded
     * @param test           labelled test data
     * @param pool           calibration pool
     * @param configurations one or two configurations
     * @param settings       trials and conditions
     * @param eval           evaluation batch size and limit
     * @param session        ONNX Runtime settings
     * @param cacheBytes     memory for cached activations, at most a quarter of the heap is used
     * @param progress       progress of the preparation
     * @param cancel         cancellation
     * @return the experiment
     */
    public static ReliabilityExperiment prepare(OnnxModel model, Dataset test, Dataset pool,
                                                List<Configuration> configurations, ReliabilitySettings settings,
                                                EvaluationSettings eval, SessionSettings session, long cacheBytes,
                                                ProgressListener progress, CancellationToken cancel) {
        if (configurations.isEmpty() || configurations.size() > 2) {
            throw new InputException("a reliability experiment takes one configuration, or two to compare; got "
                    + configurations.size());
        }
        boolean needsNoise = false;
        for (Condition c : settings.conditions()) {
            if (c.calibSize() > pool.size()) {
                throw new InputException("calibration size " + c.calibSize() + " (condition '" + c.label()
                        + "') is larger than the " + pool.size() + " samples of " + pool.sourceName()
                        + "; choose sizes of at most " + pool.size() + ", or a larger calibration pool");
            }
            if (c.imbalanced() && c.imbalanceClass() >= Math.max(pool.classNames().size(), 1)) {
                throw new InputException("@{imbalanceClass} " + c.imbalanceClass() + ": " + pool.sourceName()
                        + " has classes 0.." + (pool.classNames().size() - 1));
            }
            if (c.activationRange() != null) {
                configurations.forEach(k -> k.settings().withRanges(k.settings().weightRange(), c.activationRange()));
            }
            needsNoise |= c.noiseShare() > 0;
        }
        Dataset safeTest = new LockedDataset(test);
        Dataset safePool = new LockedDataset(pool);
        NoiseModel noise = needsNoise ? NoiseModel.of(safePool, cancel) : null;
        EvaluationResult fp32;
        try (InferenceSession s = InferenceSession.open(model, session.forEvaluation())) {
            fp32 = Evaluator.evaluate(s, safeTest, eval, stage(progress, "FP32: evaluating"), cancel);
        }
        List<Subject> subjects = new ArrayList<>();
        int setupSize = settings.conditions().get(0).calibSize();
        CalibrationSettings setup = new CalibrationSettings(setupSize, settings.seed(0), settings.sampling(),
                settings.calibBatch());
        for (Configuration k : configurations) {
            PtqPipeline.Fixes f = k.fixes();
            PtqPipeline.Fixes once = k.empiricalBiasCorrection()
                    ? new PtqPipeline.Fixes(f.cle(), f.biasAbsorption(), null, null, f.relu6()) : f;
            QuantizedModel base = PtqPipeline.prepare(model, safePool, k.settings(), setup, session, once,
                    stage(progress, "Preparing " + k.label()), cancel);
            Map<String, PrefixCache> caches = new LinkedHashMap<>();
            if (!k.empiricalBiasCorrection()) {
                for (Map.Entry<String, Condition> e : probeConditions(k, settings).entrySet()) {
                    // one budget for every configuration's caches together (issue 14)
                    long left = Math.min(cacheBytes, org.quantscope.core.util.MemoryBudget.captureBytes())
                            - caches.values().stream().mapToLong(PrefixCache::bytes).sum()
                            - subjects.stream().flatMap(x -> x.caches().values().stream())
                            .mapToLong(PrefixCache::bytes).sum();
                    if (left <= 0) {
                        break;
                    }
                    progress.onProgress(0, 0, "Caching shared activations (" + k.label() + ", " + e.getKey() + ")");
                    QuantizedModel[] probes = new QuantizedModel[2];
                    for (int i = 0; i < 2; i++) {
                        long seed = settings.seed(i);
                        probes[i] = QuantizationSimulator.recalibrate(base, null, e.getKey(), CalibrationDraw.of(
                                safePool, e.getValue(), settings.sampling(), seed, noise), new CalibrationSettings(
                                e.getValue().calibSize(), seed, settings.sampling(), settings.calibBatch()),
                                !f.any(), session, ProgressListener.NONE, cancel);
                    }
                    PrefixCache.build(probes[0], probes[1], safeTest, eval.limit(), left, eval.batchSize(),
                            session, cancel).ifPresent(c -> caches.put(e.getKey(), c));
                }
            }
            subjects.add(new Subject(k, base, !f.any(), caches));
        }
        return new ReliabilityExperiment(model, safeTest, safePool, settings, eval, session, fp32, subjects, noise,
                provenance(model, test, pool, configurations, settings, eval));
    }

    /**
     * Per activation range method the configuration's conditions use, the condition probe calibrations for the
     * activation cache are drawn like: the largest calibration size (the most stable ranges), the first such.
     */
    private static Map<String, Condition> probeConditions(Configuration k, ReliabilitySettings settings) {
        Map<String, Condition> m = new LinkedHashMap<>();
        for (Condition c : settings.conditions()) {
            String range = c.activationRange() != null ? c.activationRange() : k.settings().activationRange();
            Condition had = m.get(range);
            if (had == null || c.calibSize() > had.calibSize()) {
                m.put(range, c);
            }
        }
        return m;
    }

    /** How many trials of this experiment ran from cached activations so far. */
    public int cachedTrials() {
        return cachedTrials.get();
    }

    /** The FP32 evaluation every trial is compared with. */
    public EvaluationResult fp32() {
        return fp32;
    }

    /** The settings. */
    public ReliabilitySettings settings() {
        return settings;
    }

    /** A result without trials yet, for a run to fill (and for a listener to show the FP32 figures at once). */
    public ReliabilityResult empty() {
        return new ReliabilityResult(fp32.classNames(), fp32.classCounts(), fp32.accuracy(),
                fp32.perClassAccuracy(), subjects.stream().map(s -> s.config().label()).toList(), settings,
                List.of(), false, provenance);
    }

    /**
     * Runs {@link ReliabilitySettings#trials()} trials per configuration and condition.
     *
     * @param listener receives each trial as it finishes
     * @param progress trials done / total
     * @param cancel   stops the experiment; the trials finished by then are kept
     * @return the trials; {@link ReliabilityResult#complete()} is false when cancelled
     */
    public ReliabilityResult run(TrialListener listener, ProgressListener progress, CancellationToken cancel) {
        return extend(empty(), settings.trials(), listener, progress, cancel);
    }

    /**
     * Continues an experiment: runs trials until each configuration and condition has {@code total} trials, filling
     * missing trial numbers first (a cancelled run may leave gaps), so the result equals a single run of
     * {@code total} trials.
     *
     * @param previous an earlier result of the same experiment (same {@link ReliabilityResult#experimentKey()})
     * @param total    trials wanted per configuration and condition
     * @param listener receives each new trial as it finishes
     * @param progress new trials done / total new trials
     * @param cancel   cancellation; finished trials are kept
     * @return the previous trials and the new ones
     * @throws InputException when {@code previous} comes from another experiment
     */
    public ReliabilityResult extend(ReliabilityResult previous, int total, TrialListener listener,
                                    ProgressListener progress, CancellationToken cancel) {
        checkSameExperiment(previous);
        List<TrialRunner.Task> todo = new ArrayList<>();
        for (int k = 0; k < subjects.size(); k++) {
            for (int c = 0; c < settings.conditions().size(); c++) {
                java.util.Set<Integer> done = new java.util.HashSet<>();
                for (TrialResult t : previous.trials(k, c)) {
                    done.add(t.trial());
                }
                for (int t = 0; t < total; t++) {
                    if (!done.contains(t)) {
                        todo.add(new TrialRunner.Task(k, c, t));
                    }
                }
            }
        }
        TrialRunner runner = new TrialRunner(settings.parallel(), times);
        List<TrialResult> finished = runner.run(todo, this::trial, listener, progress, cancel);
        boolean complete = finished.size() == todo.size();
        return previous.withTrials(finished, complete, Math.max(total, previous.settings().trials()));
    }

    /** Seconds spent so far per stage of the trials (draw and calibration, graph, evaluation), summed over threads. */
    public Map<String, Double> stageSeconds() {
        return times.seconds();
    }

    private void checkSameExperiment(ReliabilityResult previous) {
        List<String> diff = differences(provenance.settings(), previous.experimentKey());
        if (!provenance.modelSha256().equals(previous.provenance().modelSha256())) {
            diff.add(0, "model (SHA-256 " + previous.provenance().modelSha256() + " there)");
        }
        if (!diff.isEmpty()) {
            throw new InputException("the earlier result comes from another experiment; it differs in "
                    + String.join(", ", diff) + ". Continue with the same options.");
        }
        if (!java.util.Arrays.equals(previous.fp32PerClass(), fp32.perClassAccuracy())) {
            throw new InputException("the earlier result's FP32 accuracy differs from this run's ("
                    + previous.fp32Accuracy() + " there, " + fp32.accuracy() + " now): not the same test data");
        }
    }

    /** One trial. */
    private TrialResult trial(TrialRunner.Task task, CancellationToken cancel) {
        long t0 = System.nanoTime();
        Subject s = subjects.get(task.configuration());
        Condition c = settings.conditions().get(task.condition());
        long seed = settings.seed(task.trial());
        CalibrationDraw draw = CalibrationDraw.of(pool, c, settings.sampling(), seed, noise);
        CalibrationSettings cal = new CalibrationSettings(c.calibSize(), seed, settings.sampling(),
                settings.calibBatch());
        OnnxModel prepared = null;
        if (s.config().empiricalBiasCorrection()) {
            prepared = BiasCorrection.empirical(s.base(), draw, settings.calibBatch(), session,
                    ProgressListener.NONE, cancel).model();
        }
        String range = c.activationRange() != null ? c.activationRange() : s.config().settings().activationRange();
        QuantizedModel qm = QuantizationSimulator.recalibrate(s.base(), prepared, range, draw, cal, s.bnStatistics(),
                session, ProgressListener.NONE, cancel);
        long t1 = System.nanoTime();
        PrefixCache cache = prepared == null ? s.caches().get(range) : null;
        boolean cached = cache != null && cache.matches(qm);
        EvaluationResult r = cached ? cache.evaluate(qm, fp32.classNames(), eval.batchSize(), session, cancel)
                : QuantizationSimulator.evaluate(qm, test, eval, session, ProgressListener.NONE, cancel);
        long t2 = System.nanoTime();
        times.add("calibration", t1 - t0);
        times.add(cached ? "evaluationFromCache" : "evaluation", t2 - t1);
        if (cached) {
            cachedTrials.incrementAndGet();
        }
        return new TrialResult(task.configuration(), task.condition(), task.trial(), seed, r.accuracy(),
                r.perClassAccuracy(), (t2 - t0) / 1e9);
    }

    /**
     * What makes two experiments different experiments: every setting of {@code mine} that {@code theirs} does not
     * share, the complete configurations compared field by field ({@code configuration.fixes.adaround (none there,
     * {...} now)}).
     *
     * @param mine   this experiment's key ({@link ReliabilityResult#experimentKey()})
     * @param theirs the earlier result's key
     * @return the differences, empty for the same experiment
     */
    public static List<String> differences(Map<String, String> mine, Map<String, String> theirs) {
        List<String> diff = new ArrayList<>();
        java.util.Set<String> summaries = new java.util.HashSet<>(QuantSettings.DEFAULT.describe().keySet());
        summaries.add("label");
        summaries.add("fixes");
        for (String key : mine.keySet()) {
            String there = theirs.get(key);
            if (mine.get(key).equals(there)) {
                continue;
            }
            int dot = key.indexOf('.');
            String prefix0 = key.startsWith(CONFIGURATION) && dot > 0 ? key.substring(0, dot + 1) : "";
            if (summaries.contains(key.substring(prefix0.length())) && theirs.containsKey(prefix0 + CONFIGURATION)
                    && mine.containsKey(prefix0 + CONFIGURATION)) {
                continue; // a summary of a configuration that is compared field by field below
            }
            if (key.endsWith(CONFIGURATION) && there != null) {
                // name each field of the configuration that differs, not the whole JSON
                String prefix = key.substring(0, key.length() - CONFIGURATION.length());
                try {
                    QuantConfigJson.parse(mine.get(key)).differences(QuantConfigJson.parse(there))
                            .forEach(d -> diff.add(prefix + d.replace(" here)", " now)")));
                    continue;
                } catch (InputException unreadable) {
                    // fall through: report the whole entry
                }
            }
            if (key.endsWith(CONFIGURATION) && there == null) {
                diff.add(key + " (not recorded there: a result written before QuantScope recorded complete "
                        + "configurations, so whether its fixes and overrides match cannot be checked; start a new "
                        + "experiment)");
                continue;
            }
            diff.add(key + " (" + (there == null ? "missing" : there) + " there, " + mine.get(key) + " now)");
        }
        return diff;
    }

    /**
     * The key of an experiment: its configurations (each complete) and the trial settings that change a number.
     *
     * @param configs the configurations
     * @param settings the trial settings
     * @param poolDescription the calibration pool
     * @param evaluationLimit test samples evaluated (0 = all)
     * @return the key, in a stable order
     */
    public static Map<String, String> experimentKey(List<Configuration> configs, ReliabilitySettings settings,
                                                    String poolDescription, int evaluationLimit) {
        Map<String, String> st = new LinkedHashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            Configuration k = configs.get(i);
            String p = configs.size() == 1 ? "" : "configuration" + (i + 1) + ".";
            st.put(p + "label", k.label());
            k.settings().describe().forEach((key, v) -> st.put(p + key, v));
            st.put(p + "fixes", k.fixes().describe().get("fixes"));
            // the complete configuration (overrides, AdaRound's parameters...): what --continue compares
            st.put(p + CONFIGURATION, QuantConfigJson.compact(k.config()));
        }
        st.put("firstSeed", String.valueOf(settings.firstSeed()));
        st.put("calibrationSampling", settings.sampling().name().toLowerCase(Locale.ROOT));
        st.put("calibrationBatch", String.valueOf(settings.calibBatch()));
        st.put("perturbation", settings.perturbation().id());
        st.put("conditions", String.join("; ", settings.conditions().stream().map(ReliabilityExperiment::describe)
                .toList()));
        st.put("calibrationPool", poolDescription);
        st.put("evaluationLimit", String.valueOf(evaluationLimit));
        return st;
    }

    private static Provenance provenance(OnnxModel model, Dataset test, Dataset pool, List<Configuration> configs,
                                         ReliabilitySettings settings, EvaluationSettings eval) {
        return Provenance.of(model.path().toString(), model.sha256(), test.description(),
                experimentKey(configs, settings, pool.description(), eval.limit()));
    }

    private static String describe(Condition c) {
        return String.format(Locale.ROOT, "%s: size %d, noise %s, class %d share %s, range %s", c.label(),
                c.calibSize(), c.noiseShare(), c.imbalanceClass(), c.imbalanceShare(),
                c.activationRange() == null ? "configured" : c.activationRange());
    }

    private static ProgressListener stage(ProgressListener p, String message) {
        return (done, total, m) -> p.onProgress(done, total, message);
    }
}
