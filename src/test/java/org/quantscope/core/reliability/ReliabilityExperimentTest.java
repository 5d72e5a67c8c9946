package org.quantscope.core.reliability;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.Range;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.report.ReliabilityCsv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliability trials on the demo model with the real ONNX Runtime (2,000 test images, 64 calibration samples, a few
 * trials): determinism byte for byte, cancel and continue, live delivery, and the activation cache against full runs.
 */
class ReliabilityExperimentTest {

    private static OnnxModel model;
    private static Dataset test;
    private static Dataset pool;
    private static final SessionSettings SESSION = new SessionSettings(1, true);
    private static final EvaluationSettings EVAL = new EvaluationSettings(256, 0);
    private static final Configuration PER_CHANNEL = new Configuration("per-channel",
            QuantSettings.DEFAULT.withWeightGranularity(Granularity.PER_CHANNEL), PtqPipeline.Fixes.NONE);

    @BeforeAll
    static void open() {
        DemoAssets a = DemoAssets.locate();
        model = OnnxModelLoader.load(a.model());
        ExpectedInput ex = ModelInputs.expected(model);
        test = DatasetLoader.open(new DataSpec(a.testImages(), a.testLabels(), a.datasetDescription(), null, null,
                2000), ex, false, ProgressListener.NONE, CancellationToken.none());
        pool = DatasetLoader.open(new DataSpec(a.calibImages(), a.calibLabels(), a.datasetDescription(), null, null,
                0), ex, false, ProgressListener.NONE, CancellationToken.none());
    }

    @AfterAll
    static void close() {
        test.close();
        pool.close();
    }

    private static ReliabilitySettings settings(int trials, int parallel, List<Condition> conditions) {
        return new ReliabilitySettings(trials, 0, CalibrationSampler.Strategy.RANDOM, 64, Perturbation.NONE,
                conditions, parallel);
    }

    private static ReliabilityExperiment experiment(ReliabilitySettings s, long cacheBytes) {
        return ReliabilityExperiment.prepare(model, test, pool, List.of(PER_CHANNEL), s, EVAL, SESSION, cacheBytes,
                ProgressListener.NONE, CancellationToken.none());
    }

    @Test
    void sameSeedsGiveTheSameCsvWhateverTheParallelismAndTheCache() {
        List<Condition> c = List.of(Condition.baseline(64));
        List<TrialResult> live = Collections.synchronizedList(new ArrayList<>());
        ReliabilityExperiment cached = experiment(settings(4, 2, c), ReliabilityExperiment.DEFAULT_CACHE_BYTES);
        ReliabilityResult a = cached.run(live::add, ProgressListener.NONE, CancellationToken.none());
        ReliabilityResult b = experiment(settings(4, 1, c), 0).run(TrialListener.NONE, ProgressListener.NONE,
                CancellationToken.none());
        assertTrue(a.complete());
        assertEquals(4, a.trials().size());
        assertEquals(4, live.size(), "every trial reached the listener");
        assertTrue(cached.cachedTrials() > 0, "the ReLU6 ranges are shared, so trials run from the cache");
        String csv = ReliabilityCsv.text(a);
        assertEquals(csv, ReliabilityCsv.text(b), "cached and parallel run = uncached sequential run, byte for byte");
        assertEquals(1 + 4 * 10, csv.split("\n").length);
        assertTrue(csv.startsWith("trial,seed,class,fp32,quantized,drop,"), csv);
        double fp32 = a.fp32Accuracy();
        assertTrue(fp32 > 0.85 && fp32 < 0.95, "demo FP32 accuracy on 2,000 images: " + fp32);
        for (TrialResult t : a.trials()) {
            assertTrue(Math.abs(100 * (fp32 - t.accuracy())) < 3, "per-channel W8A8 loses little: " + t);
        }
    }

    @Test
    void cancelledExperimentKeepsItsTrialsAndContinuesToTheSameResult() {
        List<Condition> c = List.of(Condition.baseline(64));
        ReliabilityExperiment exp = experiment(settings(3, 1, c), ReliabilityExperiment.DEFAULT_CACHE_BYTES);
        CancellationToken cancel = new CancellationToken();
        List<TrialResult> seen = new ArrayList<>();
        ReliabilityResult partial = exp.run(t -> {
            seen.add(t);
            if (seen.size() == 2) {
                cancel.cancel();
            }
        }, ProgressListener.NONE, cancel);
        assertFalse(partial.complete());
        assertEquals(2, partial.trials().size(), "the two finished trials are kept");
        assertEquals(List.of(0, 1), partial.trials().stream().map(TrialResult::trial).toList());
        ReliabilityResult continued = exp.extend(partial, 5, TrialListener.NONE, ProgressListener.NONE,
                CancellationToken.none());
        assertTrue(continued.complete());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), continued.trials().stream().map(TrialResult::seed).toList());
        ReliabilityResult single = experiment(settings(5, 2, c), ReliabilityExperiment.DEFAULT_CACHE_BYTES)
                .run(TrialListener.NONE, ProgressListener.NONE, CancellationToken.none());
        assertEquals(ReliabilityCsv.text(single), ReliabilityCsv.text(continued));
    }

    @Test
    void perturbationsGiveOneSetOfTrialsPerCondition() {
        List<Condition> c = new ArrayList<>(Perturbation.sizes(List.of(1, 64)));
        c.addAll(Perturbation.noise(64, List.of(0.5)));
        c.add(new Condition("all Trouser", 64, 0, 1, 1.0, null));
        c.addAll(Perturbation.metrics(64, List.of("cosine")));
        ReliabilityResult r = experiment(settings(2, 2, c), ReliabilityExperiment.DEFAULT_CACHE_BYTES)
                .run(TrialListener.NONE, ProgressListener.NONE, CancellationToken.none());
        assertEquals(5 * 2, r.trials().size());
        for (int k = 0; k < c.size(); k++) {
            assertEquals(2, r.summary(0, k).trials());
        }
    }

    @Test
    void noiseImagesReachTheCalibration() {
        QuantizedModel base = QuantizationSimulator.prepare(model, PER_CHANNEL.settings(), pool,
                new CalibrationSettings(64, 0, CalibrationSampler.Strategy.RANDOM, 64), SESSION,
                ProgressListener.NONE, CancellationToken.none());
        NoiseModel noise = NoiseModel.of(pool, CancellationToken.none());
        Range clean = inputRange(base, Condition.baseline(64), noise);
        Range noisy = inputRange(base, Perturbation.noise(64, List.of(0.5)).get(0), noise);
        // Fashion-MNIST normalized lies in [-0.81, 2.02]; normal noise with its mean and std goes beyond both ends
        assertEquals(-0.81, clean.min(), 0.01);
        assertEquals(2.02, clean.max(), 0.01);
        assertTrue(noisy.min() < clean.min() - 1 && noisy.max() > clean.max() + 1, clean + " vs " + noisy);
    }

    private static Range inputRange(QuantizedModel base, Condition c, NoiseModel noise) {
        CalibrationDraw d = CalibrationDraw.of(pool, c, CalibrationSampler.Strategy.RANDOM, 0, noise);
        QuantizedModel q = QuantizationSimulator.recalibrate(base, null, "minmax", d,
                new CalibrationSettings(64, 0, CalibrationSampler.Strategy.RANDOM, 64), true, SESSION,
                ProgressListener.NONE, CancellationToken.none());
        return q.quantizer("input").orElseThrow().observed();
    }
}
