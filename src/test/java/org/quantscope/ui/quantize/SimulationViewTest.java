package org.quantscope.ui.quantize;

import org.junit.jupiter.api.Test;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.ui.DemoFiles;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Quantization tab's placement badge: empty when every quantized layer reads quantized inputs, else how many do
 * not, with the layer, tensor and reason in its tooltip text (MobileNetV3-small, 200 demo test images).
 */
class SimulationViewTest {

    private static final String SE_SCALE = "/features/features.4/block/block.2/Mul_output_0";

    private static String[] badge(QuantSettings settings) {
        DemoAssets demo = DemoFiles.require();
        OnnxModel m = OnnxModelLoader.load(Path.of("src/test/resources/models/modern/mobilenetv3_small.onnx"));
        CalibrationSettings calibration = new CalibrationSettings(32, 0, CalibrationSampler.Strategy.FIRST, 32);
        try (Dataset test = open(m, new DataSpec(demo.testImages(), demo.testLabels(), demo.datasetDescription(),
                null, null, 0)); Dataset pool = open(m, new DataSpec(demo.calibImages(), demo.calibLabels(),
                demo.datasetDescription(), null, null, 0))) {
            SimulationResult r = QuantizationSimulator.simulate(m, test, pool, settings, calibration,
                    new EvaluationSettings(100, 200), SessionSettings.DEFAULT, null, ProgressListener.NONE,
                    CancellationToken.none());
            SimulationView view = new SimulationView();
            view.show(r, new SimulationRequest(settings, calibration, null, PtqPipeline.Fixes.NONE), null, null);
            return new String[] {view.floatInputsProperty().get(), view.floatInputsDetailProperty().get()};
        }
    }

    private static Dataset open(OnnxModel m, DataSpec spec) {
        return DatasetLoader.open(spec, ModelInputs.expected(m), false, ProgressListener.NONE,
                CancellationToken.none());
    }

    @Test
    void completePlacementShowsNoBadge() {
        assertEquals("", badge(QuantSettings.DEFAULT)[0]);
    }

    @Test
    void aDisabledInputQuantizerShowsTheBadgeWithTheLayer() {
        String[] b = badge(QuantSettings.DEFAULT.withOverride(SE_SCALE, QuantizerOverride.DISABLED));
        assertEquals("1 of 54 quantized layers read float inputs", b[0]);
        assertTrue(b[1].contains("/features/features.4/block/block.3/block.3.0/Conv (" + SE_SCALE + ")"), b[1]);
    }
}
