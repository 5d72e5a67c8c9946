package org.quantscope.core.transform;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.quantscope.core.quant.FakeQuantizer;
import org.quantscope.core.util.CancelledException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rows AdaRound learns from are the layers' real computations: with unquantized weights (soft weights at their
 * initial value equal the FP32 weights) and FP32 inputs, the objective's prediction reproduces ONNX Runtime's output
 * of every layer, for convolutions (padding, stride, depthwise, 1x1), Gemm (transB, BatchNorm1d folded), MatMul on a
 * 3-D input with its bias Add, and tied weights.
 */
class AdaRoundTest {

    private static Dataset pool;
    private static OnnxModel demo;

    @BeforeAll
    static void open() {
        DemoAssets a = DemoAssets.locate();
        demo = OnnxModelLoader.load(a.model());
        pool = DatasetLoader.open(new DataSpec(a.calibImages(), a.calibLabels(), a.datasetDescription(), null, null,
                0), ModelInputs.expected(demo), false, ProgressListener.NONE, CancellationToken.none());
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static OnnxModel model(String name) {
        return switch (name) {
            case "mobilenet" -> demo;
            case "resnet" -> OnnxModelLoader.load(DemoAssets.locate().residualModel());
            default -> OnnxModelLoader.load(Path.of("src/test/resources/models/generality/" + name + ".onnx"));
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet", "resnet", "mlp_bn", "concat_cnn", "tied_resnet", "linear3d"})
    void rowsReproduceEveryLayer(String name) throws Exception {
        OnnxModel model = model(name);
        QuantSettings s = QuantSettings.DEFAULT.withWeightGranularity(Granularity.PER_CHANNEL);
        CalibrationSettings cs = new CalibrationSettings(32, 0, CalibrationSampler.Strategy.FIRST, 32);
        QuantizedModel qm = QuantizationSimulator.prepare(model, s, pool, cs, SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
        Dataset calib = CalibrationSampler.sample(pool, CalibrationSampler.Strategy.FIRST, 16, 0);
        AdaRoundSettings as = new AdaRoundSettings(10, 16, 64, 2048, 0.01, 20, 2, 0.2, 1e-3, 3);
        int checked = 0;
        for (int i = 0; i < qm.prepared().layers().size(); i++) {
            Layer l = qm.prepared().layers().get(i);
            QuantizerState w = qm.quantizersOfLayer(l.name()).stream().filter(q -> q.site().isWeight()).findFirst()
                    .orElseThrow();
            AdaRoundLayer p = AdaRoundLayer.of(qm.prepared(), l, w.encoding());
            AdaRoundObjective obj = p.capture(qm.prepared(), qm.prepared(), calib, 8, as, i, DataType.DOUBLE,
                    SessionSettings.DEFAULT, CancellationToken.none());
            double[] v = new double[obj.size()];
            for (int k = 0; k < v.length; k++) {
                double u = p.quotient[k];
                v[k] = AdaRoundObjective.inverseH(u - Math.floor(u));
            }
            double worst = 0;
            for (int b = 0; b < obj.blockCount(); b++) {
                worst = Math.max(worst, obj.lossAndGradient(v, b, 2, 0, null));
            }
            double rel = worst / obj.targetEnergy();
            assertTrue(rel < 1e-9, name + " " + l.name() + ": relative reconstruction error " + rel
                    + " with FP32 weights");
            assertTrue(obj.targetEnergy() > 0, l.name());
            checked++;
        }
        assertEquals(qm.prepared().layers().size(), checked);
    }

    /**
     * A wild schedule (learning rate 50, 3 steps) gives roundings worse than nearest: those layers must keep exactly
     * round-to-nearest, so AdaRound never ends worse than nearest on a layer's reconstruction error.
     */
    @Test
    void neverWorseThanNearest() {
        QuantSettings s = QuantSettings.DEFAULT.withBits(4, 8).withWeightGranularity(Granularity.PER_CHANNEL);
        CalibrationSettings cs = new CalibrationSettings(64, 0, CalibrationSampler.Strategy.FIRST, 32);
        QuantizedModel qm = QuantizationSimulator.prepare(demo, s, pool, cs, SessionSettings.DEFAULT,
                ProgressListener.NONE, CancellationToken.none());
        Dataset calib = CalibrationSampler.sample(pool, CalibrationSampler.Strategy.FIRST, 64, 0);
        AdaRoundSettings wild = new AdaRoundSettings(3, 64, 256, 2048, 0.01, 20, 2, 0.2, 50, 0);
        AdaRound.Result r = AdaRound.apply(qm, calib, 32, wild, SessionSettings.DEFAULT, ProgressListener.NONE,
                CancellationToken.none());
        int fellBack = 0;
        for (AdaRound.LayerResult l : r.layers()) {
            Layer layer = qm.prepared().layers().stream().filter(x -> x.name().equals(l.layer())).findFirst()
                    .orElseThrow();
            String weight = r.model().nodes().stream().filter(x -> x.name().equals(layer.linear().name()))
                    .findFirst().orElseThrow().input(1);
            float[] got = r.model().constant(r.model().resolveIdentity(weight)).orElseThrow().floats();
            if (l.kept().equals("nearest")) {
                fellBack++;
                assertTrue(l.adaroundLoss() > l.nearestLoss(), l.toString());
                QuantizerState w = qm.quantizer(l.quantizer()).orElseThrow();
                float[] orig = qm.prepared().constant(layer.weightName()).orElseThrow().floats();
                float[] nearest = new float[orig.length];
                FakeQuantizer.quantizeDequantize(orig, w.site().intShape(), w.encoding(), nearest);
                assertArrayEquals(nearest, got, l.layer() + " keeps exactly round-to-nearest");
            } else {
                assertTrue(l.adaroundLoss() <= l.nearestLoss(), l.toString());
            }
        }
        assertTrue(fellBack > 0, "a learning rate of 50 should spoil at least one layer: " + r.layers());
        CancellationToken cancel = new CancellationToken();
        assertThrows(CancelledException.class, () -> AdaRound.apply(qm, calib, 32,
                AdaRoundSettings.DEFAULT.withSamples(64), SessionSettings.DEFAULT, (done, total, m) -> {
                    if (done > 0) {
                        cancel.cancel();
                    }
                }, cancel), "a cancel during the iterations stops AdaRound");
    }
}
