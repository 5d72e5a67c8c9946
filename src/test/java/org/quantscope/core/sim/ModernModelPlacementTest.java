package org.quantscope.core.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement completeness on the torchvision models of issue 13 ({@code src/test/resources/models/modern}):
 * MobileNetV3-small (HardSwish as HardSigmoid + Mul, squeeze-and-excitation with HardSigmoid) and an EfficientNet
 * (SiLU as Sigmoid + Mul, squeeze-and-excitation with SiLU and Sigmoid). For every preset, every Conv/Gemm input comes
 * from a quantizer; the check after placement names the layers a placement without the Mul rule leaves in float; and
 * the deployable QDQ export feeds every Conv/Gemm from a DequantizeLinear and runs in plain ONNX Runtime at the
 * simulated accuracy (demo Fashion-MNIST test set, 10,000 images).
 */
class ModernModelPlacementTest {

    private static final Path MODERN = Path.of("src/test/resources/models/modern");

    @TempDir
    Path dir;

    private static OnnxModel load(String model) {
        return OnnxModelLoader.load(MODERN.resolve(model + ".onnx"));
    }

    private static QuantSettings settings(String preset) {
        return preset.equals("none") ? QuantSettings.DEFAULT
                : HardwarePreset.byName(preset).apply(QuantSettings.DEFAULT);
    }

    private static List<QuantizerState> allEnabled(List<QuantizerSite> sites) {
        return sites.stream().map(s -> new QuantizerState(s, true, null, "minmax", null, null, null, null, ""))
                .toList();
    }

    @ParameterizedTest(name = "{0}, preset {1}")
    @CsvSource({"mobilenetv3_small, none, 54", "mobilenetv3_small, academic, 54", "mobilenetv3_small, tensorrt, 54",
        "mobilenetv3_small, snpe, 54", "mobilenetv3_small, fbgemm, 54", "mobilenetv3_small, tvm, 54",
        "mobilenetv3_small, acl, 54", "efficientnet_small, none, 37", "efficientnet_small, academic, 37",
        "efficientnet_small, tensorrt, 37", "efficientnet_small, snpe, 37", "efficientnet_small, fbgemm, 37",
        "efficientnet_small, tvm, 37", "efficientnet_small, acl, 37"})
    void everyLayerInputComesFromAQuantizer(String model, String preset, int layers) {
        OnnxModel m = load(model);
        QuantSettings s = settings(preset);
        List<QuantizerSite> sites = QuantizationSimulator.sites(m, s);
        OnnxModel prepared = s.foldBatchNorm() ? org.quantscope.core.onnx.BatchNormFolding.fold(m) : m;
        PlacementCheck.Result check = PlacementCheck.check(prepared, allEnabled(sites));
        assertTrue(check.complete(), check.warnings().toString());
        assertEquals(layers, check.computeLayers());
        Set<String> quantized = new HashSet<>();
        sites.stream().filter(x -> !x.isWeight()).forEach(x -> quantized.add(x.tensor()));
        if (s.placement() == ActivationPlacement.LAYER_INPUTS) {
            for (Layer l : prepared.layers()) { // graph 1: exactly what each layer reads is quantized
                assertTrue(quantized.contains(prepared.resolveIdentity(l.linear().input(0))), l.name());
            }
        } else {
            for (GraphNode n : prepared.nodes()) { // whole graph: HardSwish/SiLU layer outputs and SE scales
                if (n.opType().equals("Mul")) {
                    assertTrue(quantized.contains(n.output()), n.name() + " output is quantized");
                }
            }
        }
    }

    /** The placement before decision 0020 had no quantizer on the SE scale Mul: the check names each layer after it. */
    @Test
    void theCheckNamesTheLayersAPlacementWithoutTheMulRuleLeavesFloat() {
        OnnxModel m = load("mobilenetv3_small");
        List<QuantizerSite> sites = QuantizationSimulator.sites(m, QuantSettings.DEFAULT).stream()
                .filter(s -> !s.role().equals("Mul output")).toList();
        PlacementCheck.Result r = PlacementCheck.check(org.quantscope.core.onnx.BatchNormFolding.fold(m),
                allEnabled(sites));
        assertEquals(9, r.floatInputs().size(), r.floatInputs().toString());
        for (PlacementCheck.FloatInput f : r.floatInputs()) {
            assertEquals("Mul", f.producerOp());
            assertTrue(f.producer().matches("/features/features\\.\\d+/block/block\\.[12]/Mul"), f.producer());
            assertTrue(f.layer().endsWith("block.2/block.2.0/Conv") || f.layer().endsWith("block.3/block.3.0/Conv"),
                    f.layer());
        }
        assertEquals(9, r.warnings().size());
    }

    @ParameterizedTest(name = "{0}, preset {1}")
    @CsvSource({"mobilenetv3_small, none", "mobilenetv3_small, tensorrt", "efficientnet_small, none"})
    void qdqExportFeedsEveryLayerFromADequantizeLinearAndRunsAtTheSimulatedAccuracy(String model, String preset) {
        OnnxModel original = load(model);
        QuantSettings s = settings(preset).withBiasInt32(true);
        if (s.weightGranularity() == Granularity.PER_TENSOR) {
            s = s.withWeightGranularity(Granularity.PER_CHANNEL);
        }
        try (Dataset test = DemoData.test(original); Dataset pool = DemoData.calibrationPool(original)) {
            QuantizedModel qm = QuantizationSimulator.prepare(original, s, pool, CalibrationSettings.DEFAULT,
                    SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
            assertTrue(PlacementCheck.check(qm).complete());
            EvaluationResult sim = QuantizationSimulator.evaluate(qm, test, new EvaluationSettings(500, 0),
                    SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
            Path file = dir.resolve("qdq.onnx");
            QuantizedGraphWriter.save(QdqExport.deployable(qm), file);
            OnnxModel exported = OnnxModelLoader.load(file);
            int compute = 0;
            for (GraphNode n : exported.nodes()) {
                if (n.opType().equals("Conv") || n.opType().equals("Gemm") || n.opType().equals("MatMul")) {
                    compute++;
                    assertEquals("DequantizeLinear", exported.producerOf(n.input(0)).orElseThrow().opType(),
                            n.name() + ": data input straight from a DequantizeLinear");
                    assertEquals("DequantizeLinear", exported.producerOf(n.input(1)).orElseThrow().opType(),
                            n.name() + ": integer weight");
                }
            }
            assertEquals(original.layers().size(), compute);
            assertEquals(compute, exported.layers().size(), "the export's layers are found again");
            EvaluationResult deployed;
            try (InferenceSession session = InferenceSession.open(exported, SessionSettings.DEFAULT)) {
                deployed = Evaluator.evaluate(session, test, new EvaluationSettings(500, 0), ProgressListener.NONE,
                        CancellationToken.none());
            }
            assertEquals(sim.accuracy(), deployed.accuracy(), 0.001,
                    "plain ONNX Runtime on the QDQ export vs simulation");
            InputException e = assertThrows(InputException.class,
                    () -> QuantizationSimulator.sites(exported, QuantSettings.DEFAULT));
            assertTrue(e.getMessage().contains("already quantized") && e.getMessage().contains("float model"),
                    e.getMessage());
        }
    }

    /** Eq. 18-19 describe a BN output (clipped at most), not a HardSwish of it: such layers fall back to min-max. */
    @Test
    void batchNormRangesStopAtActivationsTheyDoNotModel() {
        OnnxModel m = load("mobilenetv3_small");
        List<QuantizerSite> sites = QuantizationSimulator.sites(m, QuantSettings.DEFAULT);
        QuantizerSite hardSwish = sites.stream()
                .filter(s -> s.tensor().equals("/features/features.4/block/block.0/block.0.2/Mul_output_0"))
                .findFirst().orElseThrow();
        QuantizerSite relu = sites.stream()
                .filter(s -> s.tensor().equals("/features/features.2/block/block.0/block.0.2/Relu_output_0"))
                .findFirst().orElseThrow();
        QuantSettings s = QuantSettings.DEFAULT;
        assertTrue(Calibrator.batchNormRange(m, hardSwish, s.spec(hardSwish)).isEmpty());
        assertTrue(Calibrator.batchNormRange(m, relu, s.spec(relu)).isPresent());
    }
}
