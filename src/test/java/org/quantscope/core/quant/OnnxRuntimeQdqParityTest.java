package org.quantscope.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link FakeQuantizer} against ONNX Runtime's own QuantizeLinear -> DequantizeLinear (opset 13): the outputs must be
 * identical bit for bit, ties and saturation included.
 */
class OnnxRuntimeQdqParityTest {

    private static OnnxMl.TensorProto tensor(String name, int type, long[] dims, byte[] raw) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** y = DequantizeLinear(QuantizeLinear(x, s, z), s, z) for an 8-bit encoding. */
    private static byte[] qdqModel(Encoding e, long[] shape) {
        boolean perChannel = e.spec().granularity() == Granularity.PER_CHANNEL;
        long[] pdims = perChannel ? new long[] {e.channels()} : new long[0];
        byte[] zp = new byte[e.channels()];
        for (int c = 0; c < zp.length; c++) {
            zp[c] = (byte) e.zeroPoint(c);
        }
        int zType = e.signed() ? 3 : 2; // INT8 : UINT8
        OnnxMl.ValueInfoProto.Builder in = valueInfo("x", shape);
        OnnxMl.NodeProto.Builder q = OnnxMl.NodeProto.newBuilder().setOpType("QuantizeLinear").setName("q")
                .addInput("x").addInput("s").addInput("z").addOutput("xq");
        OnnxMl.NodeProto.Builder dq = OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").setName("dq")
                .addInput("xq").addInput("s").addInput("z").addOutput("y");
        if (perChannel) {
            OnnxMl.AttributeProto axis = OnnxMl.AttributeProto.newBuilder().setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(e.spec().axis()).build();
            q.addAttribute(axis);
            dq.addAttribute(axis);
        }
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("qdq").addInput(in).addOutput(valueInfo("y",
                        shape))
                .addInitializer(tensor("s", 1, pdims, floatBytes(e.scales())))
                .addInitializer(tensor("z", zType, pdims, zp)).addNode(q).addNode(dq).build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("quantscope-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g)
                .build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto.Builder valueInfo(String name, long[] shape) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)));
    }

    private static float[] runOrt(Encoding e, float[] x, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // keep the Q/DQ pair
            try (OrtSession session = env.createSession(qdqModel(e, shape), opts);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result r = session.run(Map.of("x", in))) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] y = new float[x.length];
                fb.get(y);
                return y;
            }
        }
    }

    private static float[] data(long seed, int n, float spread, float step) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // half random, half exact ties k + 0.5 steps, to exercise round-half-to-even
            x[i] = i % 2 == 0 ? (float) (r.nextGaussian() * spread) : (r.nextInt(400) - 200 + 0.5f) * step;
        }
        return x;
    }

    private static void assertBitwiseEqual(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    "index " + i + ": ORT " + expected[i] + " vs " + actual[i]);
        }
    }

    @Test
    void perTensorInt8AndUint8() throws OrtException {
        float[][] ranges = {{-1f, 3f}, {-0.37f, 1.234567f}, {0f, 6f}, {-2.5f, 2.5f}};
        for (float[] range : ranges) {
            for (boolean signed : new boolean[] {true, false}) {
                for (boolean symmetric : new boolean[] {true, false}) {
                    // QuantizeLinear divides by the scale: the ONNX convention must equal it bit for bit. The
                    // PyTorch convention uses PyTorch's x * (1f / s) instead (checked below and in
                    // SimulationGraphTest against the Mul/Round/Clip/Mul graph), so it is compared with the same
                    // scale and zero point applied by QuantizeLinear only where no rounding tie is involved.
                    QuantizerSpec spec = QuantizerSpec.perTensor(8, signed, symmetric);
                    Encoding e = EncodingCalculator.compute(spec, range[0], range[1]);
                    float[] x = data(range.length + (signed ? 1 : 2), 4001, range[1], e.scale(0));
                    float[] mine = FakeQuantizer.quantizeDequantize(x, e);
                    assertBitwiseEqual(runOrt(e, x, new long[] {x.length}), mine);

                    QuantizerSpec torchSpec = spec.withConvention(ScaleConvention.PYTORCH);
                    Encoding te = EncodingCalculator.compute(torchSpec, range[0], range[1]);
                    float[] torch = FakeQuantizer.quantizeDequantize(x, te);
                    float[] ort = runOrt(te, x, new long[] {x.length});
                    float inv = 1f / te.scale(0);
                    for (int i = 0; i < x.length; i++) {
                        float q = (float) Math.rint(x[i] * inv) + te.zeroPoint(0);
                        q = Math.max(torchSpec.qmin(), Math.min(torchSpec.qmax(), q));
                        assertEquals((q - te.zeroPoint(0)) * te.scale(0), torch[i], 0f, "PyTorch kernel at " + i);
                        if (Math.abs(x[i] / te.scale(0) - Math.rint(x[i] / te.scale(0))) != 0.5f
                                && Math.abs(x[i] * inv - Math.rint(x[i] * inv)) != 0.5f) {
                            assertEquals(ort[i], torch[i], 0f, "no tie: both forms agree at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void perChannelAxis1() throws OrtException {
        int[] shape = {2, 3, 2, 2};
        float[] x = data(5, 24, 2f, 0.1f);
        QuantizerSpec spec = QuantizerSpec.perChannel(8, true, false, 1);
        Encoding e = EncodingCalculator.computePerChannel(spec, PerChannelMinMax.ranges(x, shape, 1));
        float[] mine = new float[24];
        FakeQuantizer.quantizeDequantize(x, shape, e, mine);
        assertBitwiseEqual(runOrt(e, x, new long[] {2, 3, 2, 2}), mine);
    }
}
