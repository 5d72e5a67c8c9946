package org.quantscope.core.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.PlantedOutlierModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConstraint;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.sim.ActivationPlacement;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-layer sensitivity from cached activations ({@link SensitivityCache}) gives the results of the naive runs
 * from the model input: identical accuracies (so identical sensitivity drops and float gains, which are counts of
 * correct predictions) and the same KL, logit and isolated-error figures within 1e-6 relative (float summation order
 * may differ in the sub-graph).
 */
class CachedSensitivityTest {

    @TempDir
    static Path dir;

    private static final CalibrationSettings CALIB = new CalibrationSettings(200, 0, CalibrationSampler.Strategy.FIRST,
            50);

    @Test
    void plantedOutlierModelPerTensorAndPerChannel() throws Exception {
        OnnxModel model = OnnxModelLoader.load(PlantedOutlierModel.write(dir.resolve("planted.onnx")));
        MemoryDataset data = selfLabelled(model, 300, new int[] {1, 8, 8}, 5, 3);
        for (Granularity g : Granularity.values()) {
            QuantizedModel qm = prepare(model, QuantSettings.DEFAULT.withWeightGranularity(g), data);
            assertSameAsNaive(qm, data, 300, 64);
            assertTrue(maxLogitDifference(qm, data, 300) < 1e-3, "logits equal up to summation order");
        }
    }

    @Test
    void tinyCnnWithResidualAddIdentityLayerInputsAndInt32Biases() {
        for (String file : new String[] {"tiny_cnn.onnx", "tiny_cnn_fixed_batch1.onnx"}) {
            OnnxModel model = OnnxModelLoader.load(Path.of("src/test/resources/models", file));
            MemoryDataset data = selfLabelled(model, 200, new int[] {1, 8, 8}, 7, 4);
            QuantSettings layerInputs = new QuantSettings(8, 8, Granularity.PER_CHANNEL, true, false, false,
                    ScaleConstraint.FREE, ScaleConvention.ONNX, "minmax", "minmax", true,
                    ActivationPlacement.LAYER_INPUTS, true, "custom", Map.of());
            for (QuantSettings s : new QuantSettings[] {QuantSettings.DEFAULT, QuantSettings.DEFAULT.withBits(4, 4)
                    .withBiasInt32(true), layerInputs}) {
                QuantizedModel qm = prepare(model, s, data);
                assertSameAsNaive(qm, data, 200, 32);
                assertTrue(maxLogitDifference(qm, data, 200) < 1e-3, "logits equal up to summation order");
            }
        }
    }

    @Test
    void demoMobileNetAndResNet() {
        DemoAssets a = DemoAssets.locate();
        for (Path file : new Path[] {a.model(), a.residualModel()}) {
            OnnxModel model = OnnxModelLoader.load(file);
            try (Dataset test = open(model, new DataSpec(a.testImages(), a.testLabels(), a.datasetDescription(), null,
                    null, 0));
                 Dataset pool = open(model, new DataSpec(a.calibImages(), a.calibLabels(), a.datasetDescription(),
                         null, null, 0))) {
                QuantizedModel qm = prepare(model, QuantSettings.DEFAULT, pool);
                assertSameAsNaive(qm, test, 200, 100);
                assertTrue(maxLogitDifference(qm, test, 200) < 1e-3, "logits equal up to summation order");
            }
        }
    }

    /**
     * Per-layer runs on a subset: with 300 samples and {@code layerSamples} 120, every per-layer figure (isolated
     * error, sensitivity drop, KL, float gain) equals the one of a diagnosis on the first 120 samples, while the
     * whole-model comparisons still use all 300; the settings say so. The float gain compares with the full
     * quantization on the same 120 samples, not on the 300.
     */
    @Test
    void perLayerRunsOnTheFirstSamplesEqualADiagnosisOfThoseSamples() {
        OnnxModel model = OnnxModelLoader.load(Path.of("src/test/resources/models", "tiny_cnn.onnx"));
        MemoryDataset data = selfLabelled(model, 300, new int[] {1, 8, 8}, 11, 4);
        QuantizedModel qm = prepare(model, QuantSettings.DEFAULT.withBits(4, 4), data);
        DiagnoseSettings all = new DiagnoseSettings(300, 64, 0.5, 20, 1.0, true,
                DiagnoseSettings.DEFAULT_CACHE_BYTES);
        DiagnosisResult subset = LayerDiagnostics.diagnose(qm, data, all.withLayerSamples(120),
                SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
        DiagnosisResult first = LayerDiagnostics.diagnose(qm, data, all.withSamples(120), SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
        DiagnosisResult whole = LayerDiagnostics.diagnose(qm, data, all, SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
        assertEquals(300, subset.full().samples());
        assertEquals(120, subset.layerSamples());
        assertEquals("120", subset.provenance().settings().get("layerSamples"));
        assertEquals(300, whole.layerSamples());
        assertEquals(whole.full().accuracy(), subset.full().accuracy(), 0.0);
        assertEquals(whole.weightsOnly().accuracy(), subset.weightsOnly().accuracy(), 0.0);
        boolean differs = false;
        for (int i = 0; i < subset.layers().size(); i++) {
            LayerDiagnosis s = subset.layers().get(i);
            LayerDiagnosis f = first.layers().get(i);
            String where = "layer " + s.name();
            assertEquals(f.sensitivityDrop(), s.sensitivityDrop(), 0.0, where + ": sensitivity drop");
            assertEquals(f.floatGain(), s.floatGain(), 0.0, where + ": float gain");
            assertClose(f.sensitivityKl(), s.sensitivityKl(), 1e-8, where + ": KL");
            assertEquals(120, s.isolated().count() / (f.isolated().count() / 120), where + ": isolated samples");
            assertClose(f.isolated().rmse(), s.isolated().rmse(), 1e-9, where + ": isolated rmse");
            assertEquals(whole.layers().get(i).propagated().rmse(), s.propagated().rmse(), 0.0,
                    where + ": the propagated error is over all 300 samples");
            differs |= whole.layers().get(i).sensitivityKl() != s.sensitivityKl();
        }
        assertTrue(differs, "the per-layer figures on 120 samples differ from those on 300 (else the test proves "
                + "nothing)");
        assertEquals(64, new DiagnoseSettings(1000, 100, 0.5, 20, 1, true).layerSamplesFor(64, 3 * 224 * 224));
        assertEquals(111, new DiagnoseSettings(1000, 100, 0.5, 20, 1, true).layerSamplesFor(250, 3 * 224 * 224));
        assertEquals(1000, DiagnoseSettings.DEFAULT.layerSamplesFor(1000, 28 * 28), "28x28: every sample");
        assertEquals(40, DiagnoseSettings.DEFAULT.withLayerSamples(40).layerSamplesFor(250, 3 * 224 * 224));
        assertEquals(250, DiagnoseSettings.DEFAULT.withLayerSamples(400).layerSamplesFor(250, 3 * 224 * 224));
    }

    /**
     * Logits of each variant from the cut equal the full run's sample by sample up to float summation order: same
     * predicted class for every sample; the largest difference is printed (docs/benchmarks.md quotes it).
     */
    private static double maxLogitDifference(QuantizedModel qm, Dataset data, int samples) {
        DiagnoseSettings s = DiagnoseSettings.DEFAULT.withSamples(samples);
        int n = Math.min(samples, data.size());
        Map<String, String> outputs = new java.util.LinkedHashMap<>();
        qm.prepared().layers().forEach(l -> outputs.put(l.name(), qm.prepared().resolveIdentity(l.output())));
        SensitivityCache cache = SensitivityCache.plan(qm, data, n, outputs, s, SessionSettings.DEFAULT,
                CancellationToken.none());
        String logits = qm.prepared().outputs().get(0).name();
        org.quantscope.core.data.Batch b = data.read(0, n);
        double max = 0;
        for (SensitivityCache.LayerPlan p : cache.plans()) {
            assertTrue(p.cached(), p.layer.name() + ": " + p.reason());
            Map<String, org.quantscope.core.onnx.FloatTensor> fp32;
            Map<String, org.quantscope.core.onnx.FloatTensor> quant;
            java.util.List<String> cut = p.cut.tensors();
            java.util.List<String> inner = cut.stream().filter(t -> !t.equals(b.shape().length > 0
                    ? qm.prepared().inputs().get(0).name() : "")).toList();
            try (InferenceSession f = InferenceSession.open(qm.prepared(), SessionSettings.DEFAULT, inner);
                 InferenceSession q = InferenceSession.open(qm.simulation(), SessionSettings.DEFAULT.forSimulation(),
                         inner)) {
                fp32 = f.run(b.data(), b.shape(), CancellationToken.none());
                quant = q.run(b.data(), b.shape(), CancellationToken.none());
            }
            java.util.Set<String> applied = new java.util.HashSet<>();
            qm.quantizers().stream().filter(x -> x.enabled() && !x.site().isWeight()
                    && inner.contains(x.site().tensor())).forEach(x -> applied.add(x.site().tensor()));
            for (boolean only : new boolean[] {true, false}) {
                java.util.function.Predicate<org.quantscope.core.sim.QuantizerState> keep = only ? p.own
                        : p.own.negate();
                float[] full = run(QuantizationSimulator.withOnly(qm, keep).simulation(), Map.of(), b, logits);
                Map<String, org.quantscope.core.onnx.FloatTensor> feed = new java.util.LinkedHashMap<>();
                for (String t : cut) {
                    feed.put(t, inner.contains(t) ? (only ? fp32 : quant).get(t)
                            : new org.quantscope.core.onnx.FloatTensor(b.shape(), b.data()));
                }
                Map<String, long[]> shapes = new java.util.HashMap<>();
                feed.forEach((t, v) -> shapes.put(t, v.shape()));
                float[] part = run(QuantizationSimulator.simulationOfPart(qm, p.cut.suffix(shapes), keep,
                        only ? java.util.Set.of() : applied), feed, b, logits);
                int k = full.length / n;
                for (int i = 0; i < n; i++) {
                    assertEquals(ModelComparison.argmax(full, i * k, k), ModelComparison.argmax(part, i * k, k),
                            p.layer.name() + (only ? " only" : " all but") + ": prediction of sample " + i);
                }
                for (int j = 0; j < full.length; j++) {
                    max = Math.max(max, Math.abs(full[j] - part[j]));
                }
            }
        }
        System.out.printf("%s: max |logit(cut) - logit(full run)| over %d layers x 2 variants x %d samples: %.3g%n",
                qm.original().path().getFileName(), cache.plans().size(), n, max);
        return max;
    }

    private static float[] run(OnnxModel sim, Map<String, org.quantscope.core.onnx.FloatTensor> feed,
                               org.quantscope.core.data.Batch b, String logits) {
        try (InferenceSession s = InferenceSession.open(sim, SessionSettings.DEFAULT.forSimulation())) {
            return feed.isEmpty() ? s.run(b.data(), b.shape(), java.util.List.of(logits), CancellationToken.none())
                    .get(logits).data() : s.run(feed, java.util.List.of(logits), CancellationToken.none())
                    .get(logits).data();
        }
    }

    private static void assertSameAsNaive(QuantizedModel qm, Dataset data, int samples, int batch) {
        DiagnoseSettings s = new DiagnoseSettings(samples, batch, 0.5, 20, 1.0, true,
                DiagnoseSettings.DEFAULT_CACHE_BYTES);
        DiagnosisResult cached = LayerDiagnostics.diagnose(qm, data, s, SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
        DiagnosisResult naive = LayerDiagnostics.diagnose(qm, data, s.withActivationCache(0), SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
        String model = qm.original().path().getFileName() + " " + qm.settings().describe();
        assertEquals(cached.layers().size() + " of " + cached.layers().size(),
                cached.provenance().settings().get("layersRunFromCachedActivations"), model);
        assertEquals("0 of " + naive.layers().size(),
                naive.provenance().settings().get("layersRunFromCachedActivations"), model);
        for (int i = 0; i < cached.layers().size(); i++) {
            LayerDiagnosis c = cached.layers().get(i);
            LayerDiagnosis n = naive.layers().get(i);
            String where = model + ", layer " + c.name();
            assertEquals(n.sensitivityDrop(), c.sensitivityDrop(), 0.0, where + ": sensitivity drop");
            assertEquals(n.floatGain(), c.floatGain(), 0.0, where + ": float gain");
            assertClose(n.sensitivityKl(), c.sensitivityKl(), 1e-8, where + ": KL");
            assertEquals(n.isolated().count(), c.isolated().count(), where);
            // the isolated error is a small difference of two nearly equal tensors: float summation order moves it
            // relative to the tensor's values, so the tolerance is 1e-6 of the FP32 tensor's RMS
            double signal = n.isolated().rmse() * Math.pow(10, n.isolated().sqnrDb() / 20);
            double tol = Double.isFinite(signal) ? 1e-6 * signal : 1e-12;
            assertClose(n.isolated().rmse(), c.isolated().rmse(), tol, where + ": isolated rmse");
            assertClose(n.isolated().meanShift(), c.isolated().meanShift(), tol, where + ": mean shift");
            assertClose(n.isolated().rmseOverScale(), c.isolated().rmseOverScale(),
                    tol / n.isolated().rmse() * n.isolated().rmseOverScale(), where + ": rmse/scale");
            assertClose(n.isolated().cosine(), c.isolated().cosine(), where + ": cosine");
            assertClose(n.isolated().sqnrDb(), c.isolated().sqnrDb(), 20 * Math.log10(1 + tol / n.isolated().rmse()),
                    where + ": SQNR");
            assertEquals(n.flag(), c.flag(), where);
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        assertClose(expected, actual, 1e-12, what);
    }

    /** Within 1e-6 relative, or {@code absolute} (a KL of 1e-7 nats between near-identical logits is all noise). */
    private static void assertClose(double expected, double actual, double absolute, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertTrue(Math.abs(expected - actual) <= Math.max(1e-6 * Math.abs(expected), absolute),
                what + ": naive " + expected + ", cached " + actual);
    }

    static QuantizedModel prepare(OnnxModel model, QuantSettings s, Dataset pool) {
        return QuantizationSimulator.prepare(model, s, pool, CALIB, SessionSettings.DEFAULT, ProgressListener.NONE,
                CancellationToken.none());
    }

    private static Dataset open(OnnxModel model, DataSpec spec) {
        return DatasetLoader.open(spec, ModelInputs.expected(model), false, ProgressListener.NONE,
                CancellationToken.none());
    }

    /** Gaussian inputs labelled with the FP32 model's own predictions. */
    static MemoryDataset selfLabelled(OnnxModel model, int n, int[] shape, long seed, int classes) {
        int per = 1;
        for (int d : shape) {
            per *= d;
        }
        Random r = new Random(seed);
        float[] x = new float[n * per];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        MemoryDataset unlabelled = new MemoryDataset(x, shape, new int[n], classes);
        int[] labels;
        try (InferenceSession s = InferenceSession.open(model, SessionSettings.DEFAULT)) {
            labels = Evaluator.evaluate(s, unlabelled, new EvaluationSettings(50, 0), ProgressListener.NONE,
                    CancellationToken.none()).predictions();
        }
        return new MemoryDataset(x, shape, labels, classes);
    }
}
