package org.quantscope.core.transform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.onnx.BatchNormFolding;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.PlantedOutlierModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-layer equalization on a model whose pairs are joined by ReLU ({@link PlantedOutlierModel}: stem -> ReLU ->
 * depthwise -> ReLU -> pointwise): the FP32 function is unchanged (outputs equal to 1e-5) and, after convergence, the
 * equalized ranges satisfy eq. 22 (output channel i of the first layer and input channel i of the second have the
 * same range, sqrt(r1 r2)).
 */
class CrossLayerEqualizationTest {

    @TempDir
    Path dir;

    private static float[] run(OnnxModel m, float[] x, long[] shape) {
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            return s.run(x, shape, CancellationToken.none()).get("logits").data();
        }
    }

    @Test
    void reluPairsKeepTheFunctionAndMeetEquation22() throws Exception {
        OnnxModel folded = BatchNormFolding.fold(OnnxModelLoader.load(PlantedOutlierModel.write(dir.resolve("p.onnx"))));
        CrossLayerEqualization.Result r = CrossLayerEqualization.equalize(folded, CrossLayerEqualization.Relu6Handling.SKIP);
        assertEquals(List.of("stem>dw", "dw>pw"), r.pairs().stream().map(p -> p.first() + ">" + p.second()).toList());
        assertTrue(r.relu6Replaced().isEmpty());
        float[] x = new float[50 * 64];
        Random rnd = new Random(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] before = run(folded, x, new long[] {50, 1, 8, 8});
        float[] after = run(r.model(), x, new long[] {50, 1, 8, 8});
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < before.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(before[i] - after[i]));
            maxAbs = Math.max(maxAbs, Math.abs(before[i]));
        }
        assertTrue(maxDiff <= 1e-5 * Math.max(1, maxAbs), "max |logit diff| " + maxDiff);

        for (CrossLayerEqualization.Pair p : r.pairs()) {
            Layer l1 = layer(r.model(), p.first());
            Layer l2 = layer(r.model(), p.second());
            float[] w1 = r.model().constant(l1.linear().input(1)).orElseThrow().floats();
            float[] w2 = r.model().constant(l2.linear().input(1)).orElseThrow().floats();
            int c = (int) l1.weightShape()[0];
            double[] r1 = CrossLayerEqualization.ranges(w1, l1.weightShape(), CrossLayerEqualization.outAxis(l1), c);
            double[] r2 = CrossLayerEqualization.ranges(w2, l2.weightShape(), CrossLayerEqualization.inAxis(l2), c);
            for (int i = 0; i < c; i++) {
                if (r1[i] > 0 && r2[i] > 0) {
                    assertEquals(r1[i], r2[i], 1e-4 * r1[i], p.first() + ">" + p.second() + " channel " + i);
                }
            }
        }
        // the planted channel's range is no longer 200x the others in the depthwise layer
        Layer dwBefore = layer(folded, "dw");
        Layer dwAfter = layer(r.model(), "dw");
        double ratioBefore = spread(folded.constant(dwBefore.linear().input(1)).orElseThrow().floats(),
                dwBefore.weightShape());
        double ratioAfter = spread(r.model().constant(dwAfter.linear().input(1)).orElseThrow().floats(),
                dwAfter.weightShape());
        assertTrue(ratioAfter < ratioBefore / 5, ratioBefore + " -> " + ratioAfter);
    }

    @Test
    void relu6PairsAreSkippedUnlessReplaced() throws Exception {
        OnnxModel folded = BatchNormFolding.fold(OnnxModelLoader.load(
                org.quantscope.core.demo.DemoAssets.locate().model()));
        assertTrue(CrossLayerEqualization.equalize(folded, CrossLayerEqualization.Relu6Handling.SKIP).pairs().isEmpty(), "every pair is joined by ReLU6");
        CrossLayerEqualization.Result r = CrossLayerEqualization.equalize(folded, CrossLayerEqualization.Relu6Handling.REPLACE_WITH_RELU);
        assertEquals(r.pairs().size(), r.relu6Replaced().size());
        assertTrue(r.pairs().size() >= 8, r.pairs().size() + " pairs");
        assertTrue(r.model().nodes().stream().noneMatch(n -> r.relu6Replaced().contains(n.name())
                && n.opType().equals("Clip")));
    }

    private static Layer layer(OnnxModel m, String name) {
        return m.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    /** Largest over smallest non-zero channel range (axis 0). */
    private static double spread(float[] w, long[] shape) {
        double[] r = CrossLayerEqualization.ranges(w, shape, 0, (int) shape[0]);
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (double v : r) {
            if (v > 0) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi / lo;
    }
}
