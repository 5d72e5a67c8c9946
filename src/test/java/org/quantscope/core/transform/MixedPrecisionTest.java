package org.quantscope.core.transform;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quantscope.core.analysis.BitWidthSensitivity;
import org.quantscope.core.analysis.ComparisonResult;
import org.quantscope.core.analysis.ModelComparison;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.SubsetDataset;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.BitWidthVariants;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;
import org.quantscope.core.util.ProgressListener;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed precision on the demo MobileNet (W4A8 per-channel base) with the real ONNX Runtime: a mix of calibrated
 * widths is the model {@code prepare} builds from the same settings; the cost model against the layer table of
 * docs/demo-model.md; the greedy walk's invariants and measured points on a small search split; phase-1 runs from
 * cached activations against full runs.
 */
class MixedPrecisionTest {

    private static final SessionSettings SESSION = SessionSettings.DEFAULT;
    private static final CalibrationSettings CALIB = new CalibrationSettings(128, 0, CalibrationSampler.Strategy.RANDOM,
            64);
    private static final QuantSettings BASE = QuantSettings.DEFAULT.withBits(4, 8)
            .withWeightGranularity(Granularity.PER_CHANNEL);
    private static OnnxModel model;
    private static Dataset pool;

    @BeforeAll
    static void open() {
        DemoAssets a = DemoAssets.locate();
        model = OnnxModelLoader.load(a.model());
        pool = DatasetLoader.open(new DataSpec(a.calibImages(), a.calibLabels(), a.datasetDescription(), null, null,
                0), ModelInputs.expected(model), true, ProgressListener.NONE, CancellationToken.none());
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    private static BitWidthVariants variants(List<Integer> w, List<Integer> a) {
        return BitWidthVariants.prepare(model, null, BASE, w, a, pool, CALIB, SESSION, ProgressListener.NONE,
                CancellationToken.none());
    }

    @Test
    void aMixIsTheModelPrepareBuildsFromItsSettings() {
        BitWidthVariants v = variants(List.of(8, 16), List.of(16));
        Map<String, Integer> bits = new LinkedHashMap<>();
        bits.put("features.3.weight", 8);
        bits.put("features.24.weight", 16);
        bits.put("features.21.weight", BitWidthVariants.FLOAT);
        bits.put("/features/features.8/Clip_output_0", 16);
        bits.put("logits", BitWidthVariants.FLOAT);
        QuantizedModel mix = v.mix(bits);
        QuantSettings s = v.settings(bits);
        assertEquals(5, s.overrides().size());
        QuantizedModel direct = QuantizationSimulator.prepare(model, s, pool, CALIB, SESSION, ProgressListener.NONE,
                CancellationToken.none());
        assertEquals(direct.quantizers().size(), mix.quantizers().size());
        for (int i = 0; i < mix.quantizers().size(); i++) {
            QuantizerState a = mix.quantizers().get(i);
            QuantizerState b = direct.quantizers().get(i);
            assertEquals(b.site().name(), a.site().name());
            assertEquals(b.enabled(), a.enabled(), a.site().name());
            if (a.enabled()) {
                assertEquals(b.spec(), a.spec(), a.site().name());
                assertArrayEquals(b.encoding().scales(), a.encoding().scales(), a.site().name());
                assertArrayEquals(b.encoding().zeroPoints(), a.encoding().zeroPoints(), a.site().name());
            }
        }
        assertEquals(8, mix.quantizer("features.3.weight").orElseThrow().spec().bits());
        assertFalse(mix.quantizer("logits").orElseThrow().enabled());
        SubsetDataset some = SubsetDataset.first(pool, 300);
        double am = QuantizationSimulator.evaluate(mix, some, new EvaluationSettings(100, 0), SESSION,
                ProgressListener.NONE, CancellationToken.none()).accuracy();
        double ad = QuantizationSimulator.evaluate(direct, some, new EvaluationSettings(100, 0), SESSION,
                ProgressListener.NONE, CancellationToken.none()).accuracy();
        assertEquals(ad, am, 0.0);
    }

    /** docs/demo-model.md: weights 144 .. 1280 elements, outputs 28x28 .. 1; MACs are elements x output pixels. */
    @Test
    void costModelMatchesTheLayerTable() {
        BitWidthVariants v = variants(List.of(8), List.of());
        BitCost c = BitCost.of(v.base(), pool, SESSION, CancellationToken.none());
        long[] elements = {144, 144, 512, 288, 2048, 576, 8192, 1152, 16384, 1280};
        long[] pixels = {784, 196, 196, 49, 49, 49, 49, 49, 49, 1};
        long weights = 0;
        long macs = 0;
        for (int i = 0; i < elements.length; i++) {
            weights += elements[i];
            macs += elements[i] * pixels[i];
        }
        assertEquals(weights, c.weightElements());
        assertEquals(macs, c.macs());
        assertEquals(144 * 784L, c.macsPerLayer().get("/features/features.0/Conv"));
        Map<String, Integer> base = Map.of();
        assertEquals(4 * weights, c.sizeBits(base));
        assertEquals(4.0, c.averageWeightBits(base), 1e-12);
        assertEquals(macs * 4.0 * 8, c.bops(base), 0.0, "every layer reads an 8-bit activation quantizer");
        Map<String, Integer> mixed = Map.of("features.24.weight", BitWidthVariants.FLOAT,
                "/features/features.23/Clip_output_0", 16);
        assertEquals(4 * weights + 28 * 16384L, c.sizeBits(mixed));
        assertEquals(macs * 32.0 + 16384 * 49.0 * (32 * 16 - 4 * 8), c.bops(mixed), 0.0,
                "features.24 reads the features.23 output");
    }

    @Test
    void greedyWalkRaisesOneQuantizerPerStepAndMeasuresEachPoint() {
        SubsetDataset search = MixedPrecision.searchSplit(pool, pool, CALIB, 1);
        Set<Integer> calib = new HashSet<>();
        for (int i : CalibrationSampler.sample(pool, CALIB.sampling(), CALIB.size(), CALIB.seed()).indices()) {
            calib.add(i);
        }
        for (int i : search.indices()) {
            assertFalse(calib.contains(i), "the search split leaves out the calibration samples");
        }
        assertEquals(pool.size() - CALIB.size(), search.size());
        MixedPrecision.Options o = new MixedPrecision.Options(MixedPrecisionCandidates.parse("w8,a16"),
                MixedPrecision.CostAxis.BOPS, MixedPrecision.Metric.KL, 200, 100, 64L << 20, true);
        MixedPrecision.Result r = MixedPrecision.search(model, null, BASE, pool, search, CALIB, o, null, SESSION,
                ProgressListener.NONE, CancellationToken.none());
        assertEquals(22, r.sensitivities().size(), "10 weights (8 bits) and 12 activations (16 bits)");
        int raises = r.sensitivities().stream().mapToInt(s -> s.raises().size()).sum();
        assertEquals(10 + 12, raises);
        assertEquals(raises + 1, r.points().size(), "a full walk ends with every quantizer at its highest candidate");
        MixedPrecisionPoint base = r.base();
        assertTrue(base.bits().values().stream().allMatch(b -> b == 4 || b == 8));
        for (int i = 1; i < r.points().size(); i++) {
            MixedPrecisionPoint prev = r.points().get(i - 1);
            MixedPrecisionPoint p = r.points().get(i);
            Set<String> changed = MixedPrecision.changed(p, prev);
            assertEquals(Set.of(p.raised()), changed, "step " + i);
            assertTrue(p.bits().get(p.raised()) > prev.bits().get(p.raised()));
            assertTrue(p.bops() >= prev.bops());
            assertEquals(100 * (r.fp32Accuracy() - p.accuracy()), p.drop(), 1e-9);
        }
        MixedPrecisionPoint last = r.points().get(r.points().size() - 1);
        assertEquals(8.0, last.averageWeightBits(), 0.0);
        assertTrue(last.bits().values().stream().allMatch(b -> b == 8 || b == 16));
        for (MixedPrecisionPoint f : r.front()) {
            for (MixedPrecisionPoint q : r.points()) {
                assertFalse(ParetoFront.dominates(q, f, MixedPrecision.CostAxis.BOPS));
            }
        }
        MixedPrecisionPoint mid = r.points().get(r.points().size() / 2);
        QuantizedModel prepared = QuantizationSimulator.prepare(model, r.settings(mid), pool, CALIB, SESSION,
                ProgressListener.NONE, CancellationToken.none());
        double measured = QuantizationSimulator.evaluate(prepared, search, new EvaluationSettings(100, 200), SESSION,
                ProgressListener.NONE, CancellationToken.none()).accuracy();
        assertEquals(measured, mid.accuracy(), 0.0, "a point's accuracy is that of its settings prepared anew");

        // phase 1 ran from cached activations; the same raise from the model input gives the same figures
        BitWidthSensitivity.Measurement m = r.sensitivities().stream()
                .filter(s -> s.quantizer().equals("features.21.weight")).findFirst().orElseThrow().raises().get(0);
        assertTrue(m.fromCut());
        ComparisonResult full = ModelComparison.compare(r.variants().base().prepared(),
                r.variants().mix(Map.of("features.21.weight", m.bits())).simulation(), List.of(), Map.of(), search,
                200, 100, SESSION, ProgressListener.NONE, CancellationToken.none());
        assertEquals(full.accuracy(), m.accuracy(), 0.0);
        assertEquals(full.meanLogitKl(), m.meanLogitKl(), 1e-6);
    }

    @Test
    void walkStopsAtTheTargetAndCancels() {
        SubsetDataset search = MixedPrecision.searchSplit(pool, pool, CALIB, 1);
        MixedPrecision.Options o = new MixedPrecision.Options(MixedPrecisionCandidates.parse("w8"),
                MixedPrecision.CostAxis.SIZE, MixedPrecision.Metric.ACCURACY, 200, 100, 64L << 20, false);
        MixedPrecisionTarget t = MixedPrecisionTarget.averageBits(4.5);
        MixedPrecision.Result r = MixedPrecision.search(model, null, BASE, pool, search, CALIB, o, t, SESSION,
                ProgressListener.NONE, CancellationToken.none());
        assertTrue(r.points().stream().allMatch(p -> p.averageWeightBits() <= 4.5), "no step leaves the budget");
        assertTrue(r.points().size() > 1 && r.points().size() < 11);
        assertEquals(r.front().get(r.front().size() - 1), t.select(r.points(), o.cost()));
        CancellationToken cancel = new CancellationToken();
        int[] calls = {0};
        assertThrows(CancelledException.class, () -> MixedPrecision.search(model, null, BASE, pool, search, CALIB, o,
                t, SESSION, (d, n, msg) -> {
                    if (msg.startsWith("Sensitivity") && ++calls[0] == 2) {
                        cancel.cancel();
                    }
                }, cancel));
    }
}
