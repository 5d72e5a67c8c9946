package org.quantscope.core.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceSessionTest {

    @TempDir
    Path dir;

    private OnnxModel load(String name, ai.onnx.proto.OnnxMl.ModelProto m) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, m.toByteArray());
        return OnnxModelLoader.load(p);
    }

    /** Hand math: W = [[1,2,3],[-1,0,1]], b = [0.5,-0.5], y = relu(x W^T + b). */
    private static float[] expected(float[] x) {
        float[] y = new float[x.length / 3 * 2];
        for (int i = 0; i < x.length / 3; i++) {
            float a = x[3 * i];
            float b = x[3 * i + 1];
            float c = x[3 * i + 2];
            y[2 * i] = Math.max(0, a + 2 * b + 3 * c + 0.5f);
            y[2 * i + 1] = Math.max(0, -a + c - 0.5f);
        }
        return y;
    }

    @Test
    void gemmOutputsMatchHandComputation() throws Exception {
        float[] x = {1, 0, 0, 0, 1, 0, -1, -1, 2, 0.25f, -3, 4};
        try (InferenceSession s = InferenceSession.open(load("g.onnx", TestModels.gemmRelu(0)),
                SessionSettings.DEFAULT)) {
            assertEquals(0, s.fixedBatch());
            FloatTensor y = s.run(x, new long[] {4, 3}, CancellationToken.none()).get("y");
            assertArrayEquals(new long[] {4, 2}, y.shape());
            assertArrayEquals(expected(x), y.data(), 1e-6f);
        }
    }

    @Test
    void runReusingOutputsGivesTheSameValuesAsRunBatchAfterBatch() throws Exception {
        float[][] batches = {{1, 0, 0, 0, 1, 0}, {-1, -1, 2, 0.25f, -3, 4}, {5, 5, 5, 2, 2, 2}, {7, -7, 1}};
        try (InferenceSession s = InferenceSession.open(load("gr.onnx", TestModels.gemmRelu(0)),
                SessionSettings.DEFAULT)) {
            for (float[] x : batches) {
                long[] shape = {x.length / 3, 3};
                FloatTensor plain = s.run(x, shape, CancellationToken.none()).get("y");
                FloatTensor reused = s.runReusingOutputs(x, shape, List.of("y"), CancellationToken.none()).get("y");
                assertArrayEquals(plain.shape(), reused.shape());
                assertArrayEquals(expected(x), reused.data(), 1e-6f);
                assertArrayEquals(plain.data(), reused.data(), 0f);
            }
        }
    }

    @Test
    void fixedBatchOneModelRunsAnyBatchInChunks() throws Exception {
        float[] x = {1, 0, 0, 0, 1, 0, -1, -1, 2, 0.25f, -3, 4, 5, 5, 5};
        try (InferenceSession s = InferenceSession.open(load("g1.onnx", TestModels.gemmRelu(1)),
                new SessionSettings(1, true))) {
            assertEquals(1, s.fixedBatch());
            FloatTensor y = s.run(x, new long[] {5, 3}, CancellationToken.none()).get("y");
            assertArrayEquals(new long[] {5, 2}, y.shape());
            assertArrayEquals(expected(x), y.data(), 1e-6f);
        }
    }

    @Test
    void capturesIntermediateTensorsAndFoldsNothing() throws Exception {
        // conv: c0 = 2x, c1 = -x + 1; bn (eps 0): n0 = (c0 - 1)/2, n1 = 2 (c1 - 0)/0.5 + 0.5; clip [0,6]; mean
        float[] x = {1, 2, 3, 4};
        try (InferenceSession s = InferenceSession.open(load("c.onnx", TestModels.convBnClip()),
                SessionSettings.DEFAULT, List.of("c", "a"))) {
            Map<String, FloatTensor> r = s.run(x, new long[] {1, 1, 2, 2}, CancellationToken.none());
            assertArrayEquals(new float[] {2, 4, 6, 8, 0, -1, -2, -3}, r.get("c").data(), 1e-6f);
            float[] a = new float[8];
            float m0 = 0;
            float m1 = 0;
            for (int i = 0; i < 4; i++) {
                a[i] = Math.min(6, Math.max(0, (2 * x[i] - 1) / 2));
                a[4 + i] = Math.min(6, Math.max(0, 4 * (1 - x[i]) + 0.5f));
                m0 += a[i] / 4;
                m1 += a[4 + i] / 4;
            }
            assertArrayEquals(a, r.get("a").data(), 1e-6f);
            assertArrayEquals(new float[] {m0, m1}, r.get("out").data(), 1e-6f);
        }
    }

    @Test
    void unknownCaptureTensorIsAnInputError() throws Exception {
        OnnxModel m = load("c.onnx", TestModels.convBnClip());
        assertThrows(InputException.class, () -> InferenceSession.open(m, SessionSettings.DEFAULT, List.of("zz")));
    }

    @Test
    void wrongInputShapeGivesMessageNamingTheInput() throws Exception {
        try (InferenceSession s = InferenceSession.open(load("g.onnx", TestModels.gemmRelu(0)),
                SessionSettings.DEFAULT)) {
            InputException e = assertThrows(InputException.class,
                    () -> s.run(new float[8], new long[] {2, 4}, CancellationToken.none()));
            assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        }
    }

    @Test
    void cancelledTokenStopsBeforeRunning() throws Exception {
        CancellationToken t = new CancellationToken();
        t.cancel();
        try (InferenceSession s = InferenceSession.open(load("g.onnx", TestModels.gemmRelu(0)),
                SessionSettings.DEFAULT)) {
            assertThrows(CancelledException.class, () -> s.run(new float[3], new long[] {1, 3}, t));
        }
    }
}
