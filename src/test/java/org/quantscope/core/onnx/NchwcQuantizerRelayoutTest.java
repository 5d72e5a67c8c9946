package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quantscope.core.onnx.TestModels.floats;
import static org.quantscope.core.onnx.TestModels.node;
import static org.quantscope.core.onnx.TestModels.value;

/**
 * Which chains the rewrite takes out of the blocked layout and which it leaves alone, on hand-built graphs shaped
 * like ONNX Runtime's optimized ones ({@code nchwc.Conv -> ReorderOutput -> Q -> DQ -> ReorderInput -> nchwc.Conv}).
 * That the rewritten graphs compute the same numbers is checked on the real simulation graphs in
 * {@code SimulationRelayoutTest}.
 */
class NchwcQuantizerRelayoutTest {

    private static OnnxMl.NodeProto nchwc(OnnxMl.NodeProto n) {
        OnnxMl.NodeProto.Builder b = n.toBuilder().setDomain(NchwcQuantizerRelayout.NCHWC_DOMAIN);
        if (n.getOpType().equals("ReorderOutput")) {
            b.addAttribute(TestModels.intAttr("channels", 8));
        }
        return b.build();
    }

    /** conv1 -> ReorderOutput -> Q(scale) -> DQ -> ReorderInput -> conv2, plus whatever {@code extra} adds. */
    private static OnnxMl.GraphProto.Builder graph(long scaleElements) {
        float[] scale = new float[(int) scaleElements];
        java.util.Arrays.fill(scale, 0.05f);
        long[] dims = scaleElements == 1 ? new long[0] : new long[] {scaleElements};
        return OnnxMl.GraphProto.newBuilder().setName("g")
                .addInput(value("x", 1, "n", 8, 4, 4))
                .addOutput(value("y", 1, "n", 8, 4, 4))
                .addInitializer(floats("w", new long[] {8, 8, 1, 1}, new float[64]))
                .addInitializer(floats("s", dims, scale))
                .addNode(nchwc(node("ReorderInput", "in", List.of("x"), List.of("xb"))))
                .addNode(nchwc(node("Conv", "conv1", List.of("xb", "w"), List.of("c1"))))
                .addNode(nchwc(node("ReorderOutput", "out1", List.of("c1"), List.of("t"))))
                .addNode(node("QuantizeLinear", "q", List.of("t", "s"), List.of("tq")))
                .addNode(node("DequantizeLinear", "dq", List.of("tq", "s"), List.of("td")))
                .addNode(nchwc(node("ReorderInput", "back", List.of("td"), List.of("tb"))))
                .addNode(nchwc(node("Conv", "conv2", List.of("tb", "w"), List.of("c2"))))
                .addNode(nchwc(node("ReorderOutput", "out2", List.of("c2"), List.of("y"))));
    }

    /** The rewrite with every rule on; the count it reports must be what {@link RelayoutExpectation} finds. */
    private static Optional<NchwcQuantizerRelayout.Result> rewrite(OnnxMl.GraphProto.Builder g) {
        Optional<NchwcQuantizerRelayout.Result> r = NchwcQuantizerRelayout.rewrite(TestModels.model(g.build(), 17),
                true, true);
        assertEquals(RelayoutExpectation.removable(g.build()), r.map(NchwcQuantizerRelayout.Result::reordersRemoved)
                .orElse(0), "layout copies removed: the rewrite's count against the rules");
        return r;
    }

    private static OnnxMl.NodeProto find(OnnxMl.GraphProto g, String name) {
        return g.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void perTensorQuantizerMovesOntoTheBlockedTensor() {
        NchwcQuantizerRelayout.Result r = rewrite(graph(1)).orElseThrow();
        assertEquals(2, r.reordersRemoved());
        OnnxMl.GraphProto g = r.model().getGraph();
        List<String> names = g.getNodeList().stream().map(OnnxMl.NodeProto::getName).toList();
        assertEquals(List.of("in", "conv1", "q", "dq", "conv2", "out2"), names);
        assertEquals("c1", find(g, "q").getInput(0));
        assertEquals(find(g, "dq").getOutput(0), find(g, "conv2").getInput(0));
    }

    @Test
    void perChannelQuantizerStaysInThePlainLayout() {
        // eight scales, one per channel: the channel of an element depends on the layout
        assertTrue(rewrite(graph(8)).isEmpty());
    }

    @Test
    void tensorAlsoReadInThePlainLayoutGetsAPlainCopy() {
        OnnxMl.GraphProto.Builder g = graph(1).addNode(node("Flatten", "plain", List.of("td"), List.of("r")))
                .addOutput(value("r", 1, "n", 128));
        NchwcQuantizerRelayout.Result r = rewrite(g).orElseThrow();
        assertEquals(1, r.reordersRemoved(), "two copies removed, one added");
        OnnxMl.GraphProto out = r.model().getGraph();
        OnnxMl.NodeProto copy = out.getNodeList().stream().filter(n -> n.getOpType().equals("ReorderOutput")
                && n.getOutput(0).equals("td")).findFirst().orElseThrow();
        assertEquals(find(out, "dq").getOutput(0), copy.getInput(0));
        assertEquals(8, copy.getAttribute(0).getI());
        assertEquals("td", find(out, "plain").getInput(0));
        assertEquals(find(out, "dq").getOutput(0), find(out, "conv2").getInput(0));
    }

    @Test
    void globalPoolRunsOnTheBlockedTensorAndOnlyItsResultIsCopied() {
        OnnxMl.GraphProto.Builder g = graph(1).addNode(node("GlobalAveragePool", "gap", List.of("td"), List.of("p")))
                .addOutput(value("p", 1, "n", 8, 1, 1));
        OnnxMl.GraphProto out = rewrite(g).orElseThrow().model().getGraph();
        OnnxMl.NodeProto gap = find(out, "gap");
        assertEquals(NchwcQuantizerRelayout.NCHWC_DOMAIN, gap.getDomain());
        assertEquals(find(out, "dq").getOutput(0), gap.getInput(0));
        OnnxMl.NodeProto copy = find(out, "p__plain");
        assertEquals(List.of(gap.getOutput(0)), copy.getInputList());
        assertEquals(List.of("p"), copy.getOutputList());
        assertFalse(out.getNodeList().stream().anyMatch(n -> n.getOutputList().contains("td")),
                "no plain copy of the whole tensor");
        // without pooling in the blocked layout, the whole tensor is copied for the pool instead
        OnnxMl.GraphProto plain = NchwcQuantizerRelayout.rewrite(TestModels.model(g.build(), 17), true, false)
                .orElseThrow().model().getGraph();
        assertEquals("", find(plain, "gap").getDomain());
        assertEquals("td", find(plain, "gap").getInput(0));
    }

    /**
     * With 16-channel blocks (AVX-512F) a convolution whose input has fewer than 16 channels reads the plain tensor
     * directly, without a ReorderInput (tied_resnet's 12-channel layers there): the quantizer before it has no copy
     * back to remove, and moving it would only add one, so nothing is rewritten.
     */
    @Test
    void convolutionReadingThePlainTensorDirectlyLeavesItsQuantizerAlone() {
        OnnxMl.GraphProto.Builder g = graph(1);
        int back = g.getNodeList().indexOf(find(g.build(), "back"));
        g.removeNode(back);
        int conv2 = g.getNodeList().indexOf(find(g.build(), "conv2"));
        g.setNode(conv2, g.getNode(conv2).toBuilder().setInput(0, "td"));
        assertTrue(rewrite(g).isEmpty());
    }

    @Test
    void quantizedIntegerTensorReadOutsideTheRegionStopsTheRewrite() {
        assertTrue(rewrite(graph(1).addNode(node("Flatten", "plain", List.of("tq"), List.of("r")))
                .addOutput(value("r", 2, "n", 128))).isEmpty());
    }

    /** Two quantized branches joined by a residual Add, quantized again, into the next convolution. */
    private static OnnxMl.GraphProto.Builder residual() {
        return graph(1).clearNode()
                .addNode(nchwc(node("Conv", "conv1", List.of("x", "w"), List.of("c1"))))
                .addNode(nchwc(node("Conv", "conv1b", List.of("x", "w"), List.of("c1b"))))
                .addNode(nchwc(node("ReorderOutput", "out1", List.of("c1"), List.of("t"))))
                .addNode(nchwc(node("ReorderOutput", "out1b", List.of("c1b"), List.of("u"))))
                .addNode(node("QuantizeLinear", "q", List.of("t", "s"), List.of("tq")))
                .addNode(node("DequantizeLinear", "dq", List.of("tq", "s"), List.of("td")))
                .addNode(node("QuantizeLinear", "qb", List.of("u", "s"), List.of("uq")))
                .addNode(node("DequantizeLinear", "dqb", List.of("uq", "s"), List.of("ud")))
                .addNode(node("Add", "add", List.of("td", "ud"), List.of("sum")))
                .addNode(node("Relu", "relu", List.of("sum"), List.of("rs")))
                .addNode(nchwc(node("ReorderInput", "back", List.of("rs"), List.of("rb"))))
                .addNode(nchwc(node("Conv", "conv2", List.of("rb", "w"), List.of("c2"))))
                .addNode(nchwc(node("ReorderOutput", "out2", List.of("c2"), List.of("y"))));
    }

    @Test
    void residualAddOfTwoQuantizedBranchesMovesWithThem() {
        NchwcQuantizerRelayout.Result r = rewrite(residual()).orElseThrow();
        assertEquals(3, r.reordersRemoved());
        OnnxMl.GraphProto g = r.model().getGraph();
        assertEquals(List.of(find(g, "dq").getOutput(0), find(g, "dqb").getOutput(0)), find(g, "add").getInputList());
        assertEquals(find(g, "relu").getOutput(0), find(g, "conv2").getInput(0));
        assertEquals(1, g.getNodeList().stream().filter(n -> n.getOpType().startsWith("Reorder")).count(),
                "only the final ReorderOutput is left");
    }

    @Test
    void withoutTwoInputNodesTheResidualAddStaysInThePlainLayout() {
        // removing the two source reorders would need two plain copies for the Add: no gain, no rewrite
        assertTrue(NchwcQuantizerRelayout.rewrite(TestModels.model(residual().build(), 17), false, true).isEmpty());
    }

    @Test
    void graphOutputInsideTheChainIsLeftAlone() {
        assertTrue(rewrite(graph(1).addOutput(value("tq", 2, "n", 8, 4, 4))).isEmpty());
    }

    @Test
    void nonElementwiseNodeEndsTheChain() {
        OnnxMl.GraphProto.Builder g = graph(1);
        // replace the DequantizeLinear by a Transpose, which depends on the layout
        int dq = g.getNodeList().indexOf(find(g.build(), "dq"));
        g.setNode(dq, node("Transpose", "dq", List.of("tq"), List.of("td")));
        assertTrue(rewrite(g).isEmpty());
    }

    @Test
    void quantizerWithANonConstantParameterIsLeftAlone() {
        OnnxMl.GraphProto.Builder g = graph(1);
        int q = g.getNodeList().indexOf(find(g.build(), "q"));
        g.setNode(q, node("QuantizeLinear", "q", List.of("t", "x"), List.of("tq")));
        assertTrue(rewrite(g).isEmpty());
    }

    @Test
    void emulatedQuantizerChainIsMovedWhole() {
        // Div -> Round -> Clip -> Mul (the emulation used below 8 bits), scalar constants throughout
        OnnxMl.GraphProto.Builder g = graph(1).clearNode()
                .addInitializer(floats("lo", new long[0], 0f))
                .addInitializer(floats("hi", new long[0], 15f))
                .addNode(nchwc(node("Conv", "conv1", List.of("x", "w"), List.of("c1"))))
                .addNode(nchwc(node("ReorderOutput", "out1", List.of("c1"), List.of("t"))))
                .addNode(node("Div", "div", List.of("t", "s"), List.of("a")))
                .addNode(node("Round", "round", List.of("a"), List.of("b")))
                .addNode(node("Clip", "clip", List.of("b", "lo", "hi"), List.of("c")))
                .addNode(node("Mul", "mul", List.of("c", "s"), List.of("d")))
                .addNode(nchwc(node("ReorderInput", "back", List.of("d"), List.of("db"))))
                .addNode(nchwc(node("Conv", "conv2", List.of("db", "w"), List.of("c2"))))
                .addNode(nchwc(node("ReorderOutput", "out2", List.of("c2"), List.of("y"))));
        NchwcQuantizerRelayout.Result r = rewrite(g).orElseThrow();
        assertEquals(2, r.reordersRemoved());
        OnnxMl.GraphProto out = r.model().getGraph();
        assertEquals("c1", find(out, "div").getInput(0));
        assertEquals(find(out, "mul").getOutput(0), find(out, "conv2").getInput(0));
        assertFalse(out.getNodeList().stream().anyMatch(n -> n.getName().equals("back") || n.getName().equals("out1")));
    }
}
