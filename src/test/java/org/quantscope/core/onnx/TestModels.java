package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Builds small ONNX models in code (after ONNX Runtime's own ModelGenerators), with weights chosen for hand math. */
final class TestModels {

    private TestModels() {
    }

    static OnnxMl.TensorProto floats(String name, long[] dims, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static OnnxMl.ValueInfoProto value(String name, int elemType, Object... dims) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String p) {
                s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(p));
            } else {
                s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    static OnnxMl.NodeProto node(String op, String name, List<String> in, List<String> out,
                                 OnnxMl.AttributeProto... attrs) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in)
                .addAllOutput(out);
        for (OnnxMl.AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    static OnnxMl.AttributeProto intAttr(String name, long v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(v).build();
    }

    static OnnxMl.AttributeProto floatAttr(String name, float v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(v).build();
    }

    static OnnxMl.AttributeProto tensorAttr(String name, OnnxMl.TensorProto t) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                .setT(t).build();
    }

    static OnnxMl.ModelProto model(OnnxMl.GraphProto g, long opset) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("quantscope-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g).build();
    }

    /**
     * y = Relu(x W^T + b) with x [batch, 3], W = [[1, 2, 3], [-1, 0, 1]], b = [0.5, -0.5]; the weight reaches Gemm
     * through an Identity node. {@code batch} is a symbolic dimension, or fixed when {@code fixedBatch > 0}.
     */
    static OnnxMl.ModelProto gemmRelu(int fixedBatch) {
        Object b = fixedBatch > 0 ? (Object) fixedBatch : "batch";
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("gemm_relu")
                .addInput(value("x", 1, b, 3))
                .addOutput(value("y", 1, b, 2))
                .addInitializer(floats("W", new long[] {2, 3}, 1, 2, 3, -1, 0, 1))
                .addInitializer(floats("B", new long[] {2}, 0.5f, -0.5f))
                .addNode(node("Identity", "w_alias", List.of("W"), List.of("W_alias")))
                .addNode(node("Gemm", "fc", List.of("x", "W_alias", "B"), List.of("h"), intAttr("transB", 1)))
                .addNode(node("Relu", "relu", List.of("h"), List.of("y")))
                .build();
        return model(g, 13);
    }

    /**
     * Conv 1x1 (2 output channels, weights [2, -1]) + BatchNormalization + Clip(0, 6) with bounds from Constant nodes,
     * then GlobalAveragePool + Flatten. Input [batch, 1, 2, 2].
     */
    static OnnxMl.ModelProto convBnClip() {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("conv_bn_clip")
                .addInput(value("img", 1, "batch", 1, 2, 2))
                .addOutput(value("out", 1, "batch", 2))
                .addInitializer(floats("cw", new long[] {2, 1, 1, 1}, 2, -1))
                .addInitializer(floats("cb", new long[] {2}, 0, 1))
                .addInitializer(floats("gamma", new long[] {2}, 1, 2))
                .addInitializer(floats("beta", new long[] {2}, 0, 0.5f))
                .addInitializer(floats("mean", new long[] {2}, 1, 0))
                .addInitializer(floats("var", new long[] {2}, 4, 0.25f))
                .addNode(node("Constant", "lo", List.of(), List.of("lo"),
                        tensorAttr("value", floats("", new long[0], 0f))))
                .addNode(node("Constant", "hi", List.of(), List.of("hi"),
                        tensorAttr("value", floats("", new long[0], 6f))))
                .addNode(node("Conv", "conv", List.of("img", "cw", "cb"), List.of("c")))
                .addNode(node("BatchNormalization", "bn", List.of("c", "gamma", "beta", "mean", "var"),
                        List.of("n"), floatAttr("epsilon", 0f)))
                .addNode(node("Clip", "relu6", List.of("n", "lo", "hi"), List.of("a")))
                .addNode(node("GlobalAveragePool", "gap", List.of("a"), List.of("p")))
                .addNode(node("Flatten", "flat", List.of("p"), List.of("out")))
                .build();
        return model(g, 13);
    }
}
