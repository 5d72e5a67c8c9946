package org.quantscope.core.transform;

import org.quantscope.core.onnx.ActivationKind;
import org.quantscope.core.onnx.ActivationRewrite;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.onnx.WeightTensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cross-layer equalization (white paper §4.1, eq. 13-22; Nagel et al. 2019): for two consecutive layers joined by a
 * positively homogeneous activation f (f(s x) = s f(x) for s &gt; 0: ReLU, or none), scaling output channel i of the
 * first layer by 1/s_i and input channel i of the second by s_i leaves the function unchanged (eq. 13-19). With
 * {@code s_i = sqrt(r1_i / r2_i)}, where r1_i is the range (max |w|) of output channel i of W1 and r2_i that of
 * input channel i of W2 (eq. 22), both become sqrt(r1_i r2_i): the per-channel ranges are equalized, which is what
 * per-tensor quantization needs. Applied to every such pair in graph order, repeated until no range changes by more
 * than {@link #TOLERANCE} (the ranges of a layer in two pairs move together).
 *
 * <p>Run it on a BN-folded model (BN folding first, white paper Fig. 8). Pairs: Conv (plain or depthwise) or Gemm
 * followed, through its activation, only by a plain or depthwise Conv or a Gemm. ReLU6 (Clip(0, 6)) is not positively
 * homogeneous: with {@code replaceRelu6} it is replaced by ReLU first, as the paper does, which changes the FP32
 * function (the effect is measured by the caller); without it, pairs joined by ReLU6 are skipped.
 */
public final class CrossLayerEqualization {

    /** Relative change of every range below which the iteration stops. */
    public static final double TOLERANCE = 1e-6;
    /** Upper bound on the iterations. */
    public static final int MAX_ITERATIONS = 100;

    /** A pair of equalized layers with the scale of each channel (the product over iterations). */
    public record Pair(String first, String second, double[] scales) {
    }

    /**
     * The equalized model.
     *
     * @param folded   the model (BN folded), original ranges
     * @param model    the equalized model
     * @param pairs    the pairs equalized and their cumulative scales
     * @param relu6Replaced Clip nodes replaced by Relu
     * @param iterations sweeps until convergence
     */
    public record Result(OnnxModel folded, OnnxModel model, List<Pair> pairs, List<String> relu6Replaced,
                         int iterations) {
    }

    private CrossLayerEqualization() {
    }

    /**
     * Equalizes.
     *
     * @param folded       a BN-folded model
     * @param replaceRelu6 replace ReLU6 between equalized layers by ReLU (the paper's choice), else skip those pairs
     * @return the equalized model and what was done
     */
    public static Result equalize(OnnxModel folded, boolean replaceRelu6) {
        List<Layer[]> pairs = new ArrayList<>();
        Set<String> clips = new LinkedHashSet<>();
        for (Layer l1 : folded.layers()) {
            Layer l2 = next(folded, l1);
            if (l2 == null || !supported(l1) || !supported(l2)) {
                continue;
            }
            boolean homogeneous = l1.activationKind() == ActivationKind.NONE
                    || l1.activationKind() == ActivationKind.RELU;
            boolean relu6 = (l1.activationKind() == ActivationKind.RELU6 || l1.activationKind() == ActivationKind.CLIP)
                    && l1.clipMin() == 0;
            if (homogeneous || relu6 && replaceRelu6) {
                pairs.add(new Layer[] {l1, l2});
                if (relu6) {
                    clips.add(l1.activation().name());
                }
            }
        }
        Map<String, float[]> w = new HashMap<>();
        Map<String, float[]> b = new HashMap<>();
        for (Layer[] p : pairs) {
            for (Layer l : p) {
                w.computeIfAbsent(l.name(), k -> folded.constant(l.weightName()).orElseThrow().floats().clone());
                if (l.biasName() != null) {
                    b.computeIfAbsent(l.name(), k -> folded.constant(l.biasName()).orElseThrow().floats().clone());
                }
            }
        }
        Map<String, double[]> total = new HashMap<>();
        int iterations = 0;
        boolean changed = true;
        while (changed && iterations < MAX_ITERATIONS) {
            changed = false;
            iterations++;
            for (Layer[] p : pairs) {
                Layer l1 = p[0];
                Layer l2 = p[1];
                float[] w1 = w.get(l1.name());
                float[] w2 = w.get(l2.name());
                int channels = outChannels(l1);
                double[] r1 = ranges(w1, l1.weightShape(), outAxis(l1), channels);
                double[] r2 = ranges(w2, l2.weightShape(), inAxis(l2), channels);
                double[] s = new double[channels];
                for (int i = 0; i < channels; i++) {
                    s[i] = r1[i] > 0 && r2[i] > 0 ? Math.sqrt(r1[i] / r2[i]) : 1;
                    if (Math.abs(s[i] - 1) > TOLERANCE) {
                        changed = true;
                    }
                }
                scale(w1, l1.weightShape(), outAxis(l1), s, true);
                if (b.containsKey(l1.name())) {
                    float[] b1 = b.get(l1.name());
                    for (int i = 0; i < channels; i++) {
                        b1[i] = (float) (b1[i] / s[i]);
                    }
                }
                scale(w2, l2.weightShape(), inAxis(l2), s, false);
                double[] t = total.computeIfAbsent(l1.name() + "\u0000" + l2.name(), k -> ones(channels));
                for (int i = 0; i < channels; i++) {
                    t[i] *= s[i];
                }
            }
        }
        List<WeightReplacement> repl = new ArrayList<>();
        for (Map.Entry<String, float[]> e : w.entrySet()) {
            Layer l = layer(folded, e.getKey());
            repl.add(WeightReplacement.floats(l.linear().name(), 1, l.weightShape(), e.getValue()));
        }
        for (Map.Entry<String, float[]> e : b.entrySet()) {
            Layer l = layer(folded, e.getKey());
            repl.add(WeightReplacement.floats(l.linear().name(), 2, new long[] {e.getValue().length}, e.getValue()));
        }
        OnnxModel base = clips.isEmpty() ? folded : ActivationRewrite.clipToRelu(folded, clips);
        OnnxModel out = QuantizedGraphWriter.simulation(base, repl, List.of());
        List<Pair> done = new ArrayList<>();
        for (Layer[] p : pairs) {
            done.add(new Pair(p[0].name(), p[1].name(), total.get(p[0].name() + "\u0000" + p[1].name())));
        }
        return new Result(folded, out, done, List.copyOf(clips), iterations);
    }

    /** The layer whose linear node is the only consumer of {@code l1}'s output, or null. */
    private static Layer next(OnnxModel m, Layer l1) {
        String out = m.resolveIdentity(l1.output());
        List<GraphNode> consumers = m.consumersOf(out);
        if (consumers.size() != 1 || m.outputs().stream().anyMatch(o -> o.name().equals(out))) {
            return null;
        }
        GraphNode c = consumers.get(0);
        for (Layer l : m.layers()) {
            if (l.linear().name().equals(c.name()) && m.resolveIdentity(l.linear().input(0)).equals(out)) {
                return l;
            }
        }
        return null;
    }

    /** Plain or depthwise Conv, or Gemm, with no BatchNormalization left (grouped convolutions and MatMul are not). */
    private static boolean supported(Layer l) {
        boolean kind = l.kind() == LayerKind.CONV || l.kind() == LayerKind.DEPTHWISE_CONV
                || l.kind() == LayerKind.GEMM;
        return kind && l.batchNorm() == null;
    }

    private static Layer layer(OnnxModel m, String name) {
        return m.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    private static int outChannels(Layer l) {
        return (int) l.weightShape()[outAxis(l)];
    }

    /** Output-channel axis of a weight: 0 for Conv and Gemm(transB=1), 1 for Gemm(transB=0). */
    static int outAxis(Layer l) {
        return l.kind() == LayerKind.GEMM && l.linear().longAttr("transB", 0) == 0 ? 1 : 0;
    }

    /** Input-channel axis: 1 for plain Conv and Gemm(transB=1), 0 for Gemm(transB=0) and for depthwise Conv. */
    static int inAxis(Layer l) {
        if (l.kind() == LayerKind.DEPTHWISE_CONV) {
            return 0;
        }
        return l.kind() == LayerKind.GEMM && l.linear().longAttr("transB", 0) == 0 ? 0 : 1;
    }

    /** max |w| per index along {@code axis}. */
    static double[] ranges(float[] w, long[] shape, int axis, int channels) {
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        double[] r = new double[channels];
        for (int i = 0; i < w.length; i++) {
            int c = (i / inner) % channels;
            r[c] = Math.max(r[c], Math.abs(w[i]));
        }
        return r;
    }

    /** Divides ({@code divide}) or multiplies every element by the scale of its index along {@code axis}. */
    static void scale(float[] w, long[] shape, int axis, double[] s, boolean divide) {
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        int channels = s.length;
        for (int i = 0; i < w.length; i++) {
            int c = (i / inner) % channels;
            w[i] = (float) (divide ? w[i] / s[c] : w[i] * s[c]);
        }
    }

    private static double[] ones(int n) {
        double[] o = new double[n];
        java.util.Arrays.fill(o, 1);
        return o;
    }
}
