package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the graph of an older file into the equivalent opset-13 graph that QuantScope analyses and rewrites
 * (decision 0017): the nodes QuantScope inserts (QuantizeLinear/DequantizeLinear with a per-channel axis, Round, Clip
 * with bound inputs) need opset 13, and mixing them into an opset-9 graph is not valid ONNX.
 *
 * <p>Every node whose operator means the same at opset 13 is kept as it is (Conv, Gemm, Relu, MaxPool, Flatten, ...:
 * their newer versions only add types or negative axes). The operators whose signature changed between the file's
 * opset and 13 are rewritten into their opset-13 form with the same result ({@link OpsetNodeUpgrades}); what cannot
 * be (Scan-8, BatchNormalization with spatial=0, experimental operators removed from ONNX) is refused with the node,
 * its operator and why. Graph inputs that have an initializer of the same name (every initializer of an IR-3 file) are
 * constants for QuantScope, never fed: they are dropped from the graph inputs, so ONNX Runtime may fold them like any
 * other constant. Node names are written out (a nameless node keeps the {@code opType_index} name QuantScope gave it),
 * so that inserted nodes do not shift generated names.
 */
final class OpsetUpgrade {

    /** The opset every graph QuantScope rewrites is brought to. */
    static final long TARGET_OPSET = 13;

    /**
     * The upgraded model, or the file's own model with the reason it could not be upgraded.
     *
     * @param proto   the graph QuantScope analyses (the file's own when nothing changed or the upgrade was refused)
     * @param changes what was changed, one line per kind of change, e.g. {@code Clip: min/max attributes -> inputs: 2
     *                nodes}
     * @param problem why the graph could not be brought to opset 13 (names file, node, operator), or empty
     */
    record Result(OnnxMl.ModelProto proto, List<String> changes, String problem) {
    }

    /** Thrown inside the upgrade for a node it cannot convert; becomes {@link Result#problem()}. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }

    private OpsetUpgrade() {
    }

    /**
     * Upgrades a model as read from its file.
     *
     * @param source the model with the file's own graph
     * @return the upgraded model, or the reason it could not be upgraded
     */
    static Result of(OnnxModel source) {
        OnnxMl.ModelProto p = source.proto();
        OnnxMl.GraphProto.Builder g = p.getGraph().toBuilder();
        Map<String, Integer> changes = new LinkedHashMap<>();
        int constantInputs = dropInitializerInputs(g);
        boolean upgrade = source.opset() >= 0 && source.opset() < TARGET_OPSET;
        if (!upgrade && constantInputs == 0) {
            return new Result(p, List.of(), "");
        }
        if (upgrade) {
            try {
                new OpsetNodeUpgrades(source, g, changes).run();
            } catch (Refusal r) {
                return new Result(p, List.of(), r.getMessage());
            }
        }
        OnnxMl.ModelProto.Builder m = p.toBuilder().setGraph(g);
        long ir = Math.max(p.getIrVersion(), constantInputs > 0 ? 4 : 0); // IR 4: initializers need not be inputs
        if (upgrade) {
            ir = Math.max(ir, 7); // IR 7 came with opset 13
            for (int i = 0; i < m.getOpsetImportCount(); i++) {
                String d = m.getOpsetImport(i).getDomain();
                if (d.isEmpty() || d.equals("ai.onnx")) {
                    m.setOpsetImport(i, m.getOpsetImport(i).toBuilder().setVersion(TARGET_OPSET));
                }
            }
        }
        m.setIrVersion(ir);
        List<String> lines = new ArrayList<>();
        if (upgrade) {
            lines.add("opset " + source.opset() + " -> " + TARGET_OPSET);
        }
        if (constantInputs > 0) {
            lines.add(constantInputs + " graph input" + (constantInputs == 1 ? " has an initializer: a constant"
                    : "s have an initializer (IR 3 style): constants") + ", not data inputs");
        }
        changes.forEach((what, n) -> lines.add(what + (n > 1 ? ": " + n + " nodes" : "")));
        return new Result(m.build(), List.copyOf(lines), "");
    }

    /** Removes from the graph inputs every name that is also an initializer; returns how many. */
    private static int dropInitializerInputs(OnnxMl.GraphProto.Builder g) {
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<OnnxMl.ValueInfoProto> kept = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                kept.add(v);
            }
        }
        int dropped = g.getInputCount() - kept.size();
        if (dropped > 0) {
            g.clearInput().addAllInput(kept);
        }
        return dropped;
    }

    /** Attribute lookup on a raw node. */
    static OnnxMl.AttributeProto attribute(OnnxMl.NodeProto n, String name) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The node without the named attributes. */
    static OnnxMl.NodeProto.Builder without(OnnxMl.NodeProto n, String... names) {
        Set<String> drop = Set.of(names);
        OnnxMl.NodeProto.Builder b = n.toBuilder().clearAttribute();
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (!drop.contains(a.getName())) {
                b.addAttribute(a);
            }
        }
        return b;
    }

    static OnnxMl.AttributeProto stringAttr(String name, String v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    static OnnxMl.AttributeProto intAttr(String name, long v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(v).build();
    }

    /** Every tensor read by a node (subgraphs included) or returned by the graph. */
    static Set<String> readTensors(OnnxMl.GraphProto.Builder g) {
        Set<String> read = new HashSet<>();
        g.getOutputList().forEach(o -> read.add(o.getName()));
        g.getNodeList().forEach(n -> collectInputs(n, read));
        return read;
    }

    private static void collectInputs(OnnxMl.NodeProto n, Set<String> into) {
        into.addAll(n.getInputList());
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            List<OnnxMl.GraphProto> subs = a.hasG() ? List.of(a.getG()) : a.getGraphsList();
            for (OnnxMl.GraphProto s : subs) {
                s.getNodeList().forEach(sn -> collectInputs(sn, into));
                s.getOutputList().forEach(o -> into.add(o.getName()));
            }
        }
    }
}
