package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each operator {@link OpsetUpgrade} rewrites, on a one-node (or few-node) graph at the old opset: ONNX Runtime runs
 * the file as it is (its own kernels for the old operator versions) and the opset-13 graph QuantScope made of it, on
 * the same input, and the outputs must be equal (bit for bit, except where the rewrite changes the arithmetic: the
 * Softmax family through Flatten/Reshape, ImageScaler as Mul and Add). The refusals name the file, node, operator and
 * opset, and leave FP32 evaluation possible.
 */
class OpsetUpgradeTest {

    private static final long[] X_SHAPE = {2, 2, 4, 4};

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- model building

    private static OnnxMl.AttributeProto ints(String name, long... v) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        Arrays.stream(v).forEach(a::addInts);
        return a.build();
    }

    private static OnnxMl.AttributeProto floatList(String name, float... v) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
        for (float f : v) {
            a.addFloats(f);
        }
        return a.build();
    }

    private static OnnxMl.AttributeProto string(String name, String v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    private static OnnxMl.TensorProto longs(String name, long[] dims, long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.stream(v).forEach(b::putLong);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(7)
                .setRawData(ByteString.copyFrom(b.array()));
        Arrays.stream(dims).forEach(t::addDims);
        return t.build();
    }

    /** A float32 output of unknown shape. */
    private static OnnxMl.ValueInfoProto anyShape(String name) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))).build();
    }

    /** A graph of input x [2, 2, 4, 4] with the given nodes and initializers, returning the named outputs. */
    private static OnnxMl.ModelProto graph(long opset, List<OnnxMl.NodeProto> nodes, List<OnnxMl.TensorProto> inits,
                                           String... outputs) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g")
                .addInput(TestModels.value("x", 1, 2, 2, 4, 4)).addAllNode(nodes).addAllInitializer(inits);
        for (String o : outputs) {
            g.addOutput(anyShape(o));
        }
        return TestModels.model(g.build(), opset).toBuilder().setIrVersion(opset < 9 ? 3 : 4).build();
    }

    private OnnxModel load(String file, OnnxMl.ModelProto m) throws Exception {
        Path p = dir.resolve(file);
        Files.write(p, m.toByteArray());
        return OnnxModelLoader.load(p);
    }

    private static float[] input() {
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2.5 * Math.sin(1.7 * i + 0.3));
        }
        return x;
    }

    private static Map<String, FloatTensor> run(OnnxModel m) {
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            return s.run(input(), X_SHAPE, CancellationToken.none());
        }
    }

    /**
     * Loads the file, checks it is analysed at opset 13 with the expected change, and compares ONNX Runtime on the
     * file's bytes with ONNX Runtime on the upgraded graph; returns the largest difference.
     */
    private double compare(String file, OnnxMl.ModelProto m, String change) throws Exception {
        OnnxModel loaded = load(file, m);
        assertEquals(13, loaded.opset());
        assertTrue(loaded.origin().problem().isEmpty(), loaded.origin().upgradeProblem());
        assertTrue(loaded.origin().changes().stream().anyMatch(c -> c.contains(change)),
                loaded.origin().changes().toString());
        assertEquals(OnnxModelLoader.load(dir.resolve(file)).sha256(), loaded.sha256());
        Map<String, FloatTensor> asFile = run(loaded); // plain runs use the file's own bytes
        Map<String, FloatTensor> upgraded = run(OnnxModel.derived(loaded, loaded.proto()));
        assertEquals(asFile.keySet(), upgraded.keySet());
        double max = 0;
        for (String o : asFile.keySet()) {
            FloatTensor a = asFile.get(o);
            FloatTensor b = upgraded.get(o);
            assertTrue(Arrays.equals(a.shape(), b.shape()), o + ": " + Arrays.toString(a.shape()) + " vs "
                    + Arrays.toString(b.shape()));
            for (int i = 0; i < a.data().length; i++) {
                max = Math.max(max, Math.abs(a.data()[i] - b.data()[i]));
            }
        }
        return max;
    }

    private static OnnxMl.NodeProto node(String op, String name, List<String> in, List<String> out,
                                         OnnxMl.AttributeProto... attrs) {
        return TestModels.node(op, name, in, out, attrs);
    }

    // ---------------------------------------------------------------- conversions, checked against ONNX Runtime

    @Test
    void clip6AttributesBecomeInputs() throws Exception {
        OnnxMl.ModelProto m = graph(7, List.of(
                node("Clip", "both", List.of("x"), List.of("a"), TestModels.floatAttr("min", -0.5f),
                        TestModels.floatAttr("max", 0.75f)),
                node("Clip", "low", List.of("x"), List.of("b"), TestModels.floatAttr("min", 0f))), List.of(),
                "a", "b");
        assertEquals(0.0, compare("clip7.onnx", m, "Clip: min/max attributes -> inputs: 2 nodes"));
        OnnxModel loaded = load("clip7.onnx", m);
        GraphNode low = loaded.nodes().get(1);
        assertEquals(2, low.inputs().size(), "only the min bound: " + low.inputs());
        assertTrue(low.attributes().isEmpty());
    }

    @Test
    void pad2AttributesBecomeInputs() throws Exception {
        OnnxMl.ModelProto m = graph(9, List.of(
                node("Pad", "constant", List.of("x"), List.of("a"), ints("pads", 0, 0, 1, 2, 0, 0, 2, 1),
                        TestModels.floatAttr("value", 1.5f)),
                node("Pad", "reflect", List.of("x"), List.of("b"), ints("pads", 0, 0, 1, 1, 0, 0, 1, 1),
                        string("mode", "reflect"))), List.of(), "a", "b");
        assertEquals(0.0, compare("pad9.onnx", m, "Pad: pads/value attributes -> inputs"));
    }

    @Test
    void sliceTopKSplitSqueezeUnsqueezeAndReduceSumAttributesBecomeInputs() throws Exception {
        OnnxMl.ModelProto slice = graph(9, List.of(
                node("Slice", "slice", List.of("x"), List.of("a"), ints("starts", 1, 0), ints("ends", 3, 1000),
                        ints("axes", 2, 3)),
                node("TopK", "topk", List.of("x"), List.of("b", "b_indices"), TestModels.intAttr("k", 2))),
                List.of(), "a", "b");
        assertEquals(0.0, compare("slice9.onnx", slice, "Slice: starts/ends/axes attributes -> inputs"));
        OnnxMl.ModelProto axes = graph(11, List.of(
                node("Unsqueeze", "unsqueeze", List.of("x"), List.of("u"), ints("axes", 0)),
                node("Squeeze", "squeeze", List.of("u"), List.of("a"), ints("axes", 0)),
                node("ReduceSum", "sum", List.of("x"), List.of("b"), ints("axes", 1, -1),
                        TestModels.intAttr("keepdims", 0)),
                node("Split", "split", List.of("x"), List.of("c", "d"), TestModels.intAttr("axis", 2),
                        ints("split", 1, 3))), List.of(), "a", "b", "c", "d");
        assertEquals(0.0, compare("axes11.onnx", axes, "ReduceSum: axes attribute -> input"));
        assertTrue(load("axes11.onnx", axes).origin().changes().containsAll(List.of(
                "Unsqueeze: axes attribute -> input", "Squeeze: axes attribute -> input",
                "Split: split attribute -> input")));
    }

    @Test
    void upsampleAndResize10BecomeResize13() throws Exception {
        OnnxMl.ModelProto up7 = graph(7, List.of(
                node("Upsample", "nearest", List.of("x"), List.of("a"), floatList("scales", 1, 1, 2, 3)),
                node("Upsample", "linear", List.of("x"), List.of("b"), floatList("scales", 1, 1, 2, 2),
                        string("mode", "linear"))), List.of(), "a", "b");
        assertEquals(0.0, compare("up7.onnx", up7, "Upsample-7 -> Resize-13"));
        OnnxMl.ModelProto up9 = graph(9, List.of(node("Upsample", "up", List.of("x", "s"), List.of("a"))),
                List.of(TestModels.floats("s", new long[] {4}, 1, 1, 3, 2)), "a");
        assertEquals(0.0, compare("up9.onnx", up9, "Upsample-9 -> Resize-13"));
        OnnxMl.ModelProto resize10 = graph(10, List.of(
                node("Resize", "shrink", List.of("x", "half"), List.of("a")),
                node("Resize", "enlarge", List.of("x", "odd"), List.of("b")),
                node("Resize", "linear", List.of("x", "odd"), List.of("c"), string("mode", "linear"))),
                List.of(TestModels.floats("half", new long[] {4}, 1, 1, 0.5f, 0.75f),
                        TestModels.floats("odd", new long[] {4}, 1, 1, 1.5f, 2.5f)), "a", "b", "c");
        assertEquals(0.0, compare("resize10.onnx", resize10, "Resize-10 -> Resize-13"));
        List<String> modes = load("resize10.onnx", resize10).nodes().stream()
                .map(n -> String.valueOf(n.attributes().get("nearest_mode"))).toList();
        assertEquals(List.of("ceil", "floor", "null"), modes, "shrinking rounds up, as ONNX Runtime's Resize-10");
    }

    @Test
    void softmaxFamilyKeepsItsCoercedTwoDimensionalMeaning() throws Exception {
        OnnxMl.ModelProto m = graph(9, List.of(
                node("Softmax", "softmax4d", List.of("x"), List.of("a")),
                node("LogSoftmax", "logsoftmax_axis2", List.of("x"), List.of("b"), TestModels.intAttr("axis", 2)),
                node("Hardmax", "hardmax", List.of("x"), List.of("c")),
                node("Flatten", "flat", List.of("x"), List.of("f")),
                node("Softmax", "softmax2d", List.of("f"), List.of("d"))), List.of(), "a", "b", "c", "d");
        double diff = compare("softmax9.onnx", m, "Softmax: coerced-to-2D semantics kept");
        assertTrue(diff < 1e-6, "max difference " + diff);
        OnnxModel loaded = load("softmax9.onnx", m);
        assertTrue(loaded.origin().changes().contains("Softmax: axis written out (the last axis: the same in both "
                + "versions)"), loaded.origin().changes().toString());
        GraphNode onFlat = loaded.nodes().stream().filter(n -> n.name().equals("softmax2d")).findFirst().orElseThrow();
        assertEquals(1L, onFlat.longAttr("axis", -1), "rank 2 after Flatten: the axis is written, no reshape");
        assertEquals(List.of("x", "f"), List.of(loaded.nodes().get(0).input(0), onFlat.input(0)));
    }

    @Test
    void batchNorm7Dropout7ScatterAndImageScaler() throws Exception {
        OnnxMl.ModelProto m = graph(8, List.of(
                node("BatchNormalization", "bn", List.of("x", "g", "b", "mu", "var"), List.of("n"),
                        TestModels.intAttr("spatial", 1), TestModels.floatAttr("epsilon", 1e-3f)),
                node("Dropout", "drop", List.of("n"), List.of("a", "unused_mask"), TestModels.floatAttr("ratio", 0.3f)),
                node("ImageScaler", "scaler", List.of("x"), List.of("b2"), TestModels.floatAttr("scale", 2f),
                        floatList("bias", 0.5f, -1f))),
                List.of(TestModels.floats("g", new long[] {2}, 1.5f, 0.5f),
                        TestModels.floats("b", new long[] {2}, 0, 1),
                        TestModels.floats("mu", new long[] {2}, 0.1f, -0.2f),
                        TestModels.floats("var", new long[] {2}, 2f, 0.5f)), "a", "b2");
        double diff = compare("bn8.onnx", m, "BatchNormalization: spatial attribute dropped");
        assertTrue(diff < 1e-6, "max difference " + diff);
        assertTrue(load("bn8.onnx", m).origin().changes().contains(
                "ImageScaler (experimental, removed in opset 10) -> Mul and Add"));
        OnnxMl.ModelProto scatter = graph(9, List.of(
                node("Scatter", "scatter", List.of("x", "idx", "upd"), List.of("a"), TestModels.intAttr("axis", 3))),
                List.of(longs("idx", new long[] {2, 2, 4, 1}, 3, 0, 1, 2, 2, 1, 0, 3, 3, 0, 1, 2, 2, 1, 0, 3),
                        TestModels.floats("upd", new long[] {2, 2, 4, 1}, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3,
                                -4, -5, -6)), "a");
        assertEquals(0.0, compare("scatter9.onnx", scatter, "Scatter -> ScatterElements"));
    }

    @Test
    void initializersListedAsInputsAreConstantsAndLeaveTheGraphInputs() {
        OnnxModel m = OnnxModelLoader.load(Path.of("src/test/resources/models/legacy/legacy_cnn_opset9.onnx"));
        assertEquals(List.of("input"), m.inputs().stream().map(TensorSpec::name).toList());
        assertEquals(17, m.origin().constantInputs());
        assertEquals(1, m.proto().getGraph().getInputCount(), "dropped from the analysed graph's inputs");
        assertEquals(3, m.origin().irVersion());
        assertEquals(7, m.irVersion(), "IR 3 requires initializers to be inputs; IR 7 goes with opset 13");
        assertEquals(4, m.layers().size());
        assertTrue(m.constant("stem.0.weight").isPresent());
        assertEquals(Map.of("BatchNormalization", 3, "Clip", 2, "Constant", 1, "Conv", 3, "Flatten", 1, "Gemm", 1,
                "MaxPool", 1, "Relu", 1, "Upsample", 1), m.origin().opCounts(), "the file's operators");
    }

    // ---------------------------------------------------------------- refusals

    private void assertRefused(String file, OnnxMl.ModelProto m, String... fragments) throws Exception {
        OnnxModel loaded = load(file, m);
        assertFalse(loaded.origin().problem().isEmpty(), "expected a refusal");
        assertEquals(m.getOpsetImport(0).getVersion(), loaded.opset(), "the file's graph is kept");
        InputException e = assertThrows(InputException.class, () -> ModelCapabilities.requireQuantizable(loaded));
        List<String> expected = new ArrayList<>(List.of(file, "opset 13"));
        expected.addAll(List.of(fragments));
        for (String f : expected) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing: " + e.getMessage());
        }
        assertFalse(ModelCapabilities.of(loaded).get(2).possible());
        assertTrue(ModelCapabilities.of(loaded).get(1).possible(), "FP32 evaluation runs the file as it is");
    }

    @Test
    void whatCannotBeConvertedIsRefusedNamingNodeOperatorAndOpset() throws Exception {
        assertRefused("bn_spatial0.onnx", graph(7, List.of(node("BatchNormalization", "bn_per_activation",
                        List.of("x", "g", "b", "mu", "var"), List.of("y"), TestModels.intAttr("spatial", 0))),
                List.of(TestModels.floats("g", new long[] {2}, 1, 1), TestModels.floats("b", new long[] {2}, 0, 0),
                        TestModels.floats("mu", new long[] {2}, 0, 0), TestModels.floats("var", new long[] {2}, 1, 1)),
                "y"), "node 'bn_per_activation'", "BatchNormalization, opset 7", "spatial=0");
        assertRefused("mask.onnx", graph(7, List.of(node("Dropout", "drop", List.of("x"), List.of("y", "mask"))),
                List.of(), "y", "mask"), "node 'drop'", "Dropout, opset 7", "mask output 'mask' is used");
        assertRefused("mixed.onnx", graph(10, List.of(node("Resize", "mixed", List.of("x", "s"), List.of("y"))),
                List.of(TestModels.floats("s", new long[] {4}, 1, 1, 2, 0.5f)), "y"), "node 'mixed'",
                "Resize, opset 10", "enlarges some axes and shrinks others");
        assertRefused("crop.onnx", graph(7, List.of(node("Crop", "crop", List.of("x"), List.of("y"),
                ints("border", 1, 1, 1, 1))), List.of(), "y"), "node 'crop'", "Crop, opset 7", "experimental");
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder().setName("then").addOutput(anyShape("c"))
                .addNode(node("Clip", "inner_clip", List.of("x"), List.of("c"), TestModels.floatAttr("min", 0f)))
                .build();
        OnnxMl.AttributeProto then = OnnxMl.AttributeProto.newBuilder().setName("then_branch").setG(body)
                .setType(OnnxMl.AttributeProto.AttributeType.GRAPH).build();
        OnnxMl.AttributeProto otherwise = then.toBuilder().setName("else_branch").build();
        assertRefused("if.onnx", graph(9, List.of(node("If", "branch", List.of("cond"), List.of("y"), then,
                otherwise)), List.of(OnnxMl.TensorProto.newBuilder().setName("cond").setDataType(9)
                        .addInt32Data(1).build()), "y"), "node 'branch'", "If, opset 9",
                "subgraph 'then_branch' holds a Clip node");
    }
}
