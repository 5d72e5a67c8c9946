package org.quantscope.core.onnx;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantscope.core.data.NpyReader;
import org.quantscope.core.data.NumericArray;
import org.quantscope.core.util.CancellationToken;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Models exported from PyTorch (tools/make_test_models.py) run in ONNX Runtime through QuantScope give the logits
 * PyTorch computed in eval mode. Tolerance 1e-4 absolute: float32 summation order differs between the two runtimes.
 */
class PyTorchGoldenTest {

    static final Path MODELS = Path.of("src/test/resources/models");

    static float[] floats(NumericArray a) {
        float[] f = new float[(int) a.elementCount()];
        a.copyAsFloat(0, f.length, f, 0);
        return f;
    }

    @ParameterizedTest
    @CsvSource({"tiny_cnn.onnx,tiny_cnn", "tiny_cnn_fixed_batch1.onnx,tiny_cnn", "tiny_cnn_opset11.onnx,tiny_cnn",
            "mlp.onnx,mlp"})
    void logitsMatchPyTorch(String model, String fixture) {
        NumericArray in = NpyReader.read(MODELS.resolve(fixture + "_input.npy"));
        NumericArray expected = NpyReader.read(MODELS.resolve(fixture + "_expected.npy"));
        OnnxModel m = OnnxModelLoader.load(MODELS.resolve(model));
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            FloatTensor out = s.run(floats(in), in.shape(), CancellationToken.none())
                    .get(m.outputs().get(0).name());
            assertArrayEquals(expected.shape(), out.shape());
            assertArrayEquals(floats(expected), out.data(), 1e-4f);
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny_cnn.onnx,6", "mlp.onnx,2"})
    void everyConvAndGemmBecomesALayer(String model, int layers) {
        OnnxModel m = OnnxModelLoader.load(MODELS.resolve(model));
        assertEquals(layers, m.layers().size());
    }
}
