package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded ONNX model in the project's own terms: graph inputs and outputs, nodes, constant tensors, value infos,
 * opset, and the quantization {@link Layer layers} found in it. Immutable. Load with {@link OnnxModelLoader#load}.
 *
 * <p>For a file written for opset 7 to 12 (or listing initializers as graph inputs) the graph described here is the
 * equivalent opset-13 graph QuantScope analyses and rewrites; {@link #origin()} says what the file itself declares and
 * what was changed (decision 0017).
 */
public final class OnnxModel {

    private final Path path;
    private final String sha256;
    private final OnnxMl.ModelProto proto;
    private final byte[] bytes;
    private final long opset;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final List<GraphNode> nodes;
    private final Map<String, WeightTensor> constants;
    private final Map<String, TensorSpec> valueInfos;
    private final Map<String, GraphNode> producers = new HashMap<>();
    private final Map<String, List<GraphNode>> consumers = new HashMap<>();
    private final List<Layer> layers;
    private final ModelOrigin origin;
    private final List<String> warnings = new ArrayList<>();

    /** A model whose graph is the file's own ({@link #origin()} describes this very graph). */
    OnnxModel(Path path, String sha256, OnnxMl.ModelProto proto, byte[] bytes) {
        this(path, sha256, proto, bytes, null);
    }

    /**
     * @param bytes  what ONNX Runtime runs for this model (for a loaded file: the file's own bytes)
     * @param origin what the file declares; null when {@code proto} is the file's own graph
     */
    OnnxModel(Path path, String sha256, OnnxMl.ModelProto proto, byte[] bytes, ModelOrigin origin) {
        this(path, sha256, proto, bytes, origin, null);
    }

    /**
     * @param bytes  what ONNX Runtime runs for this model, or null to serialize {@code proto} when a session opens
     * @param origin what the file declares; null when {@code proto} is the file's own graph
     * @param shared a model whose weight tensors this one reuses where its initializer is the very same protobuf
     *               message (a rewrite keeps the messages it does not change), or null
     */
    private OnnxModel(Path path, String sha256, OnnxMl.ModelProto proto, byte[] bytes, ModelOrigin origin,
                      OnnxModel shared) {
        this.path = path;
        this.sha256 = sha256;
        this.proto = proto;
        this.bytes = bytes;
        OnnxMl.GraphProto g = proto.getGraph();
        long op = -1;
        for (OnnxMl.OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                op = o.getVersion();
            }
        }
        this.opset = op;
        Map<String, WeightTensor> consts = new LinkedHashMap<>();
        Map<OnnxMl.TensorProto, WeightTensor> reusable = new java.util.IdentityHashMap<>();
        if (shared != null) {
            for (OnnxMl.TensorProto t : shared.proto.getGraph().getInitializerList()) {
                WeightTensor w = shared.constants.get(t.getName());
                if (w != null) {
                    reusable.put(t, w);
                }
            }
        }
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            WeightTensor same = reusable.get(t);
            consts.put(t.getName(), same != null ? same : ProtoConversions.weightTensor(t, t.getName()));
        }
        List<GraphNode> ns = new ArrayList<>(g.getNodeCount());
        for (int i = 0; i < g.getNodeCount(); i++) {
            GraphNode n = ProtoConversions.node(g.getNode(i), i);
            ns.add(n);
            for (String o : n.outputs()) {
                producers.put(o, n);
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
            if (n.opType().equals("Constant") && n.domain().isEmpty() && n.attributes().get("value") instanceof
                    WeightTensor w) {
                consts.put(n.output(), new WeightTensor(n.output(), w.elementType(), w.dims(), w.floats(), w.longs()));
            } else if (n.opType().equals("Constant") && n.attributes().get("value_float") instanceof Double d) {
                consts.put(n.output(), new WeightTensor(n.output(), "float32", new long[0],
                        new float[] {d.floatValue()}, null));
            }
        }
        this.nodes = List.copyOf(ns);
        this.constants = Collections.unmodifiableMap(consts);
        List<TensorSpec> in = new ArrayList<>();
        for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
            if (!consts.containsKey(vi.getName())) {
                in.add(ProtoConversions.tensorSpec(vi));
            }
        }
        this.inputs = List.copyOf(in);
        this.outputs = g.getOutputList().stream().map(ProtoConversions::tensorSpec).toList();
        Map<String, TensorSpec> vis = new HashMap<>();
        for (OnnxMl.ValueInfoProto vi : g.getValueInfoList()) {
            vis.put(vi.getName(), ProtoConversions.tensorSpec(vi));
        }
        inputs.forEach(t -> vis.put(t.name(), t));
        outputs.forEach(t -> vis.put(t.name(), t));
        this.valueInfos = Collections.unmodifiableMap(vis);
        this.layers = List.copyOf(new LayerGrouper(this).group());
        this.origin = origin != null ? origin : new ModelOrigin(op, proto.getIrVersion(), opCounts(nodes),
                g.getInputCount() - inputs.size(), List.of(), "");
    }

    /**
     * A model computed from {@code source} by a rewrite of this package: same file, hash, origin and warnings.
     *
     * @param source the model the rewrite started from
     * @param proto  the rewritten graph
     * @return the new model
     */
    static OnnxModel derived(OnnxModel source, OnnxMl.ModelProto proto) {
        // Issue 14: a derived model keeps no serialized copy (sessions serialize it when they open) and shares the
        // unchanged weights with its source, so the models of a pipeline (prepared, simulation, equalized...) hold
        // only what each one changed: ResNet-50's 100 MB of weights are not copied once per model.
        OnnxModel m = new OnnxModel(source.path, source.sha256, proto, null, source.origin, source);
        source.warnings().forEach(m::addWarning);
        return m;
    }

    private static Map<String, Integer> opCounts(List<GraphNode> nodes) {
        Map<String, Integer> ops = new java.util.TreeMap<>();
        nodes.forEach(n -> ops.merge(n.opType(), 1, Integer::sum));
        return ops;
    }

    /** The file the model was read from. */
    public Path path() {
        return path;
    }

    /** Hex SHA-256 of the model file's bytes, for provenance. */
    public String sha256() {
        return sha256;
    }

    /** What the file itself declares (opset, IR version, operators) and what QuantScope changed to analyse it. */
    public ModelOrigin origin() {
        return origin;
    }

    /** ONNX IR version of the graph described here (see {@link ModelOrigin#irVersion()} for the file's). */
    public long irVersion() {
        return proto.getIrVersion();
    }

    /**
     * Opset version of the default ONNX domain of the graph described here, or -1 when it imports none: 13 for a file
     * of opset 7 to 12 that QuantScope converted ({@link ModelOrigin#opset()} is the file's).
     */
    public long opset() {
        return opset;
    }

    /** Producer name and version as written by the exporter, e.g. {@code pytorch 1.13.1}. */
    public String producer() {
        return (proto.getProducerName() + " " + proto.getProducerVersion()).trim();
    }

    /** Graph name. */
    public String graphName() {
        return proto.getGraph().getName();
    }

    /** Graph inputs that are fed at run time (initializers excluded). */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** Graph outputs. */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /** Nodes in file (topological) order. */
    public List<GraphNode> nodes() {
        return nodes;
    }

    /** Constant tensors: initializers and outputs of Constant nodes. Do not modify their arrays. */
    public Map<String, WeightTensor> constants() {
        return constants;
    }

    /** The constant named {@code tensor} after resolving Identity nodes, if it is one. */
    public Optional<WeightTensor> constant(String tensor) {
        return Optional.ofNullable(constants.get(resolveIdentity(tensor)));
    }

    /** Declared type and shape of a tensor, when the file records it. */
    public Optional<TensorSpec> valueInfo(String tensor) {
        return Optional.ofNullable(valueInfos.get(tensor));
    }

    /** The node producing {@code tensor}, if any (graph inputs and initializers have none). */
    public Optional<GraphNode> producerOf(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    /** Nodes reading {@code tensor}. */
    public List<GraphNode> consumersOf(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** Follows Identity nodes back to the tensor they forward. */
    public String resolveIdentity(String tensor) {
        String t = tensor;
        for (int guard = 0; guard < 1000; guard++) {
            GraphNode p = producers.get(t);
            if (p == null || !p.opType().equals("Identity") || !p.domain().isEmpty()) {
                return t;
            }
            t = p.input(0);
        }
        return t;
    }

    /** Quantization layers (Conv/Gemm/MatMul with their BN and activation), in graph order. */
    public List<Layer> layers() {
        return layers;
    }

    /** Number of floating-point parameters stored in initializers. */
    public long parameterCount() {
        long n = 0;
        for (OnnxMl.TensorProto t : proto.getGraph().getInitializerList()) {
            int type = t.getDataType();
            if (type == 1 || type == 10 || type == 11 || type == 16) {
                long c = 1;
                for (long d : t.getDimsList()) {
                    c *= d;
                }
                n += c;
            }
        }
        return n;
    }

    /** Non-fatal remarks found while loading (for example an opset newer than tested). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    void addWarning(String w) {
        warnings.add(w);
    }

    /**
     * Serialized model bytes (external data inlined), as handed to ONNX Runtime for plain runs: for a loaded file the
     * file's own bytes even when {@link #proto()} is its opset-13 equivalent, so FP32 results are the file's; for a
     * derived model a fresh serialization of {@link #proto()} (not kept).
     */
    byte[] bytes() {
        return bytes != null ? bytes : proto.toByteArray();
    }

    /** The underlying protobuf, for graph edits inside this package. */
    OnnxMl.ModelProto proto() {
        return proto;
    }

    @Override
    public String toString() {
        return path.getFileName() + " (opset " + opset + ", " + nodes.size() + " nodes, " + layers.size() + " layers)";
    }
}
