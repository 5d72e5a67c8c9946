package org.quantscope.ui.main;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.onnx.ModernBlockModels;
import org.quantscope.core.onnx.OnnxModelLoader;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the window's layer table and block line say about models with modern blocks and about an already quantized
 * model: the same names as {@code quantscope info} (HardSwish, SiLU, SE reduce/expand, the integer weight grid).
 */
class ModelSummaryTest {

    @TempDir
    Path dir;

    @Test
    void mobileNetV3RowsShowHardSwishAndSqueezeExcitation() {
        ModelSummary s = ModelSummary.of(OnnxModelLoader.load(
                Path.of("src/test/resources/models/modern/mobilenetv3_small.onnx")));
        assertEquals("9 squeeze-and-excitation blocks · fused activations: 19 HardSwish, 14 ReLU, 9 HardSigmoid",
                s.blocks());
        LayerRow stem = s.rows().get(0);
        assertEquals("BN + HardSwish", stem.fusedWith());
        assertEquals("—", stem.block());
        assertEquals("float32", stem.weightType());
        assertFalse(stem.quantized());
        LayerRow fc2 = s.rows().stream().filter(r -> r.name().equals("/features/features.4/block/block.2/fc2/Conv"))
                .findFirst().orElseThrow();
        assertEquals("HardSigmoid", fc2.fusedWith());
        assertEquals("SE expand", fc2.block());
        assertEquals(9, s.rows().stream().filter(r -> r.block().equals("SE reduce")).count());
    }

    @Test
    void aQdqModelShowsItsIntegerLayers() throws Exception {
        ModelSummary s = ModelSummary.of(OnnxModelLoader.load(ModernBlockModels.qdqConv(dir.resolve("q.onnx"))));
        assertEquals("1", s.layers(), "not 'layers 0'");
        assertEquals("1 of 1 layers with integer weights, 1 activation QuantizeLinear/DequantizeLinear pairs",
                s.blocks());
        LayerRow conv = s.rows().get(0);
        assertEquals("W4 int8 per-channel", conv.weightType());
        assertTrue(conv.quantized());
    }
}
