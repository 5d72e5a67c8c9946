package org.quantscope.core.transform;

import org.junit.jupiter.api.Test;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.SubsetDataset;
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
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Empirical bias correction on the demo MobileNet with W4 per-channel weights: with every weight quantized, the mean
 * shift of each layer's pre-activation output against FP32 is smaller after the correction than before, measured on
 * held-out test images (not the calibration images the correction was computed from).
 */
class BiasCorrectionTest {

    @Test
    void correctionRemovesTheLayerwiseMeanShift() {
        DemoAssets a = DemoAssets.locate();
        OnnxModel model = OnnxModelLoader.load(a.model());
        SessionSettings session = SessionSettings.DEFAULT;
        try (Dataset pool = DatasetLoader.open(new DataSpec(a.calibImages(), a.calibLabels(), a.datasetDescription(),
                null, null, 0), ModelInputs.expected(model), false, ProgressListener.NONE, CancellationToken.none());
             Dataset test = DatasetLoader.open(new DataSpec(a.testImages(), a.testLabels(), a.datasetDescription(),
                     null, null, 0), ModelInputs.expected(model), ProgressListener.NONE, CancellationToken.none())) {
            QuantSettings s = QuantSettings.DEFAULT.withBits(4, 8).withWeightGranularity(Granularity.PER_CHANNEL);
            CalibrationSettings cs = new CalibrationSettings(256, 0, CalibrationSampler.Strategy.FIRST, 64);
            QuantizedModel qm = QuantizationSimulator.prepare(model, s, pool, cs, session, ProgressListener.NONE,
                    CancellationToken.none());
            SubsetDataset calib = CalibrationSampler.sample(pool, cs.sampling(), cs.size(), cs.seed());
            BiasCorrection.Result r = BiasCorrection.empirical(qm, calib, 64, session, ProgressListener.NONE,
                    CancellationToken.none());
            assertEquals(10, r.corrections().size());
            QuantizedModel corrected = QuantizationSimulator.prepare(model, r.model(), s, pool, cs, session,
                    ProgressListener.NONE, CancellationToken.none());
            SubsetDataset held = SubsetDataset.first(test, 500);
            QuantizedModel weightsBefore = QuantizationSimulator.withOnly(qm, q -> q.site().isWeight());
            QuantizedModel weightsAfter = QuantizationSimulator.withOnly(corrected, q -> q.site().isWeight());
            int reduced = 0;
            double sumBefore = 0;
            double sumAfter = 0;
            for (Layer l : qm.prepared().layers()) {
                String t = l.linear().output();
                double before = meanAbs(BiasCorrection.meanShift(qm.prepared(), weightsBefore.simulation(), t, held,
                        100, session, CancellationToken.none()));
                double after = meanAbs(BiasCorrection.meanShift(qm.prepared(), weightsAfter.simulation(), t, held,
                        100, session, CancellationToken.none()));
                sumBefore += before;
                sumAfter += after;
                if (after < before) {
                    reduced++;
                }
            }
            assertTrue(sumAfter < sumBefore / 2, "total mean shift " + sumBefore + " -> " + sumAfter);
            assertTrue(reduced >= 8, reduced + " of 10 layers have a smaller mean shift on held-out data");
        }
    }

    private static double meanAbs(double[] v) {
        double s = 0;
        for (double d : v) {
            s += Math.abs(d);
        }
        return s / v.length;
    }
}
