package org.quantscope.core.transform;

import org.quantscope.core.onnx.ActivationKind;
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
import java.util.List;
import java.util.Map;

/**
 * Absorbing high biases (white paper §3.2, eq. 23-24), after cross-layer equalization: for a pair (layer 1 -> ReLU ->
 * layer 2), a bias part c_i that the ReLU always passes can be moved from layer 1 into layer 2's bias:
 * b1' = b1 - c, b2' = b2 + W2 c, which narrows layer 1's activation range. c is estimated data-free from layer 1's
 * BatchNormalization, c_i = max(0, beta_i - 3 |gamma_i|), with beta and gamma scaled by the equalization's 1/s_i.
 *
 * <p>The move is exact only where it is applied here:
 * <ul>
 *   <li>where the pre-activation x_i never falls below c_i: c_i is capped at the smallest x_i seen on the calibration
 *       samples (when given), since relu(x - c) + c differs from relu(x) for x &lt; c;</li>
 *   <li>where layer 2 pads nothing: a padded convolution inserts 0 for (x - c), that is -c for x, at the borders, so
 *       pairs whose second layer pads are left alone;</li>
 *   <li>across a per-channel clip min(relu(x), b_i) (ReLU6 kept exact by equalization): c_i is capped at b_i and the
 *       bound becomes b_i - c_i, since min(relu(x), b) = min(relu(x - c), b - c) + c for x &gt;= c.</li>
 * </ul>
 * Pairs joined by no activation absorb exactly for any c. The caller measures the FP32 change on test data.
 */
public final class BiasAbsorption {

    /**
     * One absorption.
     *
     * @param first    layer 1
     * @param second   layer 2
     * @param absorbed c per channel of layer 1
     */
    public record Absorbed(String first, String second, double[] absorbed) {
    }

    /**
     * A pair left alone, and why.
     *
     * @param first  layer 1
     * @param second layer 2
     * @param reason why nothing was absorbed
     */
    public record Skipped(String first, String second, String reason) {
    }

    /**
     * The model with biases absorbed.
     *
     * @param model    the new model
     * @param absorbed one entry per pair with a non-zero c
     * @param skipped  pairs where absorption would not be exact
     */
    public record Result(OnnxModel model, List<Absorbed> absorbed, List<Skipped> skipped) {
    }

    private BiasAbsorption() {
    }

    /**
     * Absorbs, data-free (c from the BatchNorm statistics alone).
     *
     * @param cle      an equalization result (its pairs, scales and model)
     * @param original the model as loaded, whose BatchNormalization nodes give beta and gamma
     * @return the model with absorbed biases
     */
    public static Result absorb(CrossLayerEqualization.Result cle, OnnxModel original) {
        return absorb(cle, original, Map.of());
    }

    /**
     * Absorbs.
     *
     * @param cle           an equalization result (its pairs, scales and model)
     * @param original      the model as loaded, whose BatchNormalization nodes give beta and gamma
     * @param preActivation per first layer of a pair (by name), the smallest pre-activation of each output channel
     *                      seen on calibration data (in the equalized model); absent layers are capped by nothing
     * @return the model with absorbed biases
     */
    public static Result absorb(CrossLayerEqualization.Result cle, OnnxModel original,
                                Map<String, double[]> preActivation) {
        OnnxModel m = cle.model();
        List<WeightReplacement> repl = new ArrayList<>();
        List<Absorbed> done = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Map<String, float[]> biases = new HashMap<>();
        for (CrossLayerEqualization.Pair p : cle.pairs()) {
            Layer l1 = layer(m, p.first());
            Layer l2 = layer(m, p.second());
            Layer bnLayer = original.layers().stream().filter(l -> l.name().equals(p.first())).findFirst().orElse(null);
            if (bnLayer == null || bnLayer.batchNorm() == null || l1.linear().input(2).isEmpty()
                    || l2.linear().input(2).isEmpty()) {
                continue;
            }
            if (pads(l2)) {
                skipped.add(new Skipped(p.first(), p.second(), "the second layer pads its input with zeros, which "
                        + "would stand for -c at the borders"));
                continue;
            }
            float[] gamma = original.constant(bnLayer.batchNorm().input(1)).map(WeightTensor::floats).orElse(null);
            float[] beta = original.constant(bnLayer.batchNorm().input(2)).map(WeightTensor::floats).orElse(null);
            if (gamma == null || beta == null) {
                continue;
            }
            boolean linear = l1.activationKind() == ActivationKind.NONE;
            double[] seen = linear ? null : preActivation.get(p.first());
            double[] s = p.scales();
            double[] c = new double[s.length];
            boolean any = false;
            for (int i = 0; i < c.length; i++) {
                c[i] = Math.max(0, (beta[i] - 3 * Math.abs(gamma[i])) / s[i]);
                if (seen != null) {
                    c[i] = Math.max(0, Math.min(c[i], seen[i]));
                }
                if (l1.activationKind() == ActivationKind.CHANNEL_CLIP) {
                    c[i] = Math.min(c[i], l1.clipMax(i));
                }
                any |= c[i] > 0;
            }
            if (!any) {
                continue;
            }
            float[] b1 = biases.computeIfAbsent(l1.name(), k -> m.constant(l1.linear().input(2)).orElseThrow()
                    .floats().clone());
            float[] b2 = biases.computeIfAbsent(l2.name(), k -> m.constant(l2.linear().input(2)).orElseThrow()
                    .floats().clone());
            for (int i = 0; i < c.length; i++) {
                b1[i] = (float) (b1[i] - c[i]);
            }
            float[] w2 = m.constant(l2.linear().input(1)).orElseThrow().floats();
            double[] add = weightTimes(l2, w2, l2.weightShape(), c);
            double beta2 = l2.linear().opType().equals("Gemm") ? l2.linear().doubleAttr("beta", 1.0) : 1.0;
            for (int o = 0; o < b2.length && o < add.length; o++) {
                b2[o] = (float) (b2[o] + add[o] / beta2);
            }
            if (l1.activationKind() == ActivationKind.CHANNEL_CLIP) {
                GraphNode min = l1.activationBound();
                int input = l1.activationBoundInput();
                WeightTensor bound = m.constant(min.input(input)).orElseThrow();
                float[] lowered = bound.floats().clone();
                for (int i = 0; i < lowered.length; i++) {
                    lowered[i] = (float) (lowered[i] - c[i]);
                }
                repl.add(WeightReplacement.floats(min.name(), input, bound.dims(), lowered));
            }
            done.add(new Absorbed(p.first(), p.second(), c));
        }
        for (Map.Entry<String, float[]> e : biases.entrySet()) {
            Layer l = layer(m, e.getKey());
            repl.add(WeightReplacement.floats(l.linear().name(), 2, new long[] {e.getValue().length}, e.getValue()));
        }
        return new Result(repl.isEmpty() ? m : QuantizedGraphWriter.simulation(m, repl, List.of()), done, skipped);
    }

    /**
     * The pre-activation tensor of each pair's first layer in the equalized model (the linear node's output, where
     * the smallest value per channel is measured for {@link #absorb(CrossLayerEqualization.Result, OnnxModel, Map)}).
     *
     * @param cle the equalization
     * @return first layer name -> tensor name, for pairs joined by an activation
     */
    public static Map<String, String> preActivationTensors(CrossLayerEqualization.Result cle) {
        Map<String, String> t = new LinkedHashMap<>();
        for (CrossLayerEqualization.Pair p : cle.pairs()) {
            Layer l1 = layer(cle.model(), p.first());
            if (l1.activationKind() != ActivationKind.NONE) {
                t.put(p.first(), l1.linear().output());
            }
        }
        return t;
    }

    /** Whether a Conv pads its input (explicit pads or auto_pad SAME_*). */
    static boolean pads(Layer l) {
        if (!l.linear().opType().equals("Conv")) {
            return false;
        }
        Object auto = l.linear().attributes().get("auto_pad");
        if (auto != null && auto.toString().startsWith("SAME")) {
            return true;
        }
        long[] pads = l.linear().longsAttr("pads");
        if (pads != null) {
            for (long x : pads) {
                if (x != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** W2 c: the bias change of layer 2 when its input channels i grow by c_i everywhere. */
    private static double[] weightTimes(Layer l2, float[] w, long[] dims, double[] c) {
        if (l2.kind() == LayerKind.GEMM) {
            boolean transB = l2.linear().longAttr("transB", 0) == 1;
            int out = (int) (transB ? dims[0] : dims[1]);
            int in = (int) (transB ? dims[1] : dims[0]);
            double[] r = new double[out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    r[o] += w[transB ? o * in + i : i * out + o] * c[i];
                }
            }
            return r;
        }
        int out = (int) dims[0];
        int in = (int) dims[1];
        int k = w.length / (out * in);
        boolean depthwise = l2.kind() == LayerKind.DEPTHWISE_CONV;
        double[] r = new double[out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double ci = c[depthwise ? o : i];
                for (int j = 0; j < k; j++) {
                    r[o] += w[(o * in + i) * k + j] * ci;
                }
            }
        }
        return r;
    }

    private static Layer layer(OnnxModel m, String name) {
        return m.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }
}
