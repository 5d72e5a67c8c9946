package org.quantscope.core.transform;

import org.junit.jupiter.api.Test;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.SubsetDataset;
import org.quantscope.core.onnx.ActivationKind;
import org.quantscope.core.onnx.BatchNormFolding;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.sim.DemoData;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bias absorption where it is exact, on the torchvision MobileNetV2 test model after exact equalization. One
 * depthwise layer (joined to its 1x1 projection, which pads nothing) gets BatchNorm shifts beta + 20 on its even
 * channels, so c = max(0, beta - 3 |gamma|) / s is positive there: c is capped by the per-channel ReLU6 bound and by
 * the smallest pre-activation seen on the calibration samples, the bound becomes b - c, and the FP32 function is
 * unchanged on those samples. Pairs whose second layer pads (expansion -> depthwise 3x3) are left alone and listed.
 */
class ExactBiasAbsorptionTest {

    private static final Path MODEL = Path.of("src/test/resources/models/modern/mobilenetv2.onnx");

    @Test
    void absorbsOnlyWhereExactAndLowersThePerChannelBound() {
        OnnxModel loaded = OnnxModelLoader.load(MODEL);
        CrossLayerEqualization.Result plain = CrossLayerEqualization.equalize(BatchNormFolding.fold(loaded));
        CrossLayerEqualization.Pair pair = plain.pairs().stream()
                .filter(p -> layer(plain.folded(), p.first()).kind() == LayerKind.DEPTHWISE_CONV
                        && !BiasAbsorption.pads(layer(plain.folded(), p.second())))
                .findFirst().orElseThrow();
        Layer dw = layer(loaded, pair.first());
        float[] beta = loaded.constant(dw.batchNorm().input(2)).orElseThrow().floats().clone();
        for (int i = 0; i < beta.length; i += 2) {
            beta[i] += 20;
        }
        OnnxModel shifted = QuantizedGraphWriter.simulation(loaded, List.of(WeightReplacement.floats(
                dw.batchNorm().name(), 2, new long[] {beta.length}, beta)), List.of());
        CrossLayerEqualization.Result cle = CrossLayerEqualization.equalize(BatchNormFolding.fold(shifted));
        try (Dataset pool = DemoData.calibrationPool(shifted)) {
            SubsetDataset calib = SubsetDataset.first(pool, 256);
            Map<String, double[]> seen = ChannelMinimum.measure(cle.model(), BiasAbsorption.preActivationTensors(cle),
                    calib, 64, SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
            BiasAbsorption.Result r = BiasAbsorption.absorb(cle, shifted, seen);

            BiasAbsorption.Absorbed a = r.absorbed().stream().filter(x -> x.first().equals(pair.first()))
                    .findFirst().orElseThrow();
            Layer before = layer(cle.model(), pair.first());
            Layer after = layer(r.model(), pair.first());
            assertEquals(ActivationKind.CHANNEL_CLIP, after.activationKind());
            double[] min = seen.get(pair.first());
            int positive = 0;
            for (int i = 0; i < a.absorbed().length; i++) {
                double c = a.absorbed()[i];
                assertTrue(c >= 0 && c <= before.clipMax(i) + 1e-6 && c <= Math.max(0, min[i]) + 1e-6,
                        "channel " + i + ": c " + c + ", bound " + before.clipMax(i) + ", seen " + min[i]);
                assertEquals(before.clipMax(i) - c, after.clipMax(i), 1e-5 * Math.max(1, before.clipMax(i)),
                        "the bound of channel " + i + " becomes b - c");
                positive += c > 0 ? 1 : 0;
            }
            assertTrue(positive >= a.absorbed().length / 2 - 1, positive + " channels absorbed");

            assertFalse(r.skipped().isEmpty());
            for (BiasAbsorption.Skipped s : r.skipped()) {
                assertTrue(BiasAbsorption.pads(layer(cle.model(), s.second())), s.toString());
            }
            // exact where the pre-activation stays above c, which holds on the samples c was capped on
            FunctionChange change = FunctionChange.measure("biasAbsorption", cle.model(), r.model(), calib, 256, 64,
                    SessionSettings.DEFAULT, ProgressListener.NONE, CancellationToken.none());
            assertFalse(change.changed(), change.describe());
        }
    }

    private static Layer layer(OnnxModel m, String name) {
        return m.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }
}
