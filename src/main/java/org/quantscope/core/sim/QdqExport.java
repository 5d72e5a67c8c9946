package org.quantscope.core.sim;

import org.quantscope.core.onnx.ActivationFakeQuant;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.FakeQuantizer;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.ScaleConvention;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link QuantizedModel} into a deployable QDQ ONNX model, the format ONNX Runtime's quantization tools write
 * and its CPU provider fuses into integer kernels: each weight is stored as int8 (uint8 for asymmetric weights; int32
 * above 8 bits) behind a DequantizeLinear with the encoding's scales and zero points (per channel with {@code axis}),
 * int32 biases likewise, and each activation quantizer becomes a QuantizeLinear/DequantizeLinear pair. Weights below
 * 8 bits keep their narrow grid inside the int8 container, so the values are exactly the simulated ones. Activations
 * at widths other than 8 bits have no Q/DQ type before opset 21 and are written as the exact float emulation
 * ({@link ActivationFakeQuant}).
 */
public final class QdqExport {

    private QdqExport() {
    }

    /**
     * Builds the deployable model.
     *
     * @param qm the quantized model
     * @return the QDQ model; save it with {@link QuantizedGraphWriter#save}
     */
    public static OnnxModel deployable(QuantizedModel qm) {
        OnnxModel prepared = qm.prepared();
        List<WeightReplacement> weights = new ArrayList<>();
        List<ActivationFakeQuant> acts = new ArrayList<>();
        for (QuantizerState q : qm.quantizers()) {
            if (!q.enabled()) {
                continue;
            }
            Encoding e = q.encoding();
            QuantizerSpec spec = q.spec();
            if (q.site().isWeight()) {
                WeightTensor w = prepared.constant(q.site().tensor()).orElseThrow();
                int[] grid = FakeQuantizer.quantizeToGrid(w.floats(), q.site().intShape(), e);
                int type = spec.bits() > 8 ? 6 : spec.signed() ? 3 : 2;
                if (type == 6 && !spec.symmetric()) {
                    float[] fq = new float[grid.length];
                    FakeQuantizer.quantizeDequantize(w.floats(), q.site().intShape(), e, fq);
                    for (Layer l : prepared.layers()) {
                        if (l.weightName().equals(q.site().tensor())) {
                            weights.add(WeightReplacement.floats(l.linear().name(), 1, w.dims(), fq));
                        }
                    }
                    continue;
                }
                for (Layer l : prepared.layers()) {
                    if (l.weightName().equals(q.site().tensor())) {
                        weights.add(WeightReplacement.integers(l.linear().name(), 1, w.dims(), grid, type,
                                e.scales(), e.zeroPoints(), e.channels() > 1 || spec.axis() >= 0 ? e.axis() : -1));
                    }
                }
            } else {
                acts.add(new ActivationFakeQuant(q.site().tensor(), e.scale(0), e.zeroPoint(0), spec.qmin(),
                        spec.qmax(), spec.convention() == ScaleConvention.PYTORCH));
            }
        }
        for (BiasQuantization b : qm.biases()) {
            Layer l = prepared.layers().stream().filter(x -> x.name().equals(b.layer())).findFirst().orElseThrow();
            WeightTensor bias = prepared.constant(l.biasName()).orElseThrow();
            weights.add(WeightReplacement.integers(l.linear().name(), 2, bias.dims(), b.values(), 6, b.scales(),
                    new int[b.scales().length], b.scales().length > 1 ? 0 : -1));
        }
        return QuantizedGraphWriter.deployable(prepared, weights, acts);
    }
}
