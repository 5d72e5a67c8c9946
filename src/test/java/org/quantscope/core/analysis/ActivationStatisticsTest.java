package org.quantscope.core.analysis;

import org.junit.jupiter.api.Test;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Range;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Activation statistics on the demo MobileNet, streamed over the same calibration subset the quantized model was
 * calibrated on: the min-max range equals the calibrated range, ReLU6 outputs lie in [0, 6], percentiles are ordered,
 * the histogram holds every value, and the methods that apply are all there.
 */
class ActivationStatisticsTest {

    @Test
    void statisticsOfTheCalibrationSetMatchTheCalibration() {
        DemoAssets a = DemoAssets.locate();
        OnnxModel model = OnnxModelLoader.load(a.model());
        try (Dataset pool = DatasetLoader.open(new DataSpec(a.calibImages(), a.calibLabels(), a.datasetDescription(),
                null, null, 0), ModelInputs.expected(model), false, ProgressListener.NONE, CancellationToken.none())) {
            CalibrationSettings cs = new CalibrationSettings(128, 3, CalibrationSampler.Strategy.RANDOM, 32);
            QuantizedModel qm = QuantizationSimulator.prepare(model, QuantSettings.DEFAULT, pool, cs,
                    SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
            Dataset subset = CalibrationSampler.sample(pool, cs.sampling(), cs.size(), cs.seed());
            List<ActivationStats> stats = ActivationStatistics.collect(qm, subset, 128, 50, SessionSettings.DEFAULT,
                    ProgressListener.NONE, CancellationToken.none());
            assertEquals(12, stats.size());
            Map<String, ActivationStats> byName = stats.stream().collect(Collectors.toMap(ActivationStats::quantizer,
                    s -> s));
            for (ActivationStats s : stats) {
                assertEquals(s.chosen(), s.methodRanges().get("minmax"), s.quantizer() + ": same data, same range");
                assertEquals(s.count(), s.histogram().total(), s.quantizer());
                double[] p = s.percentiles();
                for (int i = 1; i < p.length; i++) {
                    assertTrue(p[i] >= p[i - 1], s.quantizer() + " percentiles ordered");
                }
                assertTrue(s.methodRanges().keySet().containsAll(List.of("minmax", "percentile", "mse", "kl")));
            }
            ActivationStats relu6 = byName.get("/features/features.2/Clip_output_0");
            assertEquals(0f, relu6.min());
            assertEquals(6f, relu6.max());
            assertTrue(relu6.methodRanges().containsKey("bn"), "a BN precedes this ReLU6");
            Range bn = relu6.methodRanges().get("bn");
            assertTrue(bn.min() >= 0 && bn.max() <= 6, "BN range clamped to the ReLU6 bounds: " + bn);
            assertEquals(relu6.channelMin().length, relu6.channelMax().length);
            assertTrue(relu6.channelMin().length > 1);
            assertTrue(byName.get("logits").methodRanges().containsKey("ce"), "cross-entropy for the logits");
            assertEquals(1, byName.get("input").channelMin().length, "the input has one channel");
        }
    }
}
