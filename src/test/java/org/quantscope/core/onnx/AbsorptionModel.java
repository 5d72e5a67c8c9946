package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.quantscope.core.onnx.TestModels.floatAttr;
import static org.quantscope.core.onnx.TestModels.floats;
import static org.quantscope.core.onnx.TestModels.node;
import static org.quantscope.core.onnx.TestModels.value;

/**
 * Conv 1x1 (1 -> 2 channels) + BatchNormalization with a high shift (beta = 5 and 4, gamma = 1 and 0.5) + Relu, then
 * Conv 1x1 (2 -> 2) with bias: a pair whose first layer's bias can be absorbed (c = beta - 3 gamma = 2 and 2.5), with
 * 1x1 kernels so that no padding makes the absorption approximate. Input [N, 1, 2, 2], output "logits" [N, 2, 2, 2].
 */
public final class AbsorptionModel {

    private AbsorptionModel() {
    }

    /** Writes the model to {@code file}. */
    public static Path write(Path file) throws IOException {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("absorption")
                .addInput(value("input", 1, "N", 1, 2, 2))
                .addOutput(value("logits", 1, "N", 2, 2, 2))
                .addInitializer(floats("c1.weight", new long[] {2, 1, 1, 1}, 0.5f, -0.25f))
                .addInitializer(floats("bn.gamma", new long[] {2}, 1f, 0.5f))
                .addInitializer(floats("bn.beta", new long[] {2}, 5f, 4f))
                .addInitializer(floats("bn.mean", new long[] {2}, 0f, 0f))
                .addInitializer(floats("bn.var", new long[] {2}, 1f, 1f))
                .addInitializer(floats("c2.weight", new long[] {2, 2, 1, 1}, 1f, -2f, 0.5f, 3f))
                .addInitializer(floats("c2.bias", new long[] {2}, 0.1f, -0.2f))
                .addNode(node("Conv", "c1", List.of("input", "c1.weight"), List.of("a")))
                .addNode(node("BatchNormalization", "bn", List.of("a", "bn.gamma", "bn.beta", "bn.mean", "bn.var"),
                        List.of("b"), floatAttr("epsilon", 0f)))
                .addNode(node("Relu", "relu", List.of("b"), List.of("r")))
                .addNode(node("Conv", "c2", List.of("r", "c2.weight", "c2.bias"), List.of("logits")))
                .build();
        return Files.write(file, TestModels.model(g, 13).toByteArray());
    }
}
