package org.quantscope.core.analysis;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.PlantedOutlierModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;
import org.quantscope.core.util.ProgressListener;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagnosis on a model with one planted outlier channel ({@link PlantedOutlierModel}): with per-tensor weights the
 * depthwise layer "dw" is ranked first and flagged with per-channel as the fix, and per-channel weights remove the
 * flag. Labels are the FP32 model's own predictions, so FP32 accuracy is 100 % and every drop is caused by
 * quantization.
 */
class LayerDiagnosticsTest {

    @TempDir
    static Path dir;

    private static OnnxModel model;
    private static MemoryDataset data;

    @BeforeAll
    static void setUp() throws Exception {
        model = OnnxModelLoader.load(PlantedOutlierModel.write(dir.resolve("planted.onnx")));
        int n = 600;
        Random r = new Random(5);
        float[] x = new float[n * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        MemoryDataset unlabelled = new MemoryDataset(x, new int[] {1, 8, 8}, new int[n], 3);
        int[] labels;
        try (InferenceSession s = InferenceSession.open(model, SessionSettings.DEFAULT)) {
            labels = Evaluator.evaluate(s, unlabelled, new EvaluationSettings(100, 0), ProgressListener.NONE,
                    CancellationToken.none()).predictions();
        }
        data = new MemoryDataset(x, new int[] {1, 8, 8}, labels, 3);
    }

    private static QuantizedModel quantize(Granularity g) {
        return QuantizationSimulator.prepare(model, QuantSettings.DEFAULT.withWeightGranularity(g), data,
                new CalibrationSettings(200, 0, CalibrationSampler.Strategy.FIRST, 50), SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
    }

    private static DiagnosisResult diagnose(Granularity g) {
        return LayerDiagnostics.diagnose(quantize(g), data, DiagnoseSettings.DEFAULT.withSamples(400),
                SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
    }

    @Test
    void plantedOutlierLayerIsRankedFirstAndPerChannelRemovesItsFlag() {
        DiagnosisResult perTensor = diagnose(Granularity.PER_TENSOR);
        assertTrue(perTensor.sanity().passed(), "quantizers off reproduce FP32: " + perTensor.sanity());
        assertEquals(1.0, perTensor.full().fp32Accuracy());
        assertEquals(List.of("stem", "dw", "pw", "fc"), perTensor.layers().stream().map(LayerDiagnosis::name).toList());
        LayerDiagnosis first = perTensor.bySensitivity().get(0);
        assertEquals("dw", first.name(), "most sensitive layer");
        assertTrue(first.weightRangeRatio() > 100, "planted range ratio " + first.weightRangeRatio());
        assertTrue(first.flag().contains("high error"), first.flag());
        assertTrue(first.suggestion().startsWith("per-channel"), first.suggestion());
        LayerDiagnosis worstIsolated = perTensor.layers().stream()
                .max((a, b) -> Double.compare(a.isolated().rmseOverScale(), b.isolated().rmseOverScale()))
                .orElseThrow();
        assertEquals("dw", worstIsolated.name(), "largest isolated error in quantizer steps");
        assertTrue(first.floatGain() > 0, "leaving dw in float helps: " + first.floatGain());
        assertTrue(perTensor.weightsOnly().dropPoints() > perTensor.activationsOnly().dropPoints(),
                "the weights are the problem");

        DiagnosisResult perChannel = diagnose(Granularity.PER_CHANNEL);
        LayerDiagnosis dw = perChannel.layers().get(1);
        assertEquals("", dw.flag(), "per-channel weights fix the planted layer: " + dw);
        assertTrue(dw.isolated().rmseOverScale() < perTensor.layers().get(1).isolated().rmseOverScale());
        assertTrue(perChannel.full().accuracy() > perTensor.full().accuracy());
    }

    @Test
    void propagatedErrorIsMeasuredOnTheQuantizedTensor() {
        DiagnosisResult r = diagnose(Granularity.PER_CHANNEL);
        for (LayerDiagnosis l : r.layers()) {
            assertTrue(l.propagated().rmseOverScale() >= 0.2, l.name() + ": at least rounding noise, "
                    + l.propagated().rmseOverScale());
            assertTrue(l.propagated().cosine() > 0.9, l.name() + " cosine " + l.propagated().cosine());
            assertEquals(400L * 0 + l.propagated().count(), l.isolated().count(), "same elements compared");
        }
    }

    @Test
    void progressIsReportedAndCancelStopsTheDiagnosis() {
        QuantizedModel qm = quantize(Granularity.PER_TENSOR);
        AtomicLong last = new AtomicLong();
        CancellationToken cancel = new CancellationToken();
        assertThrows(CancelledException.class, () -> LayerDiagnostics.diagnose(qm, data,
                DiagnoseSettings.DEFAULT.withSamples(400), SessionSettings.DEFAULT, (done, total, msg) -> {
                    last.set(done);
                    if (done * 3 > total) {
                        cancel.cancel();
                    }
                }, cancel));
        assertTrue(last.get() > 0);
        DiagnosisResult r = LayerDiagnostics.diagnose(qm, data, DiagnoseSettings.DEFAULT.withSamples(100)
                .withSensitivity(false), SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
        assertFalse(Double.isFinite(r.layers().get(0).sensitivityDrop()), "no sensitivity run");
    }
}

