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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cross-layer equalization (white paper §4.1, eq. 13-22; Nagel et al. 2019): for two consecutive layers joined by a
 * positively homogeneous activation f (f(s x) = s f(x) for s &gt; 0: ReLU, or none), scaling output channel i of the
 * first layer by 1/s_i and input channel i of the second by s_i leaves the function unchanged (eq. 13-19). With
 * {@code s_i = sqrt(r1_i / r2_i)}, where r1_i is the range (max |w|) of output channel i of W1 and r2_i that of
 * input channel i of W2 (eq. 22), both become sqrt(r1_i r2_i): the per-channel ranges are equalized, which is what
 * per-tensor quantization needs. Applied to every such pair in graph order, in sweeps, because a layer in two pairs
 * has its input channels scaled by one and its output channels by the other.
 *
 * <p><b>Stopping rule.</b> A sweep's residual is the largest {@code |ln s_i|} over every pair and channel; the sweeps
 * stop when it falls below {@link #CONVERGED} (every range moved by less than 0.01 %; then eq. 22 holds to that
 * accuracy) or after {@link #MAX_SWEEPS}. On chains of depthwise-separable blocks the sweeps converge slowly (each
 * sweep only passes half of a mismatch on to the neighbouring pair), so one sweep is far from the fixed point; the
 * result says how many sweeps ran and whether the rule was met.
 *
 * <p><b>Dead channels.</b> An output channel of W1 whose range is below {@link #DEAD_CHANNEL} times the widest channel
 * of the same weight (below the resolution of a 16-bit per-tensor grid) computes its bias alone. Eq. 22 would give it a scale near 0 and multiply that bias, and with it the activation range of the
 * whole tensor, by 1/s. Such channels keep s = 1 and are counted in {@link Pair#deadChannels()}; so are channels
 * whose input side in W2 is dead in the same sense (eq. 22 would give s = infinity).
 *
 * <p><b>ReLU6.</b> Clip(0, b) is not positively homogeneous, but scaling channel i by 1/s_i only moves its bound to
 * b / s_i. {@link Relu6Handling#EXACT} (the default) keeps the function: the Clip becomes Relu followed by Min with one
 * bound per channel ({@link ActivationRewrite#clipToChannelBound}). {@link Relu6Handling#REPLACE_WITH_RELU} is the
 * paper's choice (the Clip becomes Relu, which changes the function wherever the input exceeded b; the caller measures
 * the effect). {@link Relu6Handling#SKIP} leaves pairs joined by a Clip alone.
 *
 * <p>Run it on a BN-folded model (BN folding first, white paper Fig. 8). Pairs: Conv (plain or depthwise) or Gemm
 * followed, through its activation, only by a plain or depthwise Conv or a Gemm.
 */
public final class CrossLayerEqualization {

    /** Sweeps stop when no channel's scale differs from 1 by more than this (as |ln s|). */
    public static final double CONVERGED = 1e-4;
    /** Upper bound on the sweeps. */
    public static final int MAX_SWEEPS = 1000;
    /** A channel whose range is below this fraction of the widest channel of its weight is dead (kept at s = 1). */
    public static final double DEAD_CHANNEL = 1e-6;

    /** What to do with a Clip(0, b) (ReLU6) between two equalized layers. */
    public enum Relu6Handling {
        /** Per-channel bounds b / s_i: Relu followed by Min; the FP32 function is unchanged. */
        EXACT("exact"),
        /** Replace by Relu, as the white paper does (changes the FP32 function where inputs exceeded b). */
        REPLACE_WITH_RELU("relu"),
        /** Leave pairs joined by a Clip unequalized. */
        SKIP("skip");

        private final String id;

        Relu6Handling(String id) {
            this.id = id;
        }

        /** The word the command line, the JSON and the provenance use: {@code exact}, {@code relu}, {@code skip}. */
        public String id() {
            return id;
        }
    }

    /**
     * A pair of equalized layers.
     *
     * @param first        the first layer
     * @param second       the second layer
     * @param scales       the scale of each channel (the product over sweeps)
     * @param deadChannels channels left unscaled because their weights in the first layer (output side) or the
     *                     second (input side) are dead
     * @param channelBounds the per-channel clip bounds after equalization when the pair is joined by a clip kept
     *                      exact, else null
     */
    public record Pair(String first, String second, double[] scales, int deadChannels, float[] channelBounds) {
    }

    /**
     * The equalized model.
     *
     * @param folded        the model (BN folded), original ranges
     * @param model         the equalized model
     * @param pairs         the pairs equalized and their cumulative scales
     * @param relu6Replaced Clip nodes replaced by Relu ({@link Relu6Handling#REPLACE_WITH_RELU})
     * @param relu6Bounded  Clip nodes turned into per-channel clips ({@link Relu6Handling#EXACT})
     * @param iterations    sweeps run
     * @param residual      the last sweep's largest |ln s_i|
     * @param handling      how clips between pairs were treated
     */
    public record Result(OnnxModel folded, OnnxModel model, List<Pair> pairs, List<String> relu6Replaced,
                         List<String> relu6Bounded, int iterations, double residual, Relu6Handling handling) {

        /** Whether the stopping rule was met within {@link #MAX_SWEEPS}. */
        public boolean converged() {
            return residual < CONVERGED;
        }

        /** Dead channels over all pairs. */
        public int deadChannels() {
            return pairs.stream().mapToInt(Pair::deadChannels).sum();
        }

        /** The smallest and largest per-channel clip bound over all exact clips, or null without any. */
        public double[] channelBoundSpan() {
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (Pair p : pairs) {
                if (p.channelBounds() != null) {
                    for (float b : p.channelBounds()) {
                        lo = Math.min(lo, b);
                        hi = Math.max(hi, b);
                    }
                }
            }
            return hi == 0 && lo == Double.POSITIVE_INFINITY ? null : new double[] {lo, hi};
        }

        /**
         * One plain sentence, e.g. {@code 26 layer pairs in 212 sweeps (converged: largest |ln s| 9.6e-05); 26 ReLU6
         * kept exact as per-channel clips (bounds 0.034 to 210); channel scales 0.01 to 40}.
         *
         * @return the description
         */
        public String describe() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d layer pairs in %d sweeps (%s: largest "
                    + "|ln s| %.2g)", pairs.size(), iterations, converged() ? "converged" : "NOT converged after the "
                    + "limit", residual));
            if (!relu6Bounded.isEmpty()) {
                double[] span = channelBoundSpan();
                b.append(String.format(Locale.ROOT, "; %d ReLU6 kept exact as per-channel clips (bounds %.3g to %.3g)",
                        relu6Bounded.size(), span[0], span[1]));
            }
            if (!relu6Replaced.isEmpty()) {
                b.append("; ").append(relu6Replaced.size()).append(" ReLU6 replaced by ReLU");
            }
            if (handling == Relu6Handling.SKIP) {
                b.append("; pairs joined by ReLU6 skipped");
            }
            if (deadChannels() > 0) {
                b.append("; ").append(deadChannels()).append(" dead channels (weights below ").append(DEAD_CHANNEL)
                        .append(" of their layer's widest) left unscaled");
            }
            double[] sc = scaleSpan();
            b.append(String.format(Locale.ROOT, "; channel scales %.3g to %.3g", sc[0], sc[1]));
            return b.toString();
        }

        /** The smallest and largest channel scale over all pairs. */
        public double[] scaleSpan() {
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (Pair p : pairs) {
                for (double x : p.scales()) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
            return pairs.isEmpty() ? new double[] {1, 1} : new double[] {lo, hi};
        }
    }

    private CrossLayerEqualization() {
    }

    /**
     * Equalizes, keeping the FP32 function across ReLU6 ({@link Relu6Handling#EXACT}).
     *
     * @param folded a BN-folded model
     * @return the equalized model and what was done
     */
    public static Result equalize(OnnxModel folded) {
        return equalize(folded, Relu6Handling.EXACT);
    }

    /**
     * Equalizes.
     *
     * @param folded   a BN-folded model
     * @param handling what to do with ReLU6 (Clip with lower bound 0) between two layers
     * @return the equalized model and what was done
     */
    public static Result equalize(OnnxModel folded, Relu6Handling handling) {
        List<Layer[]> pairs = new ArrayList<>();
        for (Layer l1 : folded.layers()) {
            Layer l2 = next(folded, l1);
            if (l2 == null || !supported(l1) || !supported(l2)) {
                continue;
            }
            ActivationKind k = l1.activationKind();
            boolean homogeneous = k == ActivationKind.NONE || k == ActivationKind.RELU;
            boolean clip = (k == ActivationKind.RELU6 || k == ActivationKind.CLIP) && l1.clipMin() == 0
                    && l1.clipMax() > 0 || k == ActivationKind.CHANNEL_CLIP;
            if (homogeneous || clip && handling != Relu6Handling.SKIP) {
                pairs.add(new Layer[] {l1, l2});
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
        Map<String, Integer> dead = new HashMap<>();
        int iterations = 0;
        double residual = pairs.isEmpty() ? 0 : Double.POSITIVE_INFINITY;
        while (residual >= CONVERGED && iterations < MAX_SWEEPS) {
            residual = 0;
            iterations++;
            for (Layer[] p : pairs) {
                Layer l1 = p[0];
                Layer l2 = p[1];
                float[] w1 = w.get(l1.name());
                float[] w2 = w.get(l2.name());
                int channels = outChannels(l1);
                double[] r1 = ranges(w1, l1.weightShape(), outAxis(l1), channels);
                double[] r2 = ranges(w2, l2.weightShape(), inAxis(l2), channels);
                double max1 = max(r1);
                double max2 = max(r2);
                double[] s = new double[channels];
                int deadHere = 0;
                for (int i = 0; i < channels; i++) {
                    boolean isDead = r1[i] <= DEAD_CHANNEL * max1 || r2[i] <= DEAD_CHANNEL * max2;
                    deadHere += isDead ? 1 : 0;
                    s[i] = isDead ? 1 : Math.sqrt(r1[i] / r2[i]);
                    residual = Math.max(residual, Math.abs(Math.log(s[i])));
                }
                dead.put(key(l1, l2), deadHere);
                scale(w1, l1.weightShape(), outAxis(l1), s, true);
                if (b.containsKey(l1.name())) {
                    float[] b1 = b.get(l1.name());
                    for (int i = 0; i < channels; i++) {
                        b1[i] = (float) (b1[i] / s[i]);
                    }
                }
                scale(w2, l2.weightShape(), inAxis(l2), s, false);
                double[] t = total.computeIfAbsent(key(l1, l2), k -> ones(channels));
                for (int i = 0; i < channels; i++) {
                    t[i] *= s[i];
                }
            }
        }
        // The working copies were rounded to float once per sweep; the final weights are the originals scaled once
        // by the cumulative scales, in double, so that the FP32 function changes only by one float rounding.
        Map<String, double[]> outScale = new HashMap<>();
        Map<String, double[]> inScale = new HashMap<>();
        for (Layer[] p : pairs) {
            double[] t = total.get(key(p[0], p[1]));
            outScale.put(p[0].name(), t);
            inScale.put(p[1].name(), t);
        }
        List<WeightReplacement> repl = new ArrayList<>();
        for (String name : w.keySet()) {
            Layer l = layer(folded, name);
            double[] exact = toDouble(folded.constant(l.weightName()).orElseThrow().floats());
            if (outScale.containsKey(name)) {
                scale(exact, l.weightShape(), outAxis(l), outScale.get(name), true);
            }
            if (inScale.containsKey(name)) {
                scale(exact, l.weightShape(), inAxis(l), inScale.get(name), false);
            }
            repl.add(WeightReplacement.floats(l.linear().name(), 1, l.weightShape(), toFloat(exact)));
        }
        for (String name : b.keySet()) {
            Layer l = layer(folded, name);
            float[] b0 = folded.constant(l.biasName()).orElseThrow().floats();
            double[] t = outScale.get(name);
            float[] b1 = new float[b0.length];
            for (int i = 0; i < b1.length; i++) {
                b1[i] = t == null ? b0[i] : (float) (b0[i] / t[i]);
            }
            repl.add(WeightReplacement.floats(l.linear().name(), 2, new long[] {b1.length}, b1));
        }
        Set<String> replaced = new LinkedHashSet<>();
        Map<String, float[]> bounds = new LinkedHashMap<>();
        Map<String, long[]> boundDims = new HashMap<>();
        List<Pair> done = new ArrayList<>();
        for (Layer[] p : pairs) {
            Layer l1 = p[0];
            double[] t = total.get(key(l1, p[1]));
            float[] channelBounds = null;
            if (l1.activationKind() == ActivationKind.CHANNEL_CLIP || l1.activationKind() != ActivationKind.NONE
                    && l1.activationKind() != ActivationKind.RELU && handling == Relu6Handling.EXACT) {
                channelBounds = new float[t.length];
                for (int i = 0; i < t.length; i++) {
                    channelBounds[i] = (float) (l1.clipMax(i) / t[i]);
                }
                long[] dims = boundDims(l1);
                if (l1.activationKind() == ActivationKind.CHANNEL_CLIP) {
                    GraphNode min = l1.activationBound();
                    repl.add(WeightReplacement.floats(min.name(), l1.activationBoundInput(), dims, channelBounds));
                } else {
                    bounds.put(l1.activation().name(), channelBounds);
                    boundDims.put(l1.activation().name(), dims);
                }
            } else if (l1.activationKind() != ActivationKind.NONE && l1.activationKind() != ActivationKind.RELU) {
                replaced.add(l1.activation().name());
            }
            done.add(new Pair(l1.name(), p[1].name(), t, dead.getOrDefault(key(l1, p[1]), 0), channelBounds));
        }
        OnnxModel base = folded;
        if (!replaced.isEmpty()) {
            base = ActivationRewrite.clipToRelu(base, replaced);
        }
        if (!bounds.isEmpty()) {
            base = ActivationRewrite.clipToChannelBound(base, bounds, boundDims);
        }
        OnnxModel out = QuantizedGraphWriter.simulation(base, repl, List.of());
        return new Result(folded, out, done, List.copyOf(replaced), List.copyOf(bounds.keySet()), iterations,
                residual, handling);
    }

    /** The shape of a per-channel bound on a layer's output: [C, 1, ...] after a Conv, [C] after a Gemm. */
    private static long[] boundDims(Layer l) {
        int c = outChannels(l);
        if (l.kind() == LayerKind.GEMM) {
            return new long[] {c};
        }
        long[] d = new long[l.weightShape().length - 1];
        java.util.Arrays.fill(d, 1);
        d[0] = c;
        return d;
    }

    private static String key(Layer l1, Layer l2) {
        return l1.name() + "\u0000" + l2.name();
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
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
        // a depthwise convolution with a channel multiplier (C*m outputs from C inputs) maps output o to input o / m,
        // which the per-channel scaling here does not model: such layers are left alone
        boolean depthwise = l.kind() == LayerKind.DEPTHWISE_CONV && l.weightShape()[0] == l.groups();
        boolean kind = l.kind() == LayerKind.CONV || depthwise || l.kind() == LayerKind.GEMM;
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
        return l.outputChannelAxis();
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

    /** The same, in double. */
    private static void scale(double[] w, long[] shape, int axis, double[] s, boolean divide) {
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= (int) shape[d];
        }
        int channels = s.length;
        for (int i = 0; i < w.length; i++) {
            int c = (i / inner) % channels;
            w[i] = divide ? w[i] / s[c] : w[i] * s[c];
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
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
