package org.quantscope.core.transform;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.BitWidthVariants;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a per-quantizer bit-width configuration costs: the weight memory in bits (sum over weights of elements x
 * bits, a float weight counting 32), the average weight width (that sum over the weight elements) and the bit
 * operations of the linear layers (BOPs: sum over layers of MACs x weight bits x input activation bits, float = 32,
 * as in van Baalen et al. 2020). MACs per sample come from the graph: a layer's weight elements times its output
 * elements per output channel (Conv: output height x width; Gemm: 1; MatMul: the rows), with the output shape
 * measured by running one sample through the FP32 graph. A layer's input width is that of the activation quantizer
 * reading its data input (through pass-through ops such as Flatten and MaxPool), 32 when none does. Biases and
 * element-wise ops are not counted.
 */
public final class BitCost {

    /** Ops that pass a quantized tensor on unchanged (the list the simulation uses for int32 bias scales). */
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
            "Transpose", "MaxPool", "GlobalMaxPool", "Dropout");

    /** One linear layer: its weight quantizer, its input quantizer (or null) and MACs per sample. */
    private record LayerCost(String layer, String weight, String input, long macs) {
    }

    private final Map<String, Long> weightElements;
    private final List<LayerCost> layers;
    private final Map<String, Integer> baseBits;
    private final long totalWeightElements;

    private BitCost(Map<String, Long> weightElements, List<LayerCost> layers, Map<String, Integer> baseBits) {
        this.weightElements = weightElements;
        this.layers = layers;
        this.baseBits = baseBits;
        this.totalWeightElements = weightElements.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The cost model of a quantized model's quantizers.
     *
     * @param qm      the (base) quantized model: its quantizers, their base widths, its prepared graph
     * @param data    any sample of the data, to measure the layers' output shapes
     * @param session ONNX Runtime settings
     * @param cancel  cancellation
     * @return the cost model
     */
    public static BitCost of(QuantizedModel qm, Dataset data, SessionSettings session, CancellationToken cancel) {
        OnnxModel m = qm.prepared();
        List<String> capture = new ArrayList<>();
        for (Layer l : m.layers()) {
            if (!capture.contains(l.linear().output())) {
                capture.add(l.linear().output());
            }
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Batch one = data.read(0, 1);
        try (InferenceSession s = InferenceSession.open(m, session, capture)) {
            s.run(one.data(), one.shape(), capture, cancel).forEach((k, v) -> shapes.put(k, v.shape()));
        }
        Map<String, Long> elements = new LinkedHashMap<>();
        Map<String, String> weightOfTensor = new LinkedHashMap<>();
        Map<String, String> actOfTensor = new LinkedHashMap<>();
        Map<String, Integer> base = new LinkedHashMap<>();
        for (QuantizerState q : qm.quantizers()) {
            base.put(q.site().name(), q.enabled() ? q.spec().bits() : BitWidthVariants.FLOAT);
            if (q.site().isWeight()) {
                long e = 1;
                for (long d : q.site().shape()) {
                    e *= d;
                }
                elements.put(q.site().name(), e);
                weightOfTensor.put(q.site().tensor(), q.site().name());
            } else {
                actOfTensor.putIfAbsent(q.site().tensor(), q.site().name());
            }
        }
        List<LayerCost> layers = new ArrayList<>();
        for (Layer l : m.layers()) {
            String w = weightOfTensor.get(l.weightName());
            if (w == null) {
                continue;
            }
            long[] out = shapes.get(l.linear().output());
            long[] ws = l.weightShape();
            long outElements = 1;
            for (int i = 1; i < out.length; i++) {
                outElements *= out[i];
            }
            long channels = Math.max(1, outChannels(l, ws));
            layers.add(new LayerCost(l.name(), w, inputQuantizer(m, l, actOfTensor),
                    elements.get(w) * (outElements / channels)));
        }
        return new BitCost(elements, layers, base);
    }

    /** Output channels: Conv dim 0, Gemm dim 0 with transB=1 else dim 1, MatMul the last dim. */
    private static long outChannels(Layer l, long[] ws) {
        return switch (l.kind()) {
            case GEMM -> l.linear().longAttr("transB", 0) == 1 ? ws[0] : ws[ws.length - 1];
            case MATMUL -> ws[ws.length - 1];
            default -> ws[0];
        };
    }

    private static String inputQuantizer(OnnxModel m, Layer l, Map<String, String> actOfTensor) {
        String t = m.resolveIdentity(l.linear().input(0));
        for (int guard = 0; guard < 100; guard++) {
            String q = actOfTensor.get(t);
            if (q != null) {
                return q;
            }
            GraphNode p = m.producerOf(t).orElse(null);
            if (p == null || !PASS_THROUGH.contains(p.opType())) {
                return null;
            }
            t = m.resolveIdentity(p.input(0));
        }
        return null;
    }

    private int bits(Map<String, Integer> config, String quantizer) {
        if (quantizer == null) {
            return BitWidthVariants.FLOAT;
        }
        Integer b = config.get(quantizer);
        return b != null ? b : baseBits.getOrDefault(quantizer, BitWidthVariants.FLOAT);
    }

    /** Weight memory in bits of a configuration (quantizers not named keep their base width). */
    public long sizeBits(Map<String, Integer> config) {
        long total = 0;
        for (Map.Entry<String, Long> e : weightElements.entrySet()) {
            total += e.getValue() * bits(config, e.getKey());
        }
        return total;
    }

    /** Average weight width in bits (float weights count 32). */
    public double averageWeightBits(Map<String, Integer> config) {
        return totalWeightElements == 0 ? 0 : sizeBits(config) / (double) totalWeightElements;
    }

    /** Bit operations per sample: sum of MACs x weight bits x input activation bits. */
    public double bops(Map<String, Integer> config) {
        double total = 0;
        for (LayerCost l : layers) {
            total += (double) l.macs() * bits(config, l.weight()) * bits(config, l.input());
        }
        return total;
    }

    /** Weight elements of all quantized-weight layers. */
    public long weightElements() {
        return totalWeightElements;
    }

    /** Weight elements of one weight quantizer (0 for an activation quantizer). */
    public long weightElements(String quantizer) {
        return weightElements.getOrDefault(quantizer, 0L);
    }

    /** MACs per sample of all linear layers. */
    public long macs() {
        return layers.stream().mapToLong(LayerCost::macs).sum();
    }

    /** Per layer name, its MACs per sample. */
    public Map<String, Long> macsPerLayer() {
        Map<String, Long> m = new LinkedHashMap<>();
        layers.forEach(l -> m.put(l.layer(), l.macs()));
        return m;
    }
}
