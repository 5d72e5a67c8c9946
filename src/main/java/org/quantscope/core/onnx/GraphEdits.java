package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Small protobuf helpers shared by the graph rewrites of this package. */
final class GraphEdits {

    /** ONNX element types used by the rewrites. */
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;

    private GraphEdits() {
    }

    /** The node's name as {@link GraphNode#name()} reports it (generated {@code opType_index} when empty). */
    static String nodeName(OnnxMl.NodeProto n, int index) {
        return n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
    }

    /** Every tensor and node name in the graph, for {@link #unique}. */
    static Set<String> names(OnnxMl.GraphProto.Builder g) {
        Set<String> names = new HashSet<>();
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getOutputList().forEach(v -> names.add(v.getName()));
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            names.addAll(n.getOutputList());
            names.addAll(n.getInputList());
            names.add(n.getName());
        }
        return names;
    }

    /** {@code base}, or {@code base2}, {@code base3}, ... whichever is not in {@code taken}; the result is added. */
    static String unique(Set<String> taken, String base) {
        String n = base;
        for (int i = 2; taken.contains(n); i++) {
            n = base + i;
        }
        taken.add(n);
        return n;
    }

    /** A float32 initializer. */
    static OnnxMl.TensorProto floatTensor(String name, long[] dims, float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            buf.putFloat(f);
        }
        return tensor(name, FLOAT, dims, buf.array());
    }

    /** An int8, uint8 or int32 initializer holding {@code v} (values must fit the type). */
    static OnnxMl.TensorProto intTensor(String name, int elemType, long[] dims, int[] v) {
        byte[] raw;
        if (elemType == INT32) {
            ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : v) {
                buf.putInt(x);
            }
            raw = buf.array();
        } else if (elemType == INT8 || elemType == UINT8) {
            raw = new byte[v.length];
            int lo = elemType == INT8 ? -128 : 0;
            int hi = elemType == INT8 ? 127 : 255;
            for (int i = 0; i < v.length; i++) {
                if (v[i] < lo || v[i] > hi) {
                    throw new IllegalArgumentException(name + ": value " + v[i] + " does not fit element type "
                            + elemType);
                }
                raw[i] = (byte) v[i];
            }
        } else {
            throw new IllegalArgumentException("unsupported integer element type " + elemType);
        }
        return tensor(name, elemType, dims, raw);
    }

    /** An int64 initializer (shape inputs: axes, pads, starts, split sizes, ...). */
    static OnnxMl.TensorProto longTensor(String name, long[] dims, long[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            buf.putLong(x);
        }
        return tensor(name, INT64, dims, buf.array());
    }

    private static OnnxMl.TensorProto tensor(String name, int type, long[] dims, byte[] raw) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /**
     * Drops initializers no node reads any more, unless they are graph inputs or outputs, or the graph has subgraphs
     * that might read outer-scope names.
     */
    static void pruneUnusedInitializers(OnnxMl.GraphProto.Builder g) {
        Set<String> used = new HashSet<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            used.addAll(n.getInputList());
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    return;
                }
            }
        }
        g.getInputList().forEach(v -> used.add(v.getName()));
        g.getOutputList().forEach(v -> used.add(v.getName()));
        List<OnnxMl.TensorProto> keep = new ArrayList<>();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                keep.add(t);
            }
        }
        g.clearInitializer().addAllInitializer(keep);
    }

    /** A node with the given inputs and one output, in the default domain. */
    static OnnxMl.NodeProto node(String op, String name, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output).build();
    }
}
