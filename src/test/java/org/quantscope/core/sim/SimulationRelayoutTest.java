package org.quantscope.core.sim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relaid simulation graph (per-tensor quantizers on ONNX Runtime's blocked layout, layout copies removed) gives
 * the same logits, bit for bit, as the simulation graph ONNX Runtime optimizes by itself, on real test images, for
 * both demo architectures (plain chain; residual Adds) and every way the simulation writes a quantizer. The number of
 * removed layout copies is checked too, so the test fails if the rewrite stops applying (and the speed-up with it).
 */
class SimulationRelayoutTest {

    private static final CalibrationSettings FIRST = new CalibrationSettings(64, 0, CalibrationSampler.Strategy.FIRST,
            32);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "mobilenet, w8a8, 17",
            "mobilenet, pytorch, 17",
            "mobilenet, a4, 17",
            "mobilenet, w4-per-channel, 17",
            "mobilenet, one-disabled, 15",
            "resnet, w8a8, 14",
            "resnet, pytorch, 14",
            "concat_cnn, w8a8, 6",
            "tied_resnet, w8a8, 2",
    })
    void relaidGraphGivesTheSameLogitsBitForBit(String which, String variant, int minChains) {
        DemoAssets a = DemoAssets.locate();
        OnnxModel model = OnnxModelLoader.load(switch (which) {
            case "mobilenet" -> a.model();
            case "resnet" -> a.residualModel();
            default -> Path.of("src/test/resources/models/generality/" + which + ".onnx");
        });
        QuantSettings s = switch (variant) {
            case "w8a8" -> QuantSettings.DEFAULT;
            case "pytorch" -> QuantSettings.DEFAULT.withConvention(ScaleConvention.PYTORCH);
            case "a4" -> QuantSettings.DEFAULT.withBits(8, 4);
            case "w4-per-channel" -> QuantSettings.DEFAULT.withBits(4, 8).withWeightGranularity(Granularity.PER_CHANNEL);
            case "one-disabled" -> QuantSettings.DEFAULT.withOverride(firstLayerOutput(model),
                    QuantizerOverride.DISABLED);
            default -> throw new IllegalArgumentException(variant);
        };
        SessionSettings session = new SessionSettings(0, true);
        try (Dataset pool = DemoData.calibrationPool(model); Dataset test = DemoData.test(model)) {
            QuantizedModel qm = QuantizationSimulator.prepare(model, s, pool, FIRST, session, ProgressListener.NONE,
                    CancellationToken.none());
            String out = model.outputs().get(0).name();
            try (InferenceSession standard = InferenceSession.open(qm.simulation(), session.forSimulation());
                 InferenceSession relaid = InferenceSession.open(qm.simulation(),
                         session.forSimulation().withRelayout(true))) {
                assertEquals(0, standard.reordersRemoved());
                assertTrue(relaid.reordersRemoved() >= minChains,
                        "layout copies removed: " + relaid.reordersRemoved() + ", expected at least " + minChains);
                for (int from = 0; from < 512; from += 64) {
                    Batch b = test.read(from, from + 64);
                    float[] x = standard.run(b.data(), b.shape(), List.of(out), CancellationToken.none()).get(out)
                            .data();
                    float[] y = relaid.run(b.data(), b.shape(), List.of(out), CancellationToken.none()).get(out)
                            .data();
                    assertEquals(x.length, y.length);
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]),
                                "logit " + i + " of images " + from + "..: " + x[i] + " vs " + y[i]);
                    }
                }
            }
        }
    }

    /** The activation quantizer at the output of the first layer (a site name the override can address). */
    private static String firstLayerOutput(OnnxModel model) {
        return QuantizationSimulator.sites(model, QuantSettings.DEFAULT).stream()
                .filter(q -> q.kind() == QuantizerKind.ACTIVATION && !model.inputs().get(0).name().equals(q.tensor()))
                .findFirst().orElseThrow().name();
    }
}
