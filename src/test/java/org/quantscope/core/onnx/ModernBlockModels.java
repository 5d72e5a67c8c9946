package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.quantscope.core.onnx.TestModels.floatAttr;
import static org.quantscope.core.onnx.TestModels.floats;
import static org.quantscope.core.onnx.TestModels.intAttr;
import static org.quantscope.core.onnx.TestModels.node;
import static org.quantscope.core.onnx.TestModels.value;

/**
 * Small hand-built graphs with the blocks of issue 13, each node chosen so that the expected grouping, placement and
 * signs can be read off by hand. Weights are all ones (placement does not depend on them).
 */
public final class ModernBlockModels {

    private static final float SIXTH = 1f / 6;

    private ModernBlockModels() {
    }

    /**
     * Opset 14, input x [N, 2, 4, 4]:
     * <pre>
     * c1 = Conv(x); a1 = Mul(c1, HardSigmoid(c1; alpha 1/6))          HardSwish as torch exports it at opset 13
     * c2 = Conv(a1); a2 = Mul(Sigmoid(c2), c2)                           SiLU, Mul inputs the other way round
     * p = GlobalAveragePool(a2); r = Relu(Conv(p)); g = HardSigmoid(Conv(r); alpha 1/6); m = Mul(a2, g)    SE block
     * c3 = Conv(m); a3 = Mul(c3, HardSigmoid(c3))                        alpha 0.2 (ONNX default): not HardSwish
     * c4 = Conv(a3); h4 = HardSwish(c4)                                  the HardSwish op
     * logits = Gemm(Flatten(h4))
     * </pre>
     */
    public static Path blocks(Path file) throws IOException {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("modern_blocks")
                .addInput(value("x", 1, "N", 2, 4, 4))
                .addOutput(value("logits", 1, "N", 3))
                .addInitializer(ones("w1", 2, 2, 1, 1)).addInitializer(ones("w2", 2, 2, 1, 1))
                .addInitializer(ones("wr", 1, 2, 1, 1)).addInitializer(ones("br", 1))
                .addInitializer(ones("we", 2, 1, 1, 1)).addInitializer(ones("be", 2))
                .addInitializer(ones("w3", 2, 2, 1, 1)).addInitializer(ones("w4", 2, 2, 1, 1))
                .addInitializer(ones("wf", 3, 32)).addInitializer(ones("bf", 3))
                .addNode(node("Conv", "c1", List.of("x", "w1"), List.of("c1")))
                .addNode(node("HardSigmoid", "h1", List.of("c1"), List.of("h1"), floatAttr("alpha", SIXTH)))
                .addNode(node("Mul", "a1", List.of("c1", "h1"), List.of("a1")))
                .addNode(node("Conv", "c2", List.of("a1", "w2"), List.of("c2")))
                .addNode(node("Sigmoid", "s2", List.of("c2"), List.of("s2")))
                .addNode(node("Mul", "a2", List.of("s2", "c2"), List.of("a2")))
                .addNode(node("GlobalAveragePool", "pool", List.of("a2"), List.of("p")))
                .addNode(node("Conv", "reduce", List.of("p", "wr", "br"), List.of("r0")))
                .addNode(node("Relu", "reduce_relu", List.of("r0"), List.of("r")))
                .addNode(node("Conv", "expand", List.of("r", "we", "be"), List.of("e")))
                .addNode(node("HardSigmoid", "gate", List.of("e"), List.of("g"), floatAttr("alpha", SIXTH)))
                .addNode(node("Mul", "scale", List.of("a2", "g"), List.of("m")))
                .addNode(node("Conv", "c3", List.of("m", "w3"), List.of("c3")))
                .addNode(node("HardSigmoid", "h3", List.of("c3"), List.of("h3")))
                .addNode(node("Mul", "a3", List.of("c3", "h3"), List.of("a3")))
                .addNode(node("Conv", "c4", List.of("a3", "w4"), List.of("c4")))
                .addNode(node("HardSwish", "h4", List.of("c4"), List.of("h4")))
                .addNode(node("Flatten", "flat", List.of("h4"), List.of("f")))
                .addNode(node("Gemm", "fc", List.of("f", "wf", "bf"), List.of("logits"), intAttr("transB", 1)))
                .build();
        return Files.write(file, TestModels.model(g, 14).toByteArray());
    }

    /**
     * Opset 14, input x [N, 1, 2, 2]; each tensor below is read by its own 1x1 Conv ({@code conv_<name>}), whose
     * output is a graph output:
     * <pre>
     * r = Relu(x); g = HardSigmoid(x; alpha 1/6); s = Sigmoid(x)
     * relu_gate = Mul(r, g)      non-negative: both factors are
     * hardswish = Mul(x, g)      not: x * HardSigmoid(x) reaches -0.375
     * silu = Mul(x, s)           not: x * Sigmoid(x) reaches -0.278
     * relu_twice = Mul(r, 2)     non-negative
     * relu_negated = Mul(r, -1)  not
     * bounded = Min(r, 6)        non-negative
     * floor0 = Max(x, 0)         non-negative
     * square = Mul(x, x)         non-negative
     * hardswish_op = HardSwish(x) not
     * </pre>
     */
    public static Path signs(Path file) throws IOException {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("signs")
                .addInput(value("x", 1, "N", 1, 2, 2))
                .addInitializer(ones("k", 1, 1, 1, 1))
                .addInitializer(floats("two", new long[0], 2f))
                .addInitializer(floats("minus_one", new long[0], -1f))
                .addInitializer(floats("six", new long[0], 6f))
                .addInitializer(floats("zero", new long[0], 0f))
                .addNode(node("Relu", "r", List.of("x"), List.of("r")))
                .addNode(node("HardSigmoid", "g", List.of("x"), List.of("g"), floatAttr("alpha", SIXTH)))
                .addNode(node("Sigmoid", "s", List.of("x"), List.of("s")))
                .addNode(node("Mul", "relu_gate", List.of("r", "g"), List.of("relu_gate")))
                .addNode(node("Mul", "hardswish", List.of("x", "g"), List.of("hardswish")))
                .addNode(node("Mul", "silu", List.of("x", "s"), List.of("silu")))
                .addNode(node("Mul", "relu_twice", List.of("r", "two"), List.of("relu_twice")))
                .addNode(node("Mul", "relu_negated", List.of("r", "minus_one"), List.of("relu_negated")))
                .addNode(node("Min", "bounded", List.of("r", "six"), List.of("bounded")))
                .addNode(node("Max", "floor0", List.of("x", "zero"), List.of("floor0")))
                .addNode(node("Mul", "square", List.of("x", "x"), List.of("square")))
                .addNode(node("HardSwish", "hardswish_op", List.of("x"), List.of("hardswish_op")));
        for (String t : SIGN_TENSORS) {
            g.addNode(node("Conv", "conv_" + t, List.of(t, "k"), List.of("out_" + t)));
            g.addOutput(value("out_" + t, 1, "N", 1, 2, 2));
        }
        return Files.write(file, TestModels.model(g.build(), 14).toByteArray());
    }

    /** The tensors of {@link #signs} read by a convolution. */
    public static final List<String> SIGN_TENSORS = List.of("relu_gate", "hardswish", "silu", "relu_twice",
            "relu_negated", "bounded", "floor0", "square", "hardswish_op");

    /**
     * Opset 13, inputs x [N, 4] (float) and ids [N, 2] (int64, token ids): compute layers fed by ops no placement rule
     * names.
     * <pre>
     * sm = Softmax(x)                        -> Gemm A -> ya
     * rs = Reshape(Sub(x, c), [-1, 4])       -> Gemm B -> yb
     * rl = Relu(x)                           -> Gemm C -> yc     (Relu passes x's quantized values through)
     * ua = Unsqueeze(x, 2); ub = Unsqueeze(Tanh(x), 1); fl = Flatten(MatMul(ua, ub))  -> Gemm D -> yd
     * idx = ArgMax(x); em = Gather(table, idx) -> MatMul E (constant weight) -> ye  (an embedding lookup at integer
     *                                           indices computed from the input, as token ids would be)
     * th (the Tanh output above)             -> Gemm F -> yf     (a layer input upstream of another one: ub)
     * tok = Gather(table, ids)               -> MatMul G -> yg   (an embedding of the integer input)
     * </pre>
     */
    public static Path feeds(Path file) throws IOException {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("feeds")
                .addInput(value("x", 1, "N", 4))
                .addInput(value("ids", 7, "N", 2))
                .addOutput(value("ya", 1, "N", 4)).addOutput(value("yb", 1, "N", 4))
                .addOutput(value("yc", 1, "N", 4)).addOutput(value("yd", 1, "N", 3))
                .addOutput(value("ye", 1, "N", 1, 3)).addOutput(value("yf", 1, "N", 4))
                .addOutput(value("yg", 1, "N", 2, 3))
                .addInitializer(ones("wa", 4, 4)).addInitializer(ones("wb", 4, 4)).addInitializer(ones("wc", 4, 4))
                .addInitializer(ones("wd", 3, 16)).addInitializer(ones("we", 4, 3)).addInitializer(ones("c", 4))
                .addInitializer(ones("table", 10, 4)).addInitializer(ones("wf", 4, 4))
                .addInitializer(longs("shape", -1, 4)).addInitializer(longs("axis2", 2))
                .addInitializer(longs("axis1", 1))
                .addNode(node("Softmax", "softmax", List.of("x"), List.of("sm")))
                .addNode(node("Gemm", "A", List.of("sm", "wa"), List.of("ya"), intAttr("transB", 1)))
                .addNode(node("Sub", "sub", List.of("x", "c"), List.of("sb")))
                .addNode(node("Reshape", "reshape", List.of("sb", "shape"), List.of("rs")))
                .addNode(node("Gemm", "B", List.of("rs", "wb"), List.of("yb"), intAttr("transB", 1)))
                .addNode(node("Relu", "relu", List.of("x"), List.of("rl")))
                .addNode(node("Gemm", "C", List.of("rl", "wc"), List.of("yc"), intAttr("transB", 1)))
                .addNode(node("Unsqueeze", "ua", List.of("x", "axis2"), List.of("ua")))
                .addNode(node("Tanh", "tanh", List.of("x"), List.of("th")))
                .addNode(node("Unsqueeze", "ub", List.of("th", "axis1"), List.of("ub")))
                .addNode(node("MatMul", "outer", List.of("ua", "ub"), List.of("mm")))
                .addNode(node("Flatten", "flat", List.of("mm"), List.of("fl")))
                .addNode(node("Gemm", "D", List.of("fl", "wd"), List.of("yd"), intAttr("transB", 1)))
                .addNode(node("ArgMax", "argmax", List.of("x"), List.of("idx"), intAttr("axis", 1)))
                .addNode(node("Gather", "lookup", List.of("table", "idx"), List.of("em")))
                .addNode(node("MatMul", "E", List.of("em", "we"), List.of("ye")))
                .addNode(node("Gemm", "F", List.of("th", "wf"), List.of("yf"), intAttr("transB", 1)))
                .addNode(node("Gather", "embed", List.of("table", "ids"), List.of("tok")))
                .addNode(node("MatMul", "G", List.of("tok", "we"), List.of("yg")))
                .build();
        return Files.write(file, TestModels.model(g, 13).toByteArray());
    }

    /**
     * A QDQ convolution as QuantScope's export writes it, opset 13: x [N, 2, 4, 4] -> QuantizeLinear/DequantizeLinear
     * (uint8) -> Conv whose weight is {@code int8 [3, 2, 1, 1]} (values -8..7, a 4-bit grid) behind a per-channel
     * DequantizeLinear (axis 0, zero points 0) and whose bias is int32 behind a DequantizeLinear -> y.
     */
    public static Path qdqConv(Path file) throws IOException {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("qdq_conv")
                .addInput(value("x", 1, "N", 2, 4, 4))
                .addOutput(value("y", 1, "N", 3, 4, 4))
                .addInitializer(floats("xs", new long[0], 0.05f))
                .addInitializer(integers("xz", 2, new long[0], 128))
                .addInitializer(integers("w_q", 3, new long[] {3, 2, 1, 1}, -8, 7, 1, 2, 3, -4))
                .addInitializer(floats("ws", new long[] {3}, 0.1f, 0.2f, 0.3f))
                .addInitializer(integers("wz", 3, new long[] {3}, 0, 0, 0))
                .addInitializer(integers("b_q", 6, new long[] {3}, 10, -20, 30))
                .addInitializer(floats("bs", new long[] {3}, 0.005f, 0.01f, 0.015f))
                .addNode(node("QuantizeLinear", "xq", List.of("x", "xs", "xz"), List.of("x_q")))
                .addNode(node("DequantizeLinear", "xdq", List.of("x_q", "xs", "xz"), List.of("x_dq")))
                .addNode(node("DequantizeLinear", "wdq", List.of("w_q", "ws", "wz"), List.of("w"), intAttr("axis", 0)))
                .addNode(node("DequantizeLinear", "bdq", List.of("b_q", "bs"), List.of("b"), intAttr("axis", 0)))
                .addNode(node("Conv", "conv", List.of("x_dq", "w", "b"), List.of("y")))
                .build();
        return Files.write(file, TestModels.model(g, 13).toByteArray());
    }

    private static OnnxMl.TensorProto ones(String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        java.util.Arrays.fill(v, 1f);
        return floats(name, dims, v);
    }

    private static OnnxMl.TensorProto longs(String name, long... v) {
        return integers(name, 7, new long[] {v.length}, v);
    }

    private static OnnxMl.TensorProto integers(String name, int type, long[] dims, long... v) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type);
        for (long d : dims) {
            t.addDims(d);
        }
        if (type == 7) {
            for (long x : v) {
                t.addInt64Data(x);
            }
        } else if (type == 2 || type == 3) {
            byte[] b = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                b[i] = (byte) v[i];
            }
            t.setRawData(ByteString.copyFrom(b));
        } else {
            for (long x : v) {
                t.addInt32Data((int) x);
            }
        }
        return t.build();
    }
}
