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
            assertTrue(org.quantscope.core.onnx.SideBranches.of(qm.prepared(), QuantizationSimulator.withOnly(qm,
                    q -> q.site().isWeight()).simulation(), qm.prepared().layers().stream()
                    .map(l -> l.linear().name()).toList()).isPresent(), "the one-pass path applies to the demo");
            // the one-pass measurement (every layer's quantized-weight copy beside the FP32 graph) equals the
            // layer-by-layer one of eq. 27 (only that layer's weights quantized, its own pair of sessions)
            for (BiasCorrection.LayerCorrection c : r.corrections()) {
                Layer l = qm.prepared().layers().stream().filter(x -> x.name().equals(c.layer())).findFirst()
                        .orElseThrow();
                QuantizedModel only = QuantizationSimulator.withOnly(qm, q -> q.site().isWeight()
                        && l.name().equals(q.site().layer()));
                double[] ref = BiasCorrection.meanShift(qm.prepared(), only.simulation(), l.linear().output(), calib,
                        64, session, CancellationToken.none());
                assertEquals(ref.length, c.correction().length, l.name());
                for (int ch = 0; ch < ref.length; ch++) {
                    assertEquals(ref[ch], c.correction()[ch], 1e-6 * (1 + Math.abs(ref[ch])),
                            l.name() + " channel " + ch);
                }
            }
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

    /** Eq. 28 and its clipped generalization against hand-computed values (standard normal tables). */
    @Test
    void clippedNormalMeans() {
        assertEquals(0.975002, BiasCorrection.cdf(1.96), 1e-6);
        assertEquals(0.5, BiasCorrection.cdf(0), 1e-7);
        // E[ReLU(X)], X ~ N(0, 1) = phi(0) = 1/sqrt(2 pi)
        assertEquals(1 / Math.sqrt(2 * Math.PI), BiasCorrection.clippedNormalMean(0, 1, 0, Double.POSITIVE_INFINITY),
                1e-7);
        // eq. 28 with beta = 1, gamma = 2: gamma phi(-1/2) + beta (1 - Phi(-1/2)) = 2 * 0.3520653 + 0.6914625
        assertEquals(1.3955931, BiasCorrection.clippedNormalMean(1, 2, 0, Double.POSITIVE_INFINITY), 1e-6);
        // no clipping: the mean itself; clipping far away changes nothing
        assertEquals(-0.7, BiasCorrection.clippedNormalMean(-0.7, 0.3, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY), 1e-12);
        assertEquals(3, BiasCorrection.clippedNormalMean(3, 0.01, 0, 6), 1e-9);
        // ReLU6 of N(6, small): half the mass clips at 6 -> mean just below 6
        double m = BiasCorrection.clippedNormalMean(6, 0.1, 0, 6);
        assertEquals(6 - 0.1 / Math.sqrt(2 * Math.PI), m, 1e-6);
    }

    private static double meanAbs(double[] v) {
        double s = 0;
        for (double d : v) {
            s += Math.abs(d);
        }
        return s / v.length;
    }
}
