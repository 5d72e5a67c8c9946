package org.quantscope.core.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * QuantScope's simulation with {@code --scale-convention pytorch} against the independent PyTorch reference
 * ({@code tools/torch_fakequant_reference.py}, torch.ao FakeQuantize with MinMax observers, results committed in
 * {@code tools/reference/}): same placement, every scale within 1e-6 relative and every zero point equal, and top-1
 * accuracy within 0.3 points (the tolerance; observed: identical to the last sample). Calibration: the first
 * 256 images of the demo calibration pool, as the reference uses. Besides the two demo models, four small models of
 * other shapes ({@code tools/make_generality_models.py}: Gemm + BatchNorm1d, Concat with MaxPool/AveragePool, a
 * convolution tied across two BatchNorms with an Identity residual, nn.Linear on a 3-D tensor = MatMul + bias Add), and
 * two torchvision models with modern blocks ({@code tools/make_modern_models.py}: MobileNetV3-small with HardSwish as
 * HardSigmoid + Mul and squeeze-and-excitation; an EfficientNet with SiLU and squeeze-and-excitation), whose
 * placement exercises the rules of decision 0020.
 */
class PyTorchFidelityTest {

    private static final List<String> GENERALITY = List.of("mlp_bn", "concat_cnn", "tied_resnet", "linear3d");
    private static final List<String> MODERN = List.of("mobilenetv3_small", "efficientnet_small");
    private static final Map<String, OnnxModel> MODELS = new HashMap<>();
    private static final Map<String, EvaluationResult> FP32 = new HashMap<>();
    private static final Map<String, Dataset> TEST = new HashMap<>();
    private static Dataset pool;

    @BeforeAll
    static void load() {
        DemoAssets a = DemoAssets.locate();
        MODELS.put("mobilenet", OnnxModelLoader.load(a.model()));
        MODELS.put("resnet", OnnxModelLoader.load(a.residualModel()));
        for (String g : GENERALITY) {
            MODELS.put(g, OnnxModelLoader.load(Path.of("src/test/resources/models/generality/" + g + ".onnx")));
        }
        for (String g : MODERN) {
            MODELS.put(g, OnnxModelLoader.load(Path.of("src/test/resources/models/modern/" + g + ".onnx")));
        }
        pool = DemoData.calibrationPool(MODELS.get("mobilenet"));
        for (Map.Entry<String, OnnxModel> e : MODELS.entrySet()) {
            Dataset test = DemoData.test(e.getValue());
            TEST.put(e.getKey(), test);
            try (InferenceSession s = InferenceSession.open(e.getValue(), SessionSettings.DEFAULT)) {
                FP32.put(e.getKey(), Evaluator.evaluate(s, test, new EvaluationSettings(500, 0),
                        ProgressListener.NONE, CancellationToken.none()));
            }
        }
    }

    @AfterAll
    static void close() {
        TEST.values().forEach(Dataset::close);
        pool.close();
    }

    private static JsonNode reference(String model) throws IOException {
        String file = GENERALITY.contains(model) || MODERN.contains(model) ? model : model + "-fmnist";
        return new ObjectMapper().readTree(Path.of("tools/reference/torch-fakequant-" + file + ".json").toFile());
    }

    private static QuantSettings settings(int weightBits, Granularity g) {
        return QuantSettings.DEFAULT.withConvention(ScaleConvention.PYTORCH).withBits(weightBits, 8)
                .withWeightGranularity(g);
    }

    private static final CalibrationSettings FIRST_256 = new CalibrationSettings(256, 0,
            CalibrationSampler.Strategy.FIRST, 64);

    @ParameterizedTest(name = "{0} W{1}A8 {2}")
    @CsvSource({
        "mobilenet, 8, per-tensor", "mobilenet, 8, per-channel", "mobilenet, 4, per-tensor",
        "mobilenet, 4, per-channel", "resnet, 8, per-tensor", "resnet, 8, per-channel", "resnet, 4, per-tensor",
        "resnet, 4, per-channel", "mlp_bn, 8, per-tensor", "mlp_bn, 4, per-channel", "concat_cnn, 8, per-tensor",
        "concat_cnn, 4, per-channel", "tied_resnet, 8, per-channel", "tied_resnet, 4, per-tensor",
        "linear3d, 8, per-channel", "linear3d, 4, per-tensor", "mobilenetv3_small, 8, per-tensor",
        "mobilenetv3_small, 8, per-channel", "mobilenetv3_small, 4, per-channel", "efficientnet_small, 8, per-channel",
        "efficientnet_small, 4, per-tensor"})
    void matchesPyTorchFakeQuantization(String model, int bits, String granularity) throws IOException {
        Granularity g = granularity.equals("per-channel") ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
        JsonNode ref = reference(model).get("configs").get("W" + bits + "A8 " + granularity);
        SimulationResult r = QuantizationSimulator.simulate(MODELS.get(model), TEST.get(model), pool,
                settings(bits, g), FIRST_256, new EvaluationSettings(500, 0), SessionSettings.DEFAULT,
                FP32.get(model), ProgressListener.NONE, CancellationToken.none());

        assertEquals(ref.get("accuracy").asDouble(), r.quantized().accuracy(), 0.003, "top-1 accuracy");
        assertEquals(reference(model).get("configs").get("FP32").get("accuracy").asDouble(), FP32.get(model).accuracy(),
                2e-4, "FP32");
        for (int c = 0; c < 10; c++) {
            assertEquals(ref.get("perClassAccuracy").get(c).asDouble(), r.quantized().perClassAccuracy()[c], 0.01,
                    "class " + c);
        }
        int checked = 0;
        for (JsonNode q : ref.get("quantizers")) {
            String name = q.get("tensor").asText();
            QuantizerState ours = r.model().quantizer(name).orElse(null);
            assertNotNull(ours, "QuantScope has no quantizer for " + name);
            assertEquals(q.get("quantMin").asInt(), ours.spec().qmin(), name);
            assertEquals(q.get("quantMax").asInt(), ours.spec().qmax(), name);
            JsonNode scale = q.get("scale");
            JsonNode zp = q.get("zeroPoint");
            int channels = scale.isArray() ? scale.size() : 1;
            assertEquals(channels, ours.encoding().channels(), name + " channels");
            for (int c = 0; c < channels; c++) {
                double expected = scale.isArray() ? scale.get(c).asDouble() : scale.asDouble();
                double got = ours.encoding().scale(c);
                assertTrue(Math.abs(got - expected) <= 1e-6 * Math.abs(expected),
                        name + " channel " + c + ": scale " + got + " vs PyTorch " + expected);
                assertEquals(zp.isArray() ? zp.get(c).asInt() : zp.asInt(), ours.encoding().zeroPoint(c),
                        name + " channel " + c + " zero point");
                checked++;
            }
        }
        assertTrue(checked >= 5, "compared " + checked + " scales");
    }

    @ParameterizedTest
    @CsvSource({"mobilenet", "resnet", "mlp_bn", "concat_cnn", "tied_resnet", "linear3d", "mobilenetv3_small",
        "efficientnet_small"})
    void placementIsTheReferencePlacement(String model) throws IOException {
        JsonNode p = reference(model).get("placement");
        List<String> expected = new ArrayList<>();
        p.get("weights").forEach(n -> expected.add(n.asText()));
        p.get("activations").forEach(n -> expected.add(n.asText()));
        List<String> ours = QuantizationSimulator.sites(MODELS.get(model), QuantSettings.DEFAULT).stream()
                .map(QuantizerSite::name).toList();
        assertEquals(expected, ours);
    }

    @Test
    void calibrationDoesNotDependOnTheBatchSize() {
        QuantSettings s = settings(8, Granularity.PER_TENSOR);
        QuantizedModel a = QuantizationSimulator.prepare(MODELS.get("resnet"), s, pool, FIRST_256,
                SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
        QuantizedModel b = QuantizationSimulator.prepare(MODELS.get("resnet"), s, pool,
                new CalibrationSettings(256, 0, CalibrationSampler.Strategy.FIRST, 7), SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
        for (int i = 0; i < a.quantizers().size(); i++) {
            assertEquals(a.quantizers().get(i).encoding(), b.quantizers().get(i).encoding(),
                    a.quantizers().get(i).site().name());
        }
    }
}
