package org.quantscope.ui.diagnose;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quantscope.chart.figure.ActivationHistogram;
import org.quantscope.chart.figure.ChannelRanges;
import org.quantscope.chart.figure.LayerFinding;
import org.quantscope.chart.figure.WeightHistogram;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.LayerDiagnosis;
import org.quantscope.core.analysis.LayerDiagnostics;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.ui.DemoFiles;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.ModelDatasetOpener;
import org.quantscope.ui.main.RecentModels;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.quantize.QuantizationViewModel;
import org.quantscope.ui.task.CurrentThreadTaskRunner;

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

/** The diagnostics view model driven synchronously on the real demo model after a per-tensor W8A8 simulation. */
class DiagnosticsViewModelTest {

    private static final int SAMPLES = 200;
    private static final String DEPTHWISE = "/features/features.3/Conv";

    private final CurrentThreadTaskRunner runner = new CurrentThreadTaskRunner();
    private final List<UserMessage> messages = new ArrayList<>();
    private Preferences prefs;
    private MainViewModel main;
    private QuantizationViewModel quantization;
    private DiagnosticsViewModel vm;
    private DemoAssets demo;

    @BeforeEach
    void setUp() {
        demo = DemoFiles.require();
        prefs = Preferences.userRoot().node("org/quantscope-test/" + UUID.randomUUID());
        main = new MainViewModel(runner, new ModelDatasetOpener(), new RecentModels(prefs));
        main.setMessageHandler(messages::add);
        quantization = new QuantizationViewModel(main, new ModelDatasetOpener(), CalibrationPoolOpener.standard(),
                messages::add);
        vm = new DiagnosticsViewModel(main, quantization, new ModelDatasetOpener(), CalibrationPoolOpener.standard(),
                messages::add);
        vm.samplesProperty().set(SAMPLES);
        main.openDemo(false);
    }

    @AfterEach
    void tearDown() throws Exception {
        prefs.removeNode();
    }

    @Test
    void diagnosisFlagsTheDepthwiseLayerAndTheSelectionFillsEveryView() throws Exception {
        assertEquals(main.layers().size(), vm.findings().size(), "the navigator lists the layers before diagnosing");
        assertTrue(vm.findings().stream().allMatch(f -> f.level() == LayerFinding.ErrorLevel.UNKNOWN));
        quantization.simulate();
        assertEquals(Granularity.PER_TENSOR, quantization.simulationProperty().get().model().settings()
                .weightGranularity());
        main.selectedLayerProperty().set(DEPTHWISE);
        assertNotNull(vm.weightHistogramProperty().get(), "weight views need only a simulation");
        assertNull(vm.activationHistogramProperty().get(), "activation views need a diagnosis");

        vm.diagnose();

        assertEquals(List.of(), messages);
        Diagnosis d = vm.diagnosisProperty().get();
        assertNotNull(d);
        assertFalse(vm.staleBinding().get());
        DiagnosisResult direct = diagnoseDirectly(d.source().model());
        List<String> flagged = vm.findings().stream().filter(LayerFinding::flagged).map(LayerFinding::name).toList();
        assertEquals(direct.layers().stream().filter(l -> !l.flag().isEmpty()).map(LayerDiagnosis::name).toList(),
                flagged, "same flags as a direct core call");
        assertTrue(flagged.contains(DEPTHWISE), flagged.toString());
        LayerFinding dw = vm.findings().stream().filter(f -> f.name().equals(DEPTHWISE)).findFirst().orElseThrow();
        assertEquals(LayerFinding.ErrorLevel.HIGH, dw.level());
        assertTrue(dw.suggestion().startsWith("per-channel weights"), dw.suggestion());
        assertEquals("features.3/Conv", dw.label());
        assertEquals(percent(d.result().full().accuracy()), vm.texts().full().valueProperty().get());
        assertEquals(percent(d.result().weightsOnly().accuracy()), vm.texts().weightsOnly().valueProperty().get());
        assertEquals(percent(d.result().activationsOnly().accuracy()),
                vm.texts().activationsOnly().valueProperty().get());
        assertEquals("passed", vm.texts().sanity().valueProperty().get());
        assertTrue(vm.texts().provenanceProperty().get().contains("200 test samples"),
                vm.texts().provenanceProperty().get());

        OnnxModel model = main.modelProperty().get();
        Layer layer = model.layers().stream().filter(l -> l.name().equals(DEPTHWISE)).findFirst().orElseThrow();
        int outChannels = (int) layer.weightShape()[0];
        long elements = 1;
        for (long s : layer.weightShape()) {
            elements *= s;
        }
        WeightHistogram whole = vm.weightHistogramProperty().get();
        assertEquals(-1, whole.channel());
        assertEquals(elements, whole.histogram().total(), "every weight is in the histogram");
        assertEquals(255, whole.grid().steps());
        ChannelRanges wr = vm.weightRangesProperty().get();
        assertEquals(outChannels, wr.channels());
        assertTrue(wr.narrowChannels() > 0, "per-tensor: some channels use a small part of the grid");
        QuantizerState wq = d.source().model().quantizersOfLayer(DEPTHWISE).stream()
                .filter(q -> q.site().isWeight()).findFirst().orElseThrow();
        assertEquals(wq.encoding().maxs()[0], wr.tensorMax(), 1e-9, "the per-tensor clipping range is marked");

        vm.perChannelProperty().set(true);
        int narrow = narrowestChannel(wr);
        vm.channelProperty().set(narrow);
        WeightHistogram one = vm.weightHistogramProperty().get();
        assertEquals(narrow, one.channel());
        assertEquals(elements / outChannels, one.histogram().total(), "one channel's weights");
        assertEquals(wr.min()[narrow], one.histogram().lower(), 1e-7);
        assertTrue(one.gridValuesUsed() < 26, "a narrow channel meets only a few values of the per-tensor grid: "
                + one.gridValuesUsed());

        ActivationHistogram ah = vm.activationHistogramProperty().get();
        assertNotNull(ah);
        assertEquals(d.result().layers().stream().filter(l -> l.name().equals(DEPTHWISE)).findFirst().orElseThrow()
                .outputQuantizer(), ah.quantizer(), "the layer's output quantizer by default");
        assertTrue(ah.methodRanges().keySet().containsAll(List.of("minmax", "percentile", "mse", "kl")),
                ah.methodRanges().keySet().toString());
        assertEquals(d.source().model().calibration().size() * (ah.count() / d.source().model().calibration().size()),
                ah.count());
        assertTrue(ah.histogram().total() == ah.count(), "every calibration value is binned");
        assertEquals(outChannels, vm.activationRangesProperty().get().channels(), "activation channels, axis 1");

        String other = "/features/features.21/Conv";
        main.selectedLayerProperty().set(other);
        assertEquals(other, vm.selectedFindingProperty().get().name());
        assertEquals(other, vm.weightHistogramProperty().get().layer());
        assertTrue(vm.activationQuantizers().contains(vm.activationHistogramProperty().get().quantizer()));
        assertFalse(vm.activationHistogramProperty().get().quantizer().equals(ah.quantizer()));
    }

    @Test
    void changedSettingsMarkTheDiagnosisStale() {
        quantization.simulate();
        vm.diagnose();
        assertFalse(vm.staleBinding().get());

        quantization.form().granularityProperty().set(Granularity.PER_CHANNEL);
        assertTrue(vm.staleBinding().get());
        assertTrue(vm.staleReasonBinding().get().startsWith("quantization settings changed"));

        quantization.simulate();
        assertTrue(vm.staleReasonBinding().get().startsWith("a newer simulation"), vm.staleReasonBinding().get());
        assertEquals("per-channel", vm.weightHistogramProperty().get() == null ? "none"
                : vm.weightHistogramProperty().get().perChannelQuantizer() ? "per-channel" : "per-tensor",
                "weight views follow the newest simulation");

        vm.diagnose();
        assertFalse(vm.staleBinding().get());
        vm.samplesProperty().set(SAMPLES + 1);
        assertEquals("diagnosis settings changed: diagnose again", vm.staleReasonBinding().get());
    }

    @Test
    void failuresAndCancelKeepThePreviousDiagnosis() {
        vm.diagnose();
        assertEquals(1, messages.size(), "no simulation yet");
        assertEquals("Nothing to diagnose", messages.get(0).title());
        assertNull(vm.diagnosisProperty().get());

        quantization.simulate();
        vm.diagnose();
        Diagnosis first = vm.diagnosisProperty().get();
        assertNotNull(first);
        String full = vm.texts().full().valueProperty().get();

        runner.cancelNextJob();
        vm.diagnose();
        assertSame(first, vm.diagnosisProperty().get(), "a cancelled run keeps the diagnosis");
        assertEquals(1, messages.size(), "a cancel shows no dialog");

        vm.samplesProperty().set(0);
        vm.diagnose();
        assertEquals("Check the diagnosis settings", messages.get(1).title());
        assertSame(first, vm.diagnosisProperty().get());
        vm.samplesProperty().set(SAMPLES);

        main.openData(new DataSelection(demo.calibImages(), demo.calibLabels()));
        assertTrue(quantization.simulationProperty().get() == null, "other test data clears the simulation");
        vm.diagnose();
        assertEquals("Nothing to diagnose", messages.get(2).title());
        assertSame(first, vm.diagnosisProperty().get());
        assertEquals(full, vm.texts().full().valueProperty().get());
        assertTrue(vm.staleBinding().get());
        assertEquals(3, messages.size());
    }

    private DiagnosisResult diagnoseDirectly(QuantizedModel qm) throws Exception {
        try (Dataset test = DatasetLoader.open(DataSpec.of(demo.testImages()).withLabels(demo.testLabels()),
                ModelInputs.expected(qm.original()), ProgressListener.NONE, new CancellationToken())) {
            return LayerDiagnostics.diagnose(qm, test, vm.settings(), SessionSettings.DEFAULT, ProgressListener.NONE,
                    new CancellationToken());
        }
    }

    private static int narrowestChannel(ChannelRanges r) {
        int best = 0;
        for (int c = 1; c < r.channels(); c++) {
            if (r.max()[c] - r.min()[c] < r.max()[best] - r.min()[best] && r.max()[c] > r.min()[c]) {
                best = c;
            }
        }
        return best;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f %%", fraction * 100);
    }
}
