package org.quantscope.ui.quantize;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.chart.figure.ClassComparison;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.HardwarePreset;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizerSite;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.ui.DemoFiles;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.ModelDatasetOpener;
import org.quantscope.ui.main.RecentModels;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.task.CurrentThreadTaskRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quantization view model driven synchronously on the real demo model, test data and calibration pool. */
class QuantizationViewModelTest {

    private final CurrentThreadTaskRunner runner = new CurrentThreadTaskRunner();
    private final List<UserMessage> messages = new ArrayList<>();
    private Preferences prefs;
    private MainViewModel main;
    private QuantizationViewModel vm;
    private DemoAssets demo;

    @BeforeEach
    void setUp() {
        demo = DemoFiles.require();
        prefs = Preferences.userRoot().node("org/quantscope-test/" + UUID.randomUUID());
        main = new MainViewModel(runner, new ModelDatasetOpener(), new RecentModels(prefs));
        main.setMessageHandler(messages::add);
        vm = new QuantizationViewModel(main, new ModelDatasetOpener(), CalibrationPoolOpener.standard(),
                messages::add);
        main.openDemo(false);
    }

    @AfterEach
    void tearDown() throws Exception {
        prefs.removeNode();
    }

    @Test
    void placementIsShownBeforeSimulatingAndFollowsTheSelectedLayer() {
        OnnxModel model = OnnxModelLoader.load(demo.model());
        List<QuantizerSite> sites = QuantizationSimulator.sites(model, QuantSettings.DEFAULT);

        assertEquals(List.of(), messages);
        assertEquals(sites.size(), vm.quantizers().size());
        assertTrue(vm.quantizers().stream().allMatch(q -> q.scale().equals(QuantizerRow.NOT_CALIBRATED)));
        assertTrue(vm.quantizerCaptionProperty().get().contains("placement only"), vm.quantizerCaptionProperty().get());
        assertNull(vm.layerChoices().get(0).layer(), "first entry: every quantizer");
        assertEquals(sites.size(), vm.layerChoices().get(0).quantizers());
        assertEquals(model.layers().get(0).name(), vm.layerChoices().get(1).layer());

        String layer = model.layers().get(2).name();
        vm.selectedLayerProperty().set(layer);

        long expected = sites.stream().filter(s -> layer.equals(s.layer())).count();
        assertTrue(expected >= 2, "a weight and an activation quantizer per layer");
        assertEquals(expected, vm.quantizers().size());
        assertTrue(vm.quantizers().stream().allMatch(q -> q.layer().equals(layer)));
        QuantizerRow weight = vm.quantizers().stream().filter(q -> q.kind().equals("weight")).findFirst()
                .orElseThrow();
        assertEquals("int8", weight.grid());
        assertEquals("per-tensor", weight.granularity());
        vm.form().granularityProperty().set(Granularity.PER_CHANNEL);
        QuantizerRow perChannel = vm.quantizers().stream().filter(q -> q.kind().equals("weight")).findFirst()
                .orElseThrow();
        assertEquals("per-channel", perChannel.granularity(), "the plan follows the settings");
    }

    @Test
    void simulateW8A8PerChannelFillsTilesChartAndEncodings() throws Exception {
        vm.form().granularityProperty().set(Granularity.PER_CHANNEL);

        vm.simulate();

        assertEquals(List.of(), messages);
        SimulationResult expected = simulateDirectly(QuantSettings.DEFAULT.withWeightGranularity(
                Granularity.PER_CHANNEL));
        SimulationView r = vm.result();
        assertClose(expected.quantized().accuracy() * 100, r.quantizedTextProperty().get());
        assertClose(expected.fp32().accuracy() * 100, r.fp32TextProperty().get());
        assertEquals(main.accuracyTextProperty().get(), r.fp32TextProperty().get(), "FP32 shown on both tabs");
        double drop = percent(r.fp32TextProperty().get()) - percent(r.quantizedTextProperty().get());
        assertEquals(drop, Double.parseDouble(r.dropTextProperty().get().replace(" pts", "")), 0.011);
        assertEquals(DropSeverity.of(vm.simulationProperty().get().dropPoints()), r.severityProperty().get());
        assertTrue(r.quantizedDetailProperty().get().startsWith("W8A8 per-channel"), r.quantizedDetailProperty().get());
        assertTrue(r.provenanceProperty().get().contains("256 random calibration samples, seed 0"),
                r.provenanceProperty().get());
        assertTrue(r.provenanceProperty().get().contains("fmnist-calib"), "calibrated on the demo pool");
        assertEquals(10, r.classes().size());
        ClassComparison worst = r.classes().stream().max((a, b) -> Double.compare(a.dropPoints(), b.dropPoints()))
                .orElseThrow();
        assertEquals(String.format(Locale.ROOT, "%.2f pts", worst.dropPoints()), r.worstTextProperty().get());
        assertTrue(r.worstDetailProperty().get().startsWith(worst.className() + ": "));
        assertFalse(vm.staleBinding().get());

        String layer = main.layers().get(0).name();
        vm.selectedLayerProperty().set(layer);
        QuantizerRow weight = vm.quantizers().stream().filter(q -> q.kind().equals("weight")).findFirst()
                .orElseThrow();
        int channels = (int) OnnxModelLoader.load(demo.model()).layers().get(0).weightShape()[0];
        assertTrue(weight.scale().startsWith(channels + " ch "), weight.scale());
        assertEquals("0", weight.zeroPoint(), "symmetric weights");
        assertTrue(weight.clipped().endsWith(" %"), weight.clipped());
        QuantizerRow act = vm.quantizers().stream().filter(q -> q.kind().equals("activation")).findFirst()
                .orElseThrow();
        assertEquals("uint8", act.grid());
        assertTrue(act.range().startsWith("["), act.range());
        assertTrue(vm.quantizerCaptionProperty().get().contains("calibrated"));

        vm.form().activationBitsProperty().set(6);
        assertTrue(vm.staleBinding().get(), "a changed setting marks the result stale");
        vm.form().activationBitsProperty().set(8);
        assertFalse(vm.staleBinding().get());
    }

    /**
     * Equalize (the action of the per-channel range chart) turns CLE and bias absorption on and simulates: per-tensor
     * W8A8 recovers, the chart gets the "before fixes" bars, and the per-layer effects table fills; an impossible
     * combination of fixes gives a message instead of a run.
     */
    @Test
    void equalizeShowsBeforeAndAfterSideBySide() {
        vm.equalize();

        assertEquals(List.of(), messages);
        SimulationView r = vm.result();
        assertNotNull(vm.fixOutcomeProperty().get());
        double before = vm.fixOutcomeProperty().get().before().quantized().accuracy();
        double after = vm.simulationProperty().get().quantized().accuracy();
        assertTrue(before < 0.5 && after > 0.9, "CLE rescues per-tensor W8A8: " + before + " -> " + after);
        assertTrue(r.quantizedDetailProperty().get().contains("+ CLE, bias absorption"),
                r.quantizedDetailProperty().get());
        assertTrue(r.fixesTextProperty().get().startsWith("CLE, bias absorption: quantized"),
                r.fixesTextProperty().get());
        for (ClassComparison c : r.classes()) {
            assertFalse(Double.isNaN(c.beforeFixesPercent()), c.toString());
        }
        assertEquals(main.layers().size(), r.fixEffects().size());
        assertTrue(r.fixEffects().stream().filter(e -> e.sqnrGain() > 0).count() >= main.layers().size() - 1,
                "equalization raises the SQNR of (almost) every layer: " + r.fixEffects());
        assertFalse(vm.staleBinding().get());
        vm.form().fixesForm().cleProperty().set(false);
        assertTrue(vm.staleBinding().get(), "changing a fix makes the result stale");
        assertFalse(vm.form().fixesForm().biasAbsorptionProperty().get(), "no absorption without equalization");

        vm.form().fixesForm().adaroundProperty().set(true);
        vm.form().fixesForm().biasCorrectionProperty().set("empirical");
        vm.simulate();
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).text().contains("AdaRound and bias correction do not go together"),
                messages.get(0).text());
        assertEquals(after, vm.simulationProperty().get().quantized().accuracy(), "the previous result stays");
    }

    /**
     * Mixed precision from the panel: a W4A8 per-channel search gives a Pareto front, the preselected point meets the
     * target on the search samples, and using it simulates exactly that configuration (its raised quantizers at
     * their new width in the quantizer table), which Uniform bits undoes.
     */
    @Test
    void mixedPrecisionPointIsSimulatedWithItsBitWidths() {
        vm.form().weightBitsProperty().set(4);
        vm.form().granularityProperty().set(Granularity.PER_CHANNEL);
        MixedPrecisionSearch mp = vm.mixedPrecision();
        mp.setSamples(400);
        mp.targetDropProperty().set(0.3);
        mp.search();

        assertEquals(List.of(), messages);
        var r = mp.resultProperty().get();
        assertNotNull(r);
        assertTrue(r.front().size() >= 2, "a front: " + r.front());
        var chosen = mp.selectedProperty().get();
        assertNotNull(chosen);
        assertTrue(chosen.drop() <= 0.3 + 1e-9 || r.points().stream().noneMatch(p -> p.drop() <= 0.3),
                "the preselected point meets the target when some point does: " + chosen);
        assertTrue(mp.summaryProperty().get().startsWith("Point " + chosen.step() + ":"), mp.summaryProperty().get());
        var top = r.front().get(r.front().size() - 1);
        mp.selectedProperty().set(top);
        vm.form().activationBitsProperty().set(16);
        mp.applySelected();
        assertEquals(1, messages.size(), "a point searched with other settings is refused");
        assertTrue(messages.get(0).title().contains("Settings changed since the search"), messages.get(0).title());
        assertTrue(vm.form().overridesProperty().get().isEmpty());
        messages.clear();
        vm.form().activationBitsProperty().set(8);
        mp.applySelected();

        assertEquals(List.of(), messages);
        var overrides = vm.form().overridesProperty().get();
        assertFalse(overrides.isEmpty(), "the most accurate front point raises some quantizer");
        var sim = vm.simulationProperty().get();
        for (var e : overrides.entrySet()) {
            var q = sim.model().quantizer(e.getKey()).orElseThrow();
            if (e.getValue().enabled()) {
                assertEquals(e.getValue().bits(), q.spec().bits(), e.getKey());
            } else {
                assertFalse(q.enabled(), e.getKey() + " in float");
            }
        }
        assertFalse(vm.staleBinding().get());
        mp.clearOverrides();
        assertTrue(vm.staleBinding().get(), "uniform bits again: the mixed result is stale");
        mp.applySelected();
        main.openDemo(false);
        assertNull(mp.resultProperty().get(), "opening a model forgets the search");
        assertTrue(vm.form().overridesProperty().get().isEmpty(), "and the widths of the other model's quantizers");
    }

    @Test
    void aPresetFixesTheGranularityAndLeavesBitsEditable() {
        QuantizationForm form = vm.form();
        assertFalse(form.granularityFixedBinding().get());

        form.presetProperty().set("tensorrt");
        assertTrue(form.granularityFixedBinding().get());
        assertEquals(Granularity.PER_CHANNEL, form.granularityProperty().get());
        form.weightBitsProperty().set(4);
        form.activationRangeProperty().set("percentile");
        QuantSettings s = form.settings();
        assertEquals(HardwarePreset.TENSORRT.apply(QuantSettings.DEFAULT.withBits(4, 8)
                .withRanges("minmax", "percentile")), s);
        assertTrue(form.schemeTextBinding().get().contains("Activations: int8 symmetric"),
                form.schemeTextBinding().get());

        form.presetProperty().set("snpe");
        assertEquals(Granularity.PER_TENSOR, form.granularityProperty().get(), "reset to the preset's value");
        assertEquals(4, form.settings().weightBits(), "bits survive a preset change");
        assertFalse(form.settings().weightSymmetric());

        form.presetProperty().set("academic");
        OnnxModel model = main.modelProperty().get();
        assertEquals(QuantizationSimulator.sites(model, form.settings()).size(), vm.quantizers().size(),
                "placement follows the preset");

        form.presetProperty().set(QuantizationForm.CUSTOM);
        assertFalse(form.granularityFixedBinding().get());
        assertEquals("custom", form.settings().preset());
    }

    @Test
    void calibrationLargerThanThePoolGivesAMessageAndKeepsThePreviousResult() {
        vm.simulate();
        SimulationResult first = vm.simulationProperty().get();
        assertNotNull(first);
        String quantized = vm.result().quantizedTextProperty().get();

        vm.form().calibrationSizeProperty().set(6000);
        vm.simulate();

        assertEquals(1, messages.size());
        assertEquals("Simulation failed", messages.get(0).title());
        assertTrue(messages.get(0).text().contains("6000") || messages.get(0).text().contains("6,000"),
                messages.get(0).text());
        assertFalse(messages.get(0).text().contains("Exception"));
        assertSame(first, vm.simulationProperty().get());
        assertEquals(quantized, vm.result().quantizedTextProperty().get());
        assertEquals(10, vm.result().classes().size());
        assertTrue(vm.staleBinding().get(), "what is shown was made with other settings");
        assertFalse(main.busyProperty().get());
    }

    @Test
    void cancelledSimulationShowsNoDialogAndChangesNothing() {
        runner.cancelNextJob();

        vm.simulate();

        assertEquals(List.of(), messages);
        assertEquals("Cancelled", main.statusTextProperty().get());
        assertNull(vm.simulationProperty().get());
        assertEquals(MainViewModel.NO_VALUE, vm.result().quantizedTextProperty().get());
        assertTrue(vm.canSimulateBinding().get());
    }

    @Test
    void withoutCalibrationDataTheTestDataIsUsedAndTheHintSaysWhyThatIsBad(@TempDir Path dir) throws Exception {
        assertEquals(new DataSelection(demo.calibImages(), demo.calibLabels()), vm.calibrationPoolProperty().get());
        assertEquals("", vm.calibrationHintProperty().get());

        Path copy = Files.copy(demo.model(), dir.resolve("mine.onnx"));
        main.openModel(copy);
        main.openData(new DataSelection(demo.testImages(), demo.testLabels()));

        assertNull(vm.calibrationPoolProperty().get());
        assertTrue(vm.calibrationTextProperty().get().startsWith("The test data"));
        assertTrue(vm.calibrationHintProperty().get().contains("test data"), vm.calibrationHintProperty().get());
        vm.form().calibrationSizeProperty().set(64);
        vm.simulate();
        assertEquals(List.of(), messages);
        assertTrue(vm.result().provenanceProperty().get().contains("fmnist-test"), "calibrated on the test data");

        vm.openCalibration(new DataSelection(demo.calibImages(), null));

        assertEquals(List.of(), messages);
        assertEquals("", vm.calibrationHintProperty().get());
        int poolSize;
        try (Dataset pool = openPool(main.modelProperty().get())) {
            poolSize = pool.size();
        }
        assertTrue(vm.calibrationTextProperty().get().endsWith(String.format(Locale.ROOT, "%,d samples", poolSize)),
                vm.calibrationTextProperty().get());
        assertTrue(vm.staleBinding().get(), "another calibration pool makes the result stale");
    }

    private SimulationResult simulateDirectly(QuantSettings settings) {
        OnnxModel model = OnnxModelLoader.load(demo.model());
        DataSpec testSpec = DataSpec.of(demo.testImages()).withLabels(demo.testLabels());
        try (Dataset test = DatasetLoader.open(testSpec, ModelInputs.expected(model), ProgressListener.NONE,
                CancellationToken.none()); Dataset pool = openPool(model)) {
            return QuantizationSimulator.simulate(model, test, pool, settings, CalibrationSettings.DEFAULT,
                    EvaluationSettings.DEFAULT, SessionSettings.DEFAULT, null, ProgressListener.NONE,
                    CancellationToken.none());
        }
    }

    private Dataset openPool(OnnxModel model) {
        return DatasetLoader.open(DataSpec.of(demo.calibImages()).withLabels(demo.calibLabels()),
                ModelInputs.expected(model), false, ProgressListener.NONE, CancellationToken.none());
    }

    private static double percent(String text) {
        return Double.parseDouble(text.replace(" %", ""));
    }

    /** ONNX Runtime may flip a prediction or two between runs; 0.05 points is 5 of 10,000 samples. */
    private static void assertClose(double expectedPercent, String tile) {
        assertTrue(tile.matches("\\d{1,3}\\.\\d\\d %"), tile);
        assertEquals(expectedPercent, percent(tile), 0.05, tile);
    }
}
