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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link QuantizedModel} into a deployable QDQ ONNX model, the format ONNX Runtime's quantization tools write
 * and its CPU provider fuses into integer kernels: each weight is stored as int8 (uint8 for asymmetric weights; int32
 * above 8 bits) behind a DequantizeLinear with the encoding's scales and zero points (per channel with {@code axis}),
 * int32 biases likewise, and each activation quantizer becomes a QuantizeLinear/DequantizeLinear pair. Weights below
 * 8 bits keep their narrow grid inside the int8 container, so the values are exactly the simulated ones. Activations
 * at widths other than 8 bits have no Q/DQ type before opset 21 and are written as the exact float emulation
 * ({@link ActivationFakeQuant}).
 *
 * <p>Signed weight grids can be stored as int8 (zero point 0, what TensorRT requires) or as uint8 with the grid and
 * zero point moved by +128 ({@link WeightStorage}). Both hold exactly the same values, but they select different
 * integer kernels in ONNX Runtime: on x86 CPUs without VNNI (SSE4.1, AVX2, and AVX-512 without VNNI), the U8S8
 * kernel (uint8 activations, int8 weights) adds pairs of products in 16 bits, which saturates when weights reach
 * +-127 and inputs reach 255; the demo model loses 0.7 points that way on an AVX2 machine. With VNNI the U8S8 kernel
 * is exact. The U8U8 kernel (uint8 weights) is exact on every x86 CPU, so uint8 storage deploys as simulated whatever
 * the CPU, at the cost of the VNNI kernels' speed where there are some. See
 * {@code docs/decisions/0007-quantization-simulation.md} and {@code 0017-cpu-independent-tests.md}.
 */
public final class QdqExport {

    /** How signed weight grids are stored in the exported file. */
    public enum WeightStorage {
        /** int8 for the TensorRT preset, uint8 otherwise. */
        AUTO,
        /** int8 with zero point 0 (standard QDQ; needed by TensorRT). */
        INT8,
        /** uint8 with zero point 128 (same values; avoids U8S8 saturation on x86 CPUs without VNNI). */
        UINT8
    }

    private QdqExport() {
    }

    /**
     * Layers of the model whose activation is a per-channel clip (Relu followed by Min, ReLU6 kept exact by
     * cross-layer equalization). ONNX Runtime fuses a convolution into its integer kernel only when its output (or a
     * Relu of it) goes straight to a QuantizeLinear; a Min in between keeps the convolution in float, on dequantized
     * inputs and weights: the same numbers as the simulation, without the integer speed-up.
     *
     * @param qm the quantized model
     * @return the names of such layers, in graph order
     */
    public static java.util.List<String> floatConvolutionsBeforeChannelClip(QuantizedModel qm) {
        return qm.prepared().layers().stream()
                .filter(l -> l.activationKind() == org.quantscope.core.onnx.ActivationKind.CHANNEL_CLIP)
                .map(org.quantscope.core.onnx.Layer::name).toList();
    }

    /**
     * Convolution layers whose fused activation is HardSwish, SiLU or another non-clipping activation (a Sigmoid or
     * HardSigmoid gate, ...). Their output quantizer sits after the activation (decision 0020), and ONNX Runtime's CPU
     * provider fuses a convolution into its integer kernel only when its output (or a Relu/Clip of it) goes straight to
     * a QuantizeLinear: it runs these as float convolutions on dequantized inputs and weights, the same numbers as the
     * simulation. A back-end that fuses convolution and activation in INT8 (TensorRT) runs them in integer.
     *
     * @param qm the quantized model
     * @return the names of such layers, in graph order
     */
    public static java.util.List<String> floatConvolutionsBeforeActivation(QuantizedModel qm) {
        java.util.Set<org.quantscope.core.onnx.ActivationKind> kinds = java.util.EnumSet.of(
                org.quantscope.core.onnx.ActivationKind.HARD_SWISH, org.quantscope.core.onnx.ActivationKind.SILU,
                org.quantscope.core.onnx.ActivationKind.OTHER);
        return qm.prepared().layers().stream()
                .filter(l -> l.linear().opType().equals("Conv") && kinds.contains(l.activationKind()))
                .map(org.quantscope.core.onnx.Layer::name).toList();
    }

    /**
     * Builds the deployable model with {@link WeightStorage#AUTO} weight storage.
     *
     * @param qm the quantized model
     * @return the QDQ model
     */
    public static OnnxModel deployable(QuantizedModel qm) {
        return deployable(qm, WeightStorage.AUTO);
    }

    /**
     * Builds the deployable model.
     *
     * @param qm      the quantized model
     * @param storage how signed weight grids are stored
     * @return the QDQ model; save it with {@link QuantizedGraphWriter#save}
     */
    public static OnnxModel deployable(QuantizedModel qm, WeightStorage storage) {
        boolean unsignedStorage = storage == WeightStorage.UINT8
                || storage == WeightStorage.AUTO && !qm.settings().preset().equals(HardwarePreset.TENSORRT.id());
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
                int[] zps = e.zeroPoints();
                if (type == 3 && unsignedStorage) {
                    type = 2;
                    shift(grid);
                    shift(zps);
                }
                for (Layer l : prepared.layers()) {
                    if (l.weightName().equals(q.site().tensor())) {
                        weights.add(WeightReplacement.integers(l.linear().name(), 1, w.dims(), grid, type,
                                e.scales(), zps, spec.axis()));
                    }
                }
            } else {
                acts.add(new ActivationFakeQuant(q.site().tensor(), e.scale(0), e.zeroPoint(0), spec.qmin(),
                        spec.qmax(), spec.convention() == ScaleConvention.PYTORCH));
            }
        }
        acts.addAll(requantizedInputs(prepared, acts));
        for (BiasQuantization b : qm.biases()) {
            Layer l = prepared.layers().stream().filter(x -> x.name().equals(b.layer())).findFirst().orElseThrow();
            WeightTensor bias = prepared.constant(l.biasName()).orElseThrow();
            org.quantscope.core.onnx.BiasInput at = org.quantscope.core.onnx.BiasInput.of(prepared, l);
            weights.add(WeightReplacement.integers(at.node(), at.input(), bias.dims(), b.values(), 6, b.scales(),
                    new int[b.scales().length], b.scales().length > 1 ? 0 : -1));
        }
        return QuantizedGraphWriter.deployable(prepared, weights, acts);
    }

    /**
     * The same Q/DQ again right before a compute op whose input is quantized further up, behind ops that pass
     * quantized values through unchanged (Flatten, Reshape, Relu, MaxPool, ...; {@link GridPreserving}): quantizing
     * values that already lie on the grid with that grid is exact, and every Conv/Gemm/MatMul data input then comes
     * straight from a DequantizeLinear, the pattern ONNX Runtime fuses into an integer kernel (its own quantizer writes
     * the same pairs after such ops).
     */
    private static List<ActivationFakeQuant> requantizedInputs(OnnxModel prepared, List<ActivationFakeQuant> acts) {
        Map<String, ActivationFakeQuant> byTensor = new HashMap<>();
        acts.forEach(a -> byTensor.put(a.tensor(), a));
        Map<String, ActivationFakeQuant> copies = new LinkedHashMap<>();
        for (ComputeInput c : ComputeInput.all(prepared, QuantizerPlacement.dataTensors(prepared))) {
            if (byTensor.containsKey(c.tensor()) || copies.containsKey(c.tensor())) {
                continue;
            }
            String source = GridPreserving.coveringTensor(prepared, c.tensor(), byTensor::containsKey);
            if (source != null) {
                ActivationFakeQuant a = byTensor.get(source);
                copies.put(c.tensor(), new ActivationFakeQuant(c.tensor(), a.scale(), a.zeroPoint(), a.qmin(),
                        a.qmax(), a.multiplyByReciprocal()));
            }
        }
        return new ArrayList<>(copies.values());
    }

    private static void shift(int[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] += 128;
        }
    }
}
