package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.quantscope.core.onnx.TestModels.floats;
import static org.quantscope.core.onnx.TestModels.intAttr;
import static org.quantscope.core.onnx.TestModels.node;
import static org.quantscope.core.onnx.TestModels.value;

/**
 * A small CNN with one planted outlier channel, the situation BN folding creates in the demo MobileNet: a depthwise
 * convolution whose channel 2 has weights 200x larger than the others, while that channel's input is always 0 (the
 * first convolution's channel 2 has negative weights and bias, so its ReLU output is 0) and its output stays small.
 * Per-tensor weight quantization of that layer rounds every other channel's weights to almost nothing; per-channel
 * quantization does not. Layout: input [N,1,8,8] -> Conv 3x3 1->4 + Relu ("stem") -> depthwise Conv 3x3 4->4 + Relu
 * ("dw", the planted layer) -> Conv 1x1 4->6 + Relu ("pw") -> Flatten -> Gemm 384->3 ("fc").
 */
public final class PlantedOutlierModel {

    private PlantedOutlierModel() {
    }

    /** Writes the model to {@code file}. */
    public static Path write(Path file) throws IOException {
        Random r = new Random(11);
        float[] stemW = gaussian(r, 4 * 9, 0.5f);
        float[] stemB = {0.1f, 0.05f, -1f, 0.2f};
        for (int i = 2 * 9; i < 3 * 9; i++) {
            stemW[i] = 0f; // channel 2: weights 0, bias -1 -> ReLU gives 0 for every input
        }
        float[] dwW = gaussian(r, 4 * 9, 0.4f);
        for (int i = 2 * 9; i < 3 * 9; i++) {
            dwW[i] *= 200f; // the planted outlier channel
        }
        float[] dwB = {0.05f, 0.1f, 0.3f, -0.05f};
        float[] pwW = gaussian(r, 6 * 4, 0.6f);
        float[] pwB = gaussian(r, 6, 0.1f);
        float[] fcW = gaussian(r, 3 * 6 * 64, 0.1f);
        float[] fcB = {0f, 0.1f, -0.1f};
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("planted_outlier")
                .addInput(value("input", 1, "N", 1, 8, 8))
                .addOutput(value("logits", 1, "N", 3))
                .addInitializer(floats("stem.weight", new long[] {4, 1, 3, 3}, stemW))
                .addInitializer(floats("stem.bias", new long[] {4}, stemB))
                .addInitializer(floats("dw.weight", new long[] {4, 1, 3, 3}, dwW))
                .addInitializer(floats("dw.bias", new long[] {4}, dwB))
                .addInitializer(floats("pw.weight", new long[] {6, 4, 1, 1}, pwW))
                .addInitializer(floats("pw.bias", new long[] {6}, pwB))
                .addInitializer(floats("fc.weight", new long[] {3, 6 * 64}, fcW))
                .addInitializer(floats("fc.bias", new long[] {3}, fcB))
                .addNode(node("Conv", "stem", List.of("input", "stem.weight", "stem.bias"), List.of("s"),
                        pads()))
                .addNode(node("Relu", "stem_relu", List.of("s"), List.of("s_act")))
                .addNode(node("Conv", "dw", List.of("s_act", "dw.weight", "dw.bias"), List.of("d"), pads(),
                        intAttr("group", 4)))
                .addNode(node("Relu", "dw_relu", List.of("d"), List.of("d_act")))
                .addNode(node("Conv", "pw", List.of("d_act", "pw.weight", "pw.bias"), List.of("p")))
                .addNode(node("Relu", "pw_relu", List.of("p"), List.of("p_act")))
                .addNode(node("Flatten", "flat", List.of("p_act"), List.of("f")))
                .addNode(node("Gemm", "fc", List.of("f", "fc.weight", "fc.bias"), List.of("logits"),
                        intAttr("transB", 1)))
                .build();
        return Files.write(file, TestModels.model(g, 13).toByteArray());
    }

    private static OnnxMl.AttributeProto pads() {
        return OnnxMl.AttributeProto.newBuilder().setName("pads").setType(OnnxMl.AttributeProto.AttributeType.INTS)
                .addInts(1).addInts(1).addInts(1).addInts(1).build();
    }

    private static float[] gaussian(Random r, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * std;
        }
        return v;
    }
}
