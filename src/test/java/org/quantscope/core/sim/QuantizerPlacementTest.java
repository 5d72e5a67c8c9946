package org.quantscope.core.sim;

import org.junit.jupiter.api.Test;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.EncodingCalculator;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.ScaleConstraint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement rules on the TinyCNN fixture (stem Conv+BN+ReLU6, depthwise Conv+BN+ReLU, pointwise Conv+BN added to the
 * stem output then ReLU, a Conv reusing the pointwise weight through an Identity, MaxPool, AveragePool, Gemm): which
 * tensors get quantizers under each MQBench graph, how a weight shared between a folded and an unfolded layer is
 * named, and which activations are known to be non-negative. Expected lists are read off the graph by hand
 * ({@code tools/make_test_models.py}).
 */
class QuantizerPlacementTest {

    private static final OnnxModel TINY = OnnxModelLoader.load(Path.of("src/test/resources/models/tiny_cnn.onnx"));

    private static List<String> names(ActivationPlacement p, boolean weights) {
        QuantSettings s = QuantSettings.DEFAULT;
        s = new QuantSettings(8, 8, s.weightGranularity(), true, false, false, ScaleConstraint.FREE, s.convention(),
                "minmax", "minmax", true, p, false, "custom", Map.of());
        return QuantizationSimulator.sites(TINY, s).stream().filter(x -> x.isWeight() == weights)
                .map(QuantizerSite::name).toList();
    }

    @Test
    void weightsOncePerTensorNamedAfterTheOriginalInitializer() {
        assertEquals(List.of("stem.weight", "dw.weight", "pw.weight@/pw/Conv", "pw.weight@/mix/Conv", "fc.weight"),
                names(ActivationPlacement.NETWORK, true),
                "pw.weight is folded into /pw/Conv (a new tensor) and used unfolded by /mix/Conv: two quantizers");
    }

    @Test
    void networkPlacementQuantizesLayerOutputsAddsPoolsAndTheModelEnds() {
        assertEquals(List.of("input", "/stem_act/Clip_output_0", "/dw_act/Relu_output_0",
                "/pw_bn/BatchNormalization_output_0", "/Add_output_0", "/mix_act/Clip_output_0",
                "/tie/Conv_output_0", "/maxpool/MaxPool_output_0", "/avgpool/AveragePool_output_0", "logits"),
                names(ActivationPlacement.NETWORK, false));
    }

    @Test
    void tensorRtFusesTheAddIntoTheBranchConvolution() {
        List<String> trt = names(ActivationPlacement.TENSORRT, false);
        assertFalse(trt.contains("/pw_bn/BatchNormalization_output_0"), "conv output absorbed by the Add");
        assertTrue(trt.contains("/stem_act/Clip_output_0") && trt.contains("/Add_output_0"), trt.toString());
        assertEquals(names(ActivationPlacement.NETWORK, false).size() - 1, trt.size());
    }

    @Test
    void layerInputPlacementQuantizesOnlyWhatLayersRead() {
        assertEquals(List.of("input", "/stem_act/Clip_output_0", "/dw_act/Relu_output_0", "/add_act/Relu_output_0",
                "/mix_act/Clip_output_0", "/flatten/Flatten_output_0"), names(ActivationPlacement.LAYER_INPUTS, false));
    }

    @Test
    void nonNegativeActivationsAreFoundByPropagation() {
        Map<String, QuantizerSite> s = QuantizationSimulator.sites(TINY, QuantSettings.DEFAULT).stream()
                .collect(Collectors.toMap(QuantizerSite::name, Function.identity()));
        assertTrue(s.get("/stem_act/Clip_output_0").nonNegative(), "ReLU6");
        assertTrue(s.get("/dw_act/Relu_output_0").nonNegative(), "ReLU");
        assertFalse(s.get("/pw_bn/BatchNormalization_output_0").nonNegative(), "BN output");
        assertFalse(s.get("/Add_output_0").nonNegative(), "ReLU6 + BN output");
        assertFalse(s.get("input").nonNegative());
        assertFalse(s.get("logits").nonNegative());
    }

    @Test
    void presetsSetTheirSchemes() {
        QuantSettings academic = HardwarePreset.ACADEMIC.apply(QuantSettings.DEFAULT.withBits(4, 4));
        assertFalse(academic.foldBatchNorm());
        assertEquals(ActivationPlacement.LAYER_INPUTS, academic.placement());
        assertEquals(4, academic.weightBits(), "bits stay the user's");
        Map<String, QuantizerSite> s = QuantizationSimulator.sites(TINY, academic).stream()
                .collect(Collectors.toMap(QuantizerSite::name, Function.identity()));
        QuantizerSpec afterRelu = academic.spec(s.get("/dw_act/Relu_output_0"));
        QuantizerSpec input = academic.spec(s.get("input"));
        assertFalse(afterRelu.signed(), "adaptive sign: unsigned after ReLU");
        assertTrue(input.signed() && input.symmetric());
        assertEquals("stem.weight", s.get("stem.weight").name(), "BN not folded: original weight");

        QuantSettings tvm = HardwarePreset.TVM.apply(QuantSettings.DEFAULT);
        assertEquals(ScaleConstraint.POWER_OF_TWO, tvm.scaleConstraint());
        QuantSettings trt = HardwarePreset.TENSORRT.apply(QuantSettings.DEFAULT);
        assertEquals(Granularity.PER_CHANNEL, trt.weightGranularity());
        assertTrue(trt.activationSymmetric());
        QuantSettings snpe = HardwarePreset.SNPE.apply(QuantSettings.DEFAULT);
        assertFalse(snpe.weightSymmetric());
        assertEquals("snpe", snpe.preset());
    }

    /** Hand-worked int32 bias (scale s_w * s_in, round half to even). */
    @Test
    void biasIsQuantizedWithTheProductOfWeightAndInputScales() {
        QuantizerSpec w = QuantizerSpec.perTensor(8, true, true);
        Encoding we = EncodingCalculator.compute(w, -63.5f, 63.5f); // s_w = 63.5 / 127 = 0.5
        assertEquals(0.5f, we.scale(0));
        BiasQuantization b = QuantizationSimulator.quantizeBias("l", new float[] {0.3f, -0.1875f, 10f}, we, 0.25f);
        assertArrayEquals(new float[] {0.125f}, b.scales());
        // 0.3 / 0.125 = 2.4 -> 2; -0.1875 / 0.125 = -1.5 -> -2 (half to even); 10 / 0.125 = 80
        assertArrayEquals(new int[] {2, -2, 80}, b.values());
        Encoding pc = EncodingCalculator.computePerChannel(QuantizerSpec.perChannel(8, true, true, 0),
                new float[] {-127, -254}, new float[] {127, 254}); // scales 1 and 2
        BiasQuantization c = QuantizationSimulator.quantizeBias("l", new float[] {3f, 3f}, pc, 0.5f);
        assertArrayEquals(new float[] {0.5f, 1f}, c.scales());
        assertArrayEquals(new int[] {6, 3}, c.values());
    }
}
