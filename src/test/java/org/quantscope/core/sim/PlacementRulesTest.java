package org.quantscope.core.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.onnx.ModernBlockModels;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.quant.ScaleConstraint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The complete placement of decision 0020 on hand-built graphs whose expected quantizers are read off by hand
 * ({@link ModernBlockModels}): every data input of a compute op comes from a quantizer whatever produced it, layer
 * groups end after HardSwish/SiLU, element-wise Muls of two activations are quantized like Adds, the check after
 * placement names every compute op left with a float input, and the sign of each quantized tensor is known from the
 * graph.
 */
class PlacementRulesTest {

    @TempDir
    Path dir;

    private static List<QuantizerSite> sites(OnnxModel m, ActivationPlacement p) {
        QuantSettings s = QuantSettings.DEFAULT;
        s = new QuantSettings(8, 8, s.weightGranularity(), true, false, false, ScaleConstraint.FREE, s.convention(),
                "minmax", "minmax", true, p, false, "custom", Map.of());
        return QuantizationSimulator.sites(m, s);
    }

    /** Activation quantizers as tensor -> role, in placement order. */
    private static Map<String, String> activations(OnnxModel m, ActivationPlacement p) {
        Map<String, String> roles = new LinkedHashMap<>();
        sites(m, p).stream().filter(s -> !s.isWeight()).forEach(s -> roles.put(s.tensor(), s.role()));
        return roles;
    }

    private static List<QuantizerState> enabled(List<QuantizerSite> sites) {
        return sites.stream().map(s -> new QuantizerState(s, true, null, "minmax", null, null, null, null, ""))
                .toList();
    }

    @Test
    void everyComputeInputGetsAQuantizerWhateverProducedIt() throws IOException {
        OnnxModel m = OnnxModelLoader.load(ModernBlockModels.feeds(dir.resolve("feeds.onnx")));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("x", "model input");
        expected.put("sm", "layer input");   // Softmax -> Gemm A
        expected.put("ya", "layer output");
        expected.put("rs", "layer input");   // Sub -> Reshape -> Gemm B: the Reshape output, read by the layer
        expected.put("yb", "layer output");
        expected.put("yc", "layer output");  // Relu(x) -> Gemm C: x's quantizer covers it, no second one
        expected.put("th", "layer input");   // Tanh -> Gemm F; it also covers Unsqueeze(th) -> MatMul of activations
        expected.put("fl", "layer input");   // MatMul -> Flatten -> Gemm D
        expected.put("yd", "layer output");
        expected.put("em", "layer input");   // the embedding lookup; the int64 indices are not data
        expected.put("ye", "layer output");
        expected.put("yf", "layer output");
        expected.put("tok", "layer input");  // the embedding of the int64 ids input, which is not data itself
        expected.put("yg", "layer output");
        assertEquals(expected, activations(m, ActivationPlacement.NETWORK));
        assertEquals(expected, activations(m, ActivationPlacement.TENSORRT), "no Add to fuse: same as network");

        Map<String, String> inputs = new LinkedHashMap<>();
        for (String t : List.of("sm", "rs", "rl", "ua", "th", "ub", "fl", "em", "tok")) {
            inputs.put(t, t.startsWith("u") ? "MatMul input" : "layer input");
        }
        assertEquals(inputs, activations(m, ActivationPlacement.LAYER_INPUTS), "graph 1: exactly the compute inputs");
    }

    @Test
    void theCheckNamesEveryComputeOpLeftWithAFloatInput() throws IOException {
        OnnxModel m = OnnxModelLoader.load(ModernBlockModels.feeds(dir.resolve("feeds.onnx")));
        List<QuantizerSite> all = sites(m, ActivationPlacement.NETWORK);
        PlacementCheck.Result full = PlacementCheck.check(m, enabled(all));
        assertTrue(full.complete(), full.floatInputs().toString());
        assertEquals(8, full.computeLayers(), "Gemm A-D and F, MatMul E and G, and the MatMul of two activations");

        // a placement without the completion rule: no quantizer on sm and th
        List<QuantizerSite> partial = all.stream().filter(s -> !Set.of("sm", "th").contains(s.tensor())).toList();
        PlacementCheck.Result r = PlacementCheck.check(m, enabled(partial));
        assertEquals(3, r.floatInputs().size(), r.floatInputs().toString());
        PlacementCheck.FloatInput a = r.floatInputs().get(0);
        assertEquals("A", a.layer());
        assertEquals("sm", a.tensor());
        assertEquals("Softmax", a.producerOp());
        assertEquals("softmax", a.producer());
        assertFalse(a.disabled());
        assertEquals("the placement puts no quantizer between Softmax node softmax and this layer", a.reason());
        PlacementCheck.FloatInput outer = r.floatInputs().get(1);
        assertEquals("outer", outer.layer(), "a MatMul of two activations is named by its node");
        assertEquals("ub", outer.tensor());
        assertEquals("Tanh", outer.producerOp(), "the op that made the values, behind the Unsqueeze");
        assertEquals("F", r.floatInputs().get(2).layer());
        assertEquals("th", r.floatInputs().get(2).tensor());
        assertEquals(3, r.warnings().size());
        assertTrue(r.warnings().get(0).startsWith("Float input: layer A reads sm (from Softmax node softmax) "
                + "without a quantizer"), r.warnings().get(0));

        // a disabled quantizer: one warning line naming the layer and the quantizer; a float layer is not checked
        List<QuantizerState> states = all.stream().map(s -> new QuantizerState(s,
                !s.tensor().equals("fl") && !s.tensor().equals("wc"), null, "minmax", null, null, null, null, ""))
                .toList();
        PlacementCheck.Result off = PlacementCheck.check(m, states);
        assertEquals(7, off.computeLayers(), "Gemm C keeps a float weight: a float layer, not checked");
        assertEquals(1, off.floatInputs().size());
        assertTrue(off.floatInputs().get(0).disabled());
        assertEquals("fl", off.floatInputs().get(0).quantizer());
        // the warning names the setting once; the window says it in words, the command line names its flag
        assertEquals(List.of("Float input: 1 quantized layer reads an activation whose quantizer is disabled "
                + "(switched off by hand or an override), so it computes on float inputs: D (fl)."),
                off.warnings().stream().map(org.quantscope.core.SettingNames::plainText).toList());
        assertTrue(org.quantscope.core.SettingNames.render(off.warnings().get(0), id -> id.equals("disable")
                ? "--disable" : null).contains("(--disable or an override)"), off.warnings().get(0));
    }

    @Test
    void gatedActivationsEndTheirLayerGroupAndProductsAreQuantized() throws IOException {
        OnnxModel m = OnnxModelLoader.load(ModernBlockModels.blocks(dir.resolve("blocks.onnx")));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("x", "model input");
        expected.put("a1", "layer output");  // after HardSwish = Mul(c1, HardSigmoid(c1))
        expected.put("a2", "layer output");  // after SiLU
        expected.put("p", "pool output");
        expected.put("r", "layer output");   // SE reduce + ReLU
        expected.put("g", "layer output");   // SE expand + HardSigmoid: the multiplier
        expected.put("m", "Mul output");     // the SE scale
        expected.put("c3", "layer output");  // HardSigmoid alpha 0.2: not an activation of the layer
        expected.put("a3", "Mul output");
        expected.put("h4", "layer output");  // the HardSwish op
        expected.put("logits", "layer output");
        assertEquals(expected, activations(m, ActivationPlacement.NETWORK));
        Map<String, QuantizerSite> s = new LinkedHashMap<>();
        sites(m, ActivationPlacement.NETWORK).forEach(x -> s.put(x.tensor(), x));
        assertTrue(s.get("r").nonNegative() && s.get("g").nonNegative(), "ReLU, HardSigmoid");
        for (String t : List.of("a1", "a2", "m", "a3", "h4", "p")) {
            assertFalse(s.get(t).nonNegative(), t + " can be negative");
        }
        assertTrue(PlacementCheck.check(m, enabled(sites(m, ActivationPlacement.NETWORK))).complete());
    }

    /** HardSwish and SiLU dip below zero (-0.375, -0.278); a product of non-negative factors does not. */
    @Test
    void signsOfMulMinMaxAndGatedActivations() throws IOException {
        OnnxModel m = OnnxModelLoader.load(ModernBlockModels.signs(dir.resolve("signs.onnx")));
        Map<String, QuantizerSite> s = new LinkedHashMap<>();
        sites(m, ActivationPlacement.NETWORK).forEach(x -> s.put(x.tensor(), x));
        Set<String> nonNegative = Set.of("relu_gate", "relu_twice", "bounded", "floor0", "square");
        for (String t : ModernBlockModels.SIGN_TENSORS) {
            QuantizerSite site = s.get(t);
            assertEquals(nonNegative.contains(t), site.nonNegative(), t);
        }
        assertEquals("Mul output", s.get("relu_gate").role());
        assertEquals("layer input", s.get("relu_twice").role(), "a Mul by a constant has no rule of its own");
        assertNull(s.get("r"), "the Relu output is not read by a layer");
    }
}
