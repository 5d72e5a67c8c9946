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
 * SiLU (x * Sigmoid(x)) fused with their layer. Hand-built graphs ({@link ModernBlockModels}).
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
}
