package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.cli.QuantScopeCommand;
import org.quantscope.core.InputException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quantscope.core.onnx.TestModels.floats;
import static org.quantscope.core.onnx.TestModels.node;
import static org.quantscope.core.onnx.TestModels.value;

/**
 * A BatchNormalization whose scale is not a constant (here computed at run time) cannot be folded: folding names the node and the missing input, and {@code quantize} exits with code 2 and
 * that message instead of crashing.
 */
class UnfoldableBatchNormTest {

    @TempDir
    Path dir;

    private static OnnxMl.ModelProto convWithRuntimeBnScale() {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("runtime_bn")
                .addInput(value("img", 1, "batch", 1, 2, 2))
                .addOutput(value("out", 1, "batch", 2, 2, 2))
                .addInitializer(floats("cw", new long[] {2, 1, 1, 1}, 2, -1))
                .addInitializer(floats("beta", new long[] {2}, 0, 0.5f))
                .addInitializer(floats("mean", new long[] {2}, 1, 0))
                .addInitializer(floats("var", new long[] {2}, 4, 0.25f))
                .addNode(node("RandomNormal", "gamma_at_run_time", List.of(), List.of("gamma"),
                        OnnxMl.AttributeProto.newBuilder().setName("shape").addInts(2)
                                .setType(OnnxMl.AttributeProto.AttributeType.INTS).build()))
                .addNode(node("Conv", "conv", List.of("img", "cw"), List.of("c")))
                .addNode(node("BatchNormalization", "bn_runtime", List.of("c", "gamma", "beta", "mean", "var"),
                        List.of("out")))
                .build();
        return TestModels.model(g, 13);
    }

    @Test
    void foldingNamesTheNodeAndTheMissingConstant() throws Exception {
        Path file = Files.write(dir.resolve("runtime_bn.onnx"), convWithRuntimeBnScale().toByteArray());
        OnnxModel m = OnnxModelLoader.load(file);
        InputException e = assertThrows(InputException.class, () -> BatchNormFolding.fold(m));
        assertTrue(e.getMessage().contains("bn_runtime") && e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void quantizeExitsWithCode2() throws Exception {
        Path file = Files.write(dir.resolve("runtime_bn.onnx"), convWithRuntimeBnScale().toByteArray());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QuantScopeCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "quantize",
                "--model", file.toString(), "--data", "src/test/resources/models/tiny_cnn_input.npy", "--labels",
                "src/test/resources/models/labels_int64.npy", "--calib-data",
                "src/test/resources/models/tiny_cnn_input.npy", "--calib-size", "4", "-q");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("bn_runtime"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }
}
