package org.quantscope.core.onnx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer grouping of the blocks of issue 13: HardSwish (the op, or x * HardSigmoid(x) with alpha 1/6 and beta 1/2) and
 * SiLU (x * Sigmoid(x)) fused with their layer, squeeze-and-excitation blocks, and the layers of an already quantized
 * (QDQ) model, whose weights are integers behind a DequantizeLinear. Hand-built graphs ({@link ModernBlockModels})
 * and the torchvision models of {@code src/test/resources/models/modern}.
 */
class ModernBlocksTest {

    private static final Path MODERN = Path.of("src/test/resources/models/modern");

    @TempDir
    Path dir;

    private static Map<String, Layer> byName(OnnxModel m) {
        return m.layers().stream().collect(Collectors.toMap(Layer::name, Function.identity()));
    }

    @Test
    void gatedActivationsAreFusedWithTheirLayer() throws IOException {
        OnnxModel m = OnnxModelLoader.load(ModernBlockModels.blocks(dir.resolve("blocks.onnx")));
        Map<String, Layer> l = byName(m);
        assertEquals(List.of("c1", "c2", "reduce", "expand", "c3", "c4", "fc"),
                m.layers().stream().map(Layer::name).toList());

        assertEquals(ActivationKind.HARD_SWISH, l.get("c1").activationKind());
        assertEquals("a1", l.get("c1").output(), "the group ends after the Mul");
        assertEquals("Mul", l.get("c1").activation().opType());
        assertEquals("Conv + HardSwish", l.get("c1").fusedText());

        assertEquals(ActivationKind.SILU, l.get("c2").activationKind(), "Mul(Sigmoid(c2), c2): either input order");
        assertEquals("a2", l.get("c2").output());
        assertEquals("Conv + SiLU", l.get("c2").fusedText());

        assertEquals(ActivationKind.OTHER, l.get("expand").activationKind());
        assertEquals("HardSigmoid", l.get("expand").activationText(), "shown by its op type, not as 'other'");
        assertEquals("g", l.get("expand").output());

        assertEquals(ActivationKind.NONE, l.get("c3").activationKind(), "HardSigmoid alpha 0.2 is not HardSwish");
        assertEquals("c3", l.get("c3").output());
        assertNull(l.get("c3").activationText());

        assertEquals(ActivationKind.HARD_SWISH, l.get("c4").activationKind(), "the HardSwish op (opset 14)");
        assertEquals("h4", l.get("c4").output());
    }

    @Test
    void squeezeExcitationIsFound() throws IOException {
        OnnxModel m = OnnxModelLoader.load(ModernBlockModels.blocks(dir.resolve("blocks.onnx")));
        List<SqueezeExcitation> se = SqueezeExcitation.find(m);
        assertEquals(1, se.size());
        SqueezeExcitation b = se.get(0);
        assertEquals("a2", b.input());
        assertEquals("pool", b.pool().name());
        assertEquals("reduce", b.reduce().name());
        assertEquals("expand", b.expand().name());
        assertEquals("gate", b.gate().name());
        assertEquals("m", b.output());
        BlockSummary s = BlockSummary.of(m);
        Map<String, Layer> l = byName(m);
        assertEquals("SE reduce", s.blockOf(l.get("reduce")));
        assertEquals("SE expand", s.blockOf(l.get("expand")));
        assertNull(s.blockOf(l.get("c3")));
        assertEquals(Map.of("HardSwish", 2, "SiLU", 1, "ReLU", 1, "HardSigmoid", 1), s.activationCounts());
        assertEquals("1 squeeze-and-excitation block · fused activations: 2 HardSwish, 1 SiLU, 1 ReLU, "
                + "1 HardSigmoid", s.text());
        assertEquals("", s.quantizedText(m.layers().size()), "a float model");
    }

    /** Counts read off torchvision's definitions (width 0.5 MobileNetV3-small, EfficientNet-B0 at depth 0.25). */
    @Test
    void torchvisionModelsShowTheirBlocks() {
        OnnxModel v3 = OnnxModelLoader.load(MODERN.resolve("mobilenetv3_small.onnx"));
        BlockSummary s = BlockSummary.of(v3);
        assertEquals(54, v3.layers().size());
        assertEquals(9, s.squeezeExcitations().size(), "features 1, 4-11 have SE");
        // HardSwish: stem, features 4-11 expand and depthwise (16), the last conv, classifier.0
        assertEquals(19, s.activationCounts().get("HardSwish"));
        assertEquals(9, s.activationCounts().get("HardSigmoid"), "the SE gates");
        assertFalse(s.activationCounts().containsKey("other"));
        for (SqueezeExcitation se : s.squeezeExcitations()) {
            assertTrue(se.reduce().name().endsWith("fc1/Conv") && se.expand().name().endsWith("fc2/Conv"),
                    se.toString());
            assertEquals("HardSigmoid", se.gate().opType());
        }
        OnnxModel eff = OnnxModelLoader.load(MODERN.resolve("efficientnet_small.onnx"));
        BlockSummary e = BlockSummary.of(eff);
        assertEquals(7, e.squeezeExcitations().size(), "every MBConv block has SE");
        // SiLU: stem, 6 expand convs (the first block has none), 7 depthwise, 7 SE reduce, the head conv
        assertEquals(22, e.activationCounts().get("SiLU"));
        assertEquals(7, e.activationCounts().get("Sigmoid"));
        OnnxModel v2 = OnnxModelLoader.load(MODERN.resolve("mobilenetv2.onnx"));
        assertTrue(BlockSummary.of(v2).squeezeExcitations().isEmpty());
    }

    @Test
    void aQdqConvolutionIsALayerWithItsIntegerWeight() throws IOException {
        OnnxModel m = OnnxModelLoader.load(ModernBlockModels.qdqConv(dir.resolve("qdq.onnx")));
        assertEquals(1, m.layers().size(), "the weight behind the DequantizeLinear is the layer's weight");
        Layer l = m.layers().get(0);
        assertEquals("w_q", l.weightName());
        assertEquals("b_q", l.biasName());
        assertEquals(LayerKind.CONV, l.kind());
        assertEquals("3x2x1x1", l.weightShapeText());
        assertEquals(9, l.parameters(), "6 weights + 3 biases");
        QuantizedWeight q = QuantizedWeight.of(m, l).orElseThrow();
        assertEquals("int8", q.storage());
        assertEquals(4, q.bits(), "values -8..7: a 4-bit grid in an int8 container");
        assertTrue(q.perChannel());
        assertEquals(0, q.axis());
        assertTrue(q.symmetric());
        assertEquals("W4 int8 per-channel", q.text());
        BlockSummary s = BlockSummary.of(m);
        assertEquals(1, s.quantizedLayers());
        assertEquals(1, s.activationQdqPairs());
        assertEquals("1 of 1 layers with integer weights, 1 activation QuantizeLinear/DequantizeLinear pairs",
                s.quantizedText(1));
    }

    @Test
    void aFloatLayerHasNoQuantizedWeight() {
        OnnxModel m = OnnxModelLoader.load(MODERN.resolve("mobilenetv3_small.onnx"));
        assertTrue(QuantizedWeight.of(m, m.layers().get(0)).isEmpty());
        assertEquals(0, BlockSummary.of(m).quantizedLayers());
    }
}
