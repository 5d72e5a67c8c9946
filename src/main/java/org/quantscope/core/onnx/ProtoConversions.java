package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts ONNX protobuf messages into the project's own graph types. Protobuf types never leave this package. */
final class ProtoConversions {

    private ProtoConversions() {
    }

    /** ONNX TensorProto.DataType code to a lower-case name. */
    static String elementTypeName(int code) {
        return switch (code) {
            case 1 -> "float32";
            case 2 -> "uint8";
            case 3 -> "int8";
            case 4 -> "uint16";
            case 5 -> "int16";
            case 6 -> "int32";
            case 7 -> "int64";
            case 8 -> "string";
            case 9 -> "bool";
            case 10 -> "float16";
            case 11 -> "float64";
            case 12 -> "uint32";
            case 13 -> "uint64";
            case 16 -> "bfloat16";
            case 17, 18, 19, 20 -> "float8";
            case 21 -> "uint4";
            case 22 -> "int4";
            default -> "unknown";
        };
    }

    static TensorSpec tensorSpec(OnnxMl.ValueInfoProto vi) {
        String type = "unknown";
        long[] shape = new long[0];
        List<String> names = new ArrayList<>();
        if (vi.hasType() && vi.getType().hasTensorType()) {
            OnnxMl.TypeProto.Tensor t = vi.getType().getTensorType();
            type = elementTypeName(t.getElemType());
            if (t.hasShape()) {
                shape = new long[t.getShape().getDimCount()];
                for (int i = 0; i < shape.length; i++) {
                    OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
                    shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
                    names.add(d.hasDimParam() ? d.getDimParam() : "");
                }
            }
        }
        return new TensorSpec(vi.getName(), type, shape, names);
    }

    static GraphNode node(OnnxMl.NodeProto n, int index) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            Object v = attributeValue(a);
            if (v != null) {
                attrs.put(a.getName(), v);
            }
        }
        String name = n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
        return new GraphNode(name, n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(), attrs);
    }

    private static Object attributeValue(OnnxMl.AttributeProto a) {
        return switch (a.getType()) {
            case INT -> a.getI();
            case FLOAT -> (double) a.getF();
            case STRING -> a.getS().toStringUtf8();
            case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            case FLOATS -> a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
            case STRINGS -> a.getStringsList().stream().map(ByteString::toStringUtf8).toList();
            case TENSOR -> weightTensor(a.getT(), a.getT().getName());
            case GRAPH, GRAPHS -> "<subgraph>";
            default -> null;
        };
    }

    /**
     * Converts a tensor whose data is inline (raw or typed fields). External data must already have been inlined.
     */
    static WeightTensor weightTensor(OnnxMl.TensorProto t, String name) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + name + " has " + count + " elements, more than supported");
        }
        int n = (int) count;
        int type = t.getDataType();
        String typeName = elementTypeName(type);
        ByteBuffer raw = t.getRawData().isEmpty() ? null
                : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (type == 1 || type == 11 || type == 10 || type == 16) {
            int width = type == 1 ? 4 : type == 11 ? 8 : 2;
            boolean complete = raw != null ? raw.remaining() >= (long) n * width
                    : (type == 1 ? t.getFloatDataCount() : type == 11 ? t.getDoubleDataCount() : t.getInt32DataCount())
                    >= n;
            if (n >= DECODE_ON_DEMAND && complete) { // an incomplete tensor fails here, at load, as before
                return WeightTensor.decodedOnDemand(name, typeName, dims, () -> floats(t, type, n));
            }
            return new WeightTensor(name, typeName, dims, floats(t, type, n), null);
        }
        switch (type) {
            case 6: case 7: case 2: case 3: case 4: case 5: case 9: case 12: case 13: {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) {
                    l[i] = integerAt(t, type, raw, i);
                }
                return new WeightTensor(name, typeName, dims, null, l);
            }
            default:
                return new WeightTensor(name, typeName, dims, null, null);
        }
    }

    /** Initializers of at least this many float elements are decoded on demand ({@link WeightTensor}). */
    static final int DECODE_ON_DEMAND = 1 << 16;

    /** The values of a float32/float64/float16/bfloat16 tensor as float32. */
    private static float[] floats(OnnxMl.TensorProto t, int type, int n) {
        ByteBuffer raw = t.getRawData().isEmpty() ? null
                : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[n];
        if (type == 1) {
            if (raw != null) {
                raw.asFloatBuffer().get(f);
            } else {
                for (int i = 0; i < n; i++) {
                    f[i] = t.getFloatData(i);
                }
            }
        } else if (type == 11) {
            for (int i = 0; i < n; i++) {
                f[i] = (float) (raw != null ? raw.getDouble(i * 8) : t.getDoubleData(i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                int bits = raw != null ? raw.getShort(i * 2) & 0xFFFF : t.getInt32Data(i) & 0xFFFF;
                f[i] = type == 10 ? halfToFloat(bits) : Float.intBitsToFloat(bits << 16);
            }
        }
        return f;
    }

    private static long integerAt(OnnxMl.TensorProto t, int type, ByteBuffer raw, int i) {
        if (raw != null) {
            return switch (type) {
                case 7, 13 -> raw.getLong(i * 8);
                case 6 -> raw.getInt(i * 4);
                case 12 -> raw.getInt(i * 4) & 0xFFFFFFFFL;
                case 5 -> raw.getShort(i * 2);
                case 4 -> raw.getShort(i * 2) & 0xFFFF;
                case 3 -> raw.get(i);
                default -> raw.get(i) & 0xFF;
            };
        }
        return switch (type) {
            case 7 -> t.getInt64Data(i);
            case 13, 12 -> t.getUint64Data(i);
            default -> t.getInt32Data(i);
        };
    }

    /** IEEE 754 half precision to float (Float.float16ToFloat exists only from Java 20). */
    static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        double v;
        if (exp == 0) {
            v = mant * Math.pow(2, -24);
        } else if (exp == 31) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            v = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        }
        return (float) (sign == 1 ? -v : v);
    }
}
