package org.quantscope.core.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.NpyReader;
import org.quantscope.core.data.NumericArray;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.util.CancellationToken;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BN folding (eq. 10-12) keeps the FP32 function: ONNX Runtime's outputs of the folded graph equal the original's.
 * Tolerance: 1e-5 absolute for the small fixtures; for the demo models 1e-5 relative to the largest logit, since a
 * dead channel's weights grow by gamma/sqrt(eps) (~300x) and float32 rounding grows with them.
 */
class BatchNormFoldingTest {

    static float[] run(OnnxModel m, float[] x, long[] shape) {
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            return s.run(x, shape, CancellationToken.none()).get(m.outputs().get(0).name()).data();
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void foldedConvBnClipMatchesHandMathAndRemovesTheBnNode(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path p = dir.resolve("c.onnx");
        Files.write(p, TestModels.convBnClip().toByteArray());
        OnnxModel m = OnnxModelLoader.load(p);
        OnnxModel f = BatchNormFolding.fold(m);
        assertTrue(f.nodes().stream().noneMatch(n -> n.opType().equals("BatchNormalization")));
        Layer l = f.layers().get(0);
        // eps 0: s = [1/2, 2/0.5] = [0.5, 4]; W' = [2*0.5, -1*4]; b' = s*(b - mu) + beta = [0.5*(0-1)+0, 4*(1-0)+0.5]
        assertArrayEquals(new float[] {1f, -4f}, f.constants().get(l.weightName()).floats(), 1e-7f);
        assertArrayEquals(new float[] {-0.5f, 4.5f}, f.constants().get(l.biasName()).floats(), 1e-7f);
        assertEquals("cw", m.layers().get(0).weightName(), "the original model is unchanged");
        float[] x = {1, 2, 3, 4};
        assertArrayEquals(run(m, x, new long[] {1, 1, 2, 2}), run(f, x, new long[] {1, 1, 2, 2}), 1e-6f);
    }

    @Test
    void pytorchFixtureKeepsItsOutputsAndSharedWeights() {
        Path models = Path.of("src/test/resources/models");
        NumericArray in = NpyReader.read(models.resolve("tiny_cnn_input.npy"));
        float[] x = PyTorchGoldenTest.floats(in);
        OnnxModel m = OnnxModelLoader.load(models.resolve("tiny_cnn.onnx"));
        OnnxModel f = BatchNormFolding.fold(m);
        assertTrue(f.nodes().stream().noneMatch(n -> n.opType().equals("BatchNormalization")));
        assertEquals(m.layers().size(), f.layers().size());
        assertTrue(maxAbsDiff(run(m, x, in.shape()), run(f, x, in.shape())) < 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenet-fmnist.onnx", "resnet-fmnist.onnx"})
    void demoModelsKeepTheirLogits(String name) {
        DemoAssets a = DemoAssets.locate();
        OnnxModel m = OnnxModelLoader.load(a.folder().resolve(name));
        OnnxModel f = BatchNormFolding.fold(m);
        assertTrue(f.nodes().stream().noneMatch(n -> n.opType().equals("BatchNormalization")));
        Batch b;
        try (Dataset d = DatasetLoader.open(DataSpec.of(a.testImages()).withLabels(a.testLabels())
                .withDescription(a.datasetDescription()))) {
            b = d.read(0, 500);
        }
        float[] before = run(m, b.data(), b.shape());
        float[] after = run(f, b.data(), b.shape());
        double scale = 0;
        for (float v : before) {
            scale = Math.max(scale, Math.abs(v));
        }
        double diff = maxAbsDiff(before, after);
        assertTrue(diff <= 1e-5 * scale, "max |logit diff| " + diff + " with logits up to " + scale);
    }
}
