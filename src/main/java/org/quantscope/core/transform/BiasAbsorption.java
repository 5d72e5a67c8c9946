package org.quantscope.core.transform;

import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.WeightReplacement;
import org.quantscope.core.onnx.WeightTensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Absorbing high biases (white paper §3.2, eq. 23-24), after cross-layer equalization: for a pair (layer 1 -> ReLU ->
 * layer 2), a bias part c_i that the ReLU always passes can be moved from layer 1 into layer 2's bias:
 * b1' = b1 - c, b2' = b2 + W2 c, which narrows layer 1's activation range without changing the function (exactly,
 * as long as W1 x + b1 &gt;= c holds; zero padding in layer 2 makes it an approximation at the borders). c is estimated
 * data-free from layer 1's BatchNormalization, c_i = max(0, beta_i - 3 |gamma_i|), with beta and gamma scaled by the
 * equalization's 1/s_i.
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
     * The model with biases absorbed.
     *
     * @param model    the new model
     * @param absorbed one entry per pair with a non-zero c
     */
    public record Result(OnnxModel model, List<Absorbed> absorbed) {
    }

    private BiasAbsorption() {
    }

    /**
     * Absorbs.
     *
     * @param cle      an equalization result (its pairs, scales and model)
     * @param original the model as loaded, whose BatchNormalization nodes give beta and gamma
     * @return the model with absorbed biases
     */
    public static Result absorb(CrossLayerEqualization.Result cle, OnnxModel original) {
        OnnxModel m = cle.model();
        List<WeightReplacement> repl = new ArrayList<>();
        List<Absorbed> done = new ArrayList<>();
        java.util.Map<String, float[]> biases = new java.util.HashMap<>();
        for (CrossLayerEqualization.Pair p : cle.pairs()) {
            Layer l1 = layer(m, p.first());
            Layer l2 = layer(m, p.second());
            Layer bnLayer = original.layers().stream().filter(l -> l.name().equals(p.first())).findFirst().orElse(null);
            if (bnLayer == null || bnLayer.batchNorm() == null || l1.linear().input(2).isEmpty()
                    || l2.linear().input(2).isEmpty()) {
                continue;
            }
            float[] gamma = original.constant(bnLayer.batchNorm().input(1)).map(WeightTensor::floats).orElse(null);
            float[] beta = original.constant(bnLayer.batchNorm().input(2)).map(WeightTensor::floats).orElse(null);
            if (gamma == null || beta == null) {
                continue;
            }
            double[] s = p.scales();
            double[] c = new double[s.length];
            boolean any = false;
            for (int i = 0; i < c.length; i++) {
                c[i] = Math.max(0, (beta[i] - 3 * Math.abs(gamma[i])) / s[i]);
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
            done.add(new Absorbed(p.first(), p.second(), c));
        }
        for (java.util.Map.Entry<String, float[]> e : biases.entrySet()) {
            Layer l = layer(m, e.getKey());
            repl.add(WeightReplacement.floats(l.linear().name(), 2, new long[] {e.getValue().length}, e.getValue()));
        }
        return new Result(repl.isEmpty() ? m : QuantizedGraphWriter.simulation(m, repl, List.of()), done);
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
