package org.quantscope.core.transform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.onnx.AbsorptionModel;
import org.quantscope.core.onnx.BatchNormFolding;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bias absorption (eq. 23-24) on {@link AbsorptionModel}: c = max(0, beta - 3 gamma) scaled by the equalization,
 * the first layer's activation range shrinks by c, and the function is unchanged for inputs whose pre-activation
 * stays above c (here |x| &lt;= 2, so pre-activations are at least 4 and 3.5).
 */
class BiasAbsorptionTest {

    @TempDir
    Path dir;

    @Test
    void absorbsTheBnShiftWithoutChangingTheFunction() throws Exception {
        OnnxModel original = OnnxModelLoader.load(AbsorptionModel.write(dir.resolve("a.onnx")));
        CrossLayerEqualization.Result cle = CrossLayerEqualization.equalize(BatchNormFolding.fold(original), CrossLayerEqualization.Relu6Handling.SKIP);
        assertEquals(1, cle.pairs().size());
        BiasAbsorption.Result r = BiasAbsorption.absorb(cle, original);
        assertEquals(1, r.absorbed().size());
        double[] s = cle.pairs().get(0).scales();
        double[] c = r.absorbed().get(0).absorbed();
        assertEquals((5 - 3 * 1) / s[0], c[0], 1e-9);
        assertEquals((4 - 3 * 0.5) / s[1], c[1], 1e-9);
        float[] x = {2f, -2f, 1f, 0f, -1.5f, 0.5f, 1.25f, -0.75f};
        long[] shape = {2, 1, 2, 2};
        float[] before = run(original, x, shape, "logits");
        float[] after = run(r.model(), x, shape, "logits");
        assertArrayEquals(before, after, 1e-5f);
        float[] relu = run(r.model(), x, shape, "r");
        float[] reluBefore = run(cle.model(), x, shape, "r");
        for (int i = 0; i < relu.length; i++) {
            int ch = (i / 4) % 2;
            assertEquals(reluBefore[i] - c[ch], relu[i], 1e-5, "activation shifted down by c");
            assertTrue(relu[i] >= 0);
        }
    }

    private static float[] run(OnnxModel m, float[] x, long[] shape, String out) {
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT, java.util.List.of(out))) {
            return s.run(x, shape, java.util.List.of(out), CancellationToken.none()).get(out).data();
        }
    }
}
