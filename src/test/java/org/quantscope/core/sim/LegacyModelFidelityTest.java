package org.quantscope.core.sim;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, part 4: one trained network ({@code tools/make_legacy_models.py}) exported at opset 13, at opset 9 with
 * IR version 3 and every initializer listed as a graph input (as the ONNX Model Zoo's classic files), and at opset 7
 * (Upsample-7, BatchNormalization-7, Clip-6, Dropout-7), evaluated on the 10,000 demo test images.
 *
 * <p>FP32: the older files run their own bytes in ONNX Runtime (old operator versions, its own kernels), so only
 * float rounding may differ from the opset-13 file; the logits are compared to 1e-5 and the accuracies must be equal.
 * Quantized: the same seed draws the same calibration samples, and every older file is quantized through its opset-13
 * equivalent; scales are compared to 1e-6 relative and accuracy to 0.01 points (one image). Logits are not a sound
 * check there: a 1e-7 difference before a quantizer can move a value across a rounding boundary, which changes that
 * logit by a quantization step without being an error.
 */
class LegacyModelFidelityTest {

    private static final Path LEGACY = Path.of("src/test/resources/models/legacy");
    private static final List<String> OPSETS = List.of("13", "9", "7");
    private static final Map<String, OnnxModel> MODELS = new HashMap<>();
    private static final Map<String, EvaluationResult> FP32 = new HashMap<>();
    private static final Map<String, float[]> LOGITS = new HashMap<>();
    private static Dataset test;
    private static Dataset pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        for (String o : OPSETS) {
            MODELS.put(o, OnnxModelLoader.load(LEGACY.resolve("legacy_cnn_opset" + o + ".onnx")));
        }
        test = DemoData.test(MODELS.get("13"));
        pool = DemoData.calibrationPool(MODELS.get("13"));
        for (String o : OPSETS) {
            try (InferenceSession s = InferenceSession.open(MODELS.get(o), SessionSettings.DEFAULT)) {
                FP32.put(o, Evaluator.evaluate(s, test, new EvaluationSettings(500, 0), ProgressListener.NONE,
                        CancellationToken.none()));
            }
            LOGITS.put(o, logits(MODELS.get(o), SessionSettings.DEFAULT));
        }
    }

    @AfterAll
    static void close() {
        test.close();
        pool.close();
    }

    private static float[] logits(OnnxModel m, SessionSettings settings) {
        float[] all = new float[test.size() * 10];
        try (InferenceSession s = InferenceSession.open(m, settings)) {
            for (int start = 0; start < test.size(); start += 500) {
                int n = Math.min(500, test.size() - start);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = start + i;
                }
                Batch b = test.read(idx);
                float[] y = s.run(b.data(), new long[] {n, 1, 28, 28}, CancellationToken.none()).get("logits")
                        .data();
                System.arraycopy(y, 0, all, start * 10, y.length);
            }
        }
        return all;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void olderFilesLoadAsTheSameNetwork() {
        OnnxModel m13 = MODELS.get("13");
        for (String o : List.of("9", "7")) {
            OnnxModel m = MODELS.get(o);
            assertEquals(Long.parseLong(o), m.origin().opset());
            assertEquals(3, m.origin().irVersion());
            assertEquals(17, m.origin().constantInputs());
            assertEquals(13, m.opset());
            assertEquals(m13.inputs(), m.inputs(), "the one data input; the 17 initializers are constants");
            assertEquals(m13.layers().stream().map(l -> l.name() + " " + l.fusedText()).toList(),
                    m.layers().stream().map(l -> l.name() + " " + l.fusedText()).toList());
            assertEquals(QuantizationSimulator.sites(m13, QuantSettings.DEFAULT).size(),
                    QuantizationSimulator.sites(m, QuantSettings.DEFAULT).size());
        }
    }

    @Test
    void fp32IsTheSameAsTheOpset13File() {
        for (String o : List.of("9", "7")) {
            double diff = maxAbsDiff(LOGITS.get("13"), LOGITS.get(o));
            System.out.printf("opset %s: FP32 accuracy %.4f (opset 13: %.4f), max |logit diff| %.3g%n", o,
                    FP32.get(o).accuracy(), FP32.get("13").accuracy(), diff);
            assertTrue(diff <= 1e-5, "opset " + o + " logits differ by " + diff);
            assertEquals(FP32.get("13").accuracy(), FP32.get(o).accuracy(), 0.0);
            assertArrayEquals(FP32.get("13").perClassAccuracy(), FP32.get(o).perClassAccuracy(), 0.0);
        }
    }

    @ParameterizedTest(name = "opset {0} W8A8 {1}")
    @CsvSource({"9, per-tensor", "9, per-channel", "7, per-tensor", "7, per-channel"})
    void quantizedAccuracyIsTheSameAsTheOpset13File(String opset, String granularity) {
        QuantSettings s = QuantSettings.DEFAULT.withBits(8, 8).withWeightGranularity(
                granularity.equals("per-channel") ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR);
        SimulationResult ref = simulate("13", s);
        SimulationResult r = simulate(opset, s);
        System.out.printf("opset %s W8A8 %s: quantized %.4f (opset 13: %.4f)%n", opset, granularity,
                r.quantized().accuracy(), ref.quantized().accuracy());
        assertEquals(ref.quantized().accuracy(), r.quantized().accuracy(), 1e-4, "within 0.01 points");
        assertEquals(ref.model().quantizers().size(), r.model().quantizers().size());
        for (int i = 0; i < ref.model().quantizers().size(); i++) {
            QuantizerState a = ref.model().quantizers().get(i);
            QuantizerState b = r.model().quantizers().get(i);
            assertEquals(a.site().role(), b.site().role());
            assertEquals(a.encoding().channels(), b.encoding().channels(), a.site().name());
            for (int c = 0; c < a.encoding().channels(); c++) {
                assertEquals(a.encoding().scale(c), b.encoding().scale(c), 1e-6 * a.encoding().scale(c),
                        a.site().name() + " channel " + c);
                assertEquals(a.encoding().zeroPoint(c), b.encoding().zeroPoint(c), a.site().name());
            }
        }
    }

    @Test
    void everyQuantizerOffReproducesTheFileWithinTheSanityTolerance() {
        OnnxModel m9 = MODELS.get("9");
        QuantSettings off = QuantSettings.DEFAULT.disabling(QuantizationSimulator.sites(m9, QuantSettings.DEFAULT));
        QuantizedModel qm = QuantizationSimulator.prepare(m9, off, pool, CalibrationSettings.DEFAULT,
                SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
        double diff = maxAbsDiff(LOGITS.get("9"), logits(qm.simulation(), SessionSettings.DEFAULT.forSimulation()));
        System.out.printf("opset 9, every quantizer off vs the file: max |logit diff| %.3g%n", diff);
        assertTrue(diff <= org.quantscope.core.analysis.SanityCheck.TOLERANCE, "max |logit diff| " + diff);
    }

    @ParameterizedTest(name = "opset 9 QDQ export, W8A8 {0}")
    @CsvSource({"per-tensor", "per-channel"})
    void qdqExportOfTheOpset9FileRunsInOnnxRuntimeWithTheSimulatedAccuracy(String granularity) {
        QuantSettings s = QuantSettings.DEFAULT.withBits(8, 8).withBiasInt32(true).withWeightGranularity(
                granularity.equals("per-channel") ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR);
        SimulationResult sim = simulate("9", s);
        Path file = dir.resolve("legacy9-qdq.onnx");
        QuantizedGraphWriter.save(QdqExport.deployable(sim.model()), file);
        OnnxModel exported = OnnxModelLoader.load(file);
        assertEquals(13, exported.origin().opset(), "the export is an opset-13 file");
        assertEquals(List.of(), exported.origin().changes(), "nothing to convert in it");
        EvaluationResult deployed;
        try (InferenceSession session = InferenceSession.open(exported, SessionSettings.DEFAULT)) {
            deployed = Evaluator.evaluate(session, test, new EvaluationSettings(500, 0), ProgressListener.NONE,
                    CancellationToken.none());
        }
        System.out.printf("opset 9 QDQ export %s: %.4f, simulated %.4f%n", granularity, deployed.accuracy(),
                sim.quantized().accuracy());
        assertEquals(sim.quantized().accuracy(), deployed.accuracy(), 0.001,
                "plain ONNX Runtime on the QDQ export vs simulation (decision 0007's tolerance)");
    }

    @Test
    void aFileThatCannotBeConvertedListsItsQuantizersButIsNotCalibrated() {
        OnnxModel m = OnnxModelLoader.load(LEGACY.resolve("dropout_mask_opset7.onnx"));
        assertEquals(List.of("fc_out", "logits", "mask"), QuantizationSimulator.sites(m, QuantSettings.DEFAULT).stream()
                .filter(x -> !x.isWeight() && !x.role().equals("model input")).map(QuantizerSite::tensor).toList(),
                "placement is only a listing");
        for (org.junit.jupiter.api.function.Executable quantize : List.<org.junit.jupiter.api.function.Executable>of(
                () -> QuantizationSimulator.plan(m, QuantSettings.DEFAULT),
                () -> QuantizationSimulator.prepare(m, QuantSettings.DEFAULT, pool, CalibrationSettings.DEFAULT,
                        SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none()))) {
            String msg = org.junit.jupiter.api.Assertions.assertThrows(org.quantscope.core.InputException.class,
                    quantize).getMessage();
            assertTrue(msg.contains("node 'drop' (Dropout, opset 7)"), msg);
        }
    }

    private static SimulationResult simulate(String opset, QuantSettings s) {
        return QuantizationSimulator.simulate(MODELS.get(opset), test, pool, s, CalibrationSettings.DEFAULT,
                new EvaluationSettings(500, 0), SessionSettings.DEFAULT, FP32.get(opset), ProgressListener.NONE,
                CancellationToken.none());
    }
}
