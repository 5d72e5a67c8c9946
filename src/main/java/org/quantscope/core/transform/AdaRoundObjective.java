package org.quantscope.core.transform;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * The AdaRound objective of one layer (white paper eq. 33-35) with its hand-written gradient.
 *
 * <p>The layer is written as a batched matrix product over {@code g} groups (1 for a dense layer or an ordinary
 * convolution, the channel count for a depthwise one): for each kept output position (a row) the input patch
 * {@code x^} (already quantized network, im2col for convolutions) of group {@code j} times the group's weight matrix
 * {@code [m, k]} gives the group's {@code m} outputs. The bias is the last column of the weight matrix and a constant
 * 1 the last column of every patch, so {@code Y = P W^T} is the layer's pre-activation output. With the soft weights
 * {@code W~ = s clamp(floor(W/s) + h(V), n, p)} (eq. 33), {@code h(V) = clamp(sigmoid(V) (zeta - gamma) + gamma, 0, 1)},
 * the value is
 * <pre>  L(V) = 1/B sum_rows sum_outputs (f_a(Y~) - T)^2 + lambda sum (1 - |2 h(V) - 1|^beta)</pre>
 * where {@code T = f_a(W x)} is the FP32 network's output at the same positions (eq. 35) and {@code B} the rows of
 * the batch. The gradient follows by the chain rule through the clamp (zero outside the grid), the rectified
 * sigmoid (zero where it is rectified) and the activation (ReLU or clip: zero where it is flat).
 *
 * <p>The two products run on ND4J ({@code Nd4j.matmul}, batched over the groups); the element-wise work on the
 * weights, whose count is small, runs on plain arrays. All arithmetic of the Java side is in double; the ND4J side
 * is in the data type of the patches (float for the optimization, double for the gradient check).
 */
final class AdaRoundObjective {

    /** Stretch of the rectified sigmoid (Nagel et al. 2020). */
    static final double ZETA = 1.1;
    /** Shift of the rectified sigmoid. */
    static final double GAMMA = -0.1;

    /**
     * The activation after the layer, applied to both target and prediction: a clip to [lo, hi], or to
     * [lo, channelHi[c]] per output channel c (a per-channel clip; channels numbered over all groups).
     */
    record Activation(double lo, double hi, float[] channelHi) {
        /** No activation (eq. 32). */
        static final Activation NONE = new Activation(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        /** ReLU. */
        static final Activation RELU = new Activation(0, Double.POSITIVE_INFINITY);

        /** A clip with the same bounds for every channel. */
        Activation(double lo, double hi) {
            this(lo, hi, null);
        }

        private double top(int channel) {
            return channelHi == null ? hi : channelHi[channel];
        }

        double apply(double y, int channel) {
            double top = top(channel);
            return y < lo ? lo : (y > top ? top : y);
        }

        boolean passes(double y, int channel) {
            return y > lo && y < top(channel);
        }
    }

    final int groups;
    final int outs;
    final int ins;
    final int rows;
    /** Rows of every block but possibly the last. */
    final int blockRows;
    /** Patches in blocks of consecutive rows, each a contiguous {@code [groups, blockRows, ins + 1]}, last column 1. */
    private final List<INDArray> blocks = new ArrayList<>();
    /** Targets per block, {@code [groups][rows of the block][outs]}, already through the activation. */
    private final List<double[]> targetBlocks = new ArrayList<>();
    private final double targetEnergy;
    /** Floor of W/s, {@code [groups][outs][ins]}. */
    private final double[] floor;
    /** Scale per weight element. */
    private final double[] scale;
    /** Lowest and highest grid value minus the zero point, per weight element. */
    private final double[] lo;
    private final double[] hi;
    /** Bias per output ({@code groups * outs}). */
    private final double[] bias;
    private final Activation activation;

    /**
     * @param groups     groups of the batched product
     * @param outs       outputs per group
     * @param ins        inputs per group (without the bias column)
     * @param patches    {@code [groups, rows, ins + 1]} with the last column 1
     * @param targets    {@code [groups][rows][outs]}, FP32 outputs through the activation
     * @param floor      floor of W/s per weight element, {@code [groups][outs][ins]}
     * @param scale      scale per weight element
     * @param lo         smallest grid value minus zero point per element
     * @param hi         largest grid value minus zero point per element
     * @param bias       bias per output
     * @param activation activation applied to the layer's output
     * @param blockRows  rows per block (one optimization step uses one block)
     */
    AdaRoundObjective(int groups, int outs, int ins, INDArray patches, double[] targets, double[] floor,
                      double[] scale, double[] lo, double[] hi, double[] bias, Activation activation, int blockRows) {
        this.groups = groups;
        this.outs = outs;
        this.ins = ins;
        this.rows = (int) patches.size(1);
        this.blockRows = Math.max(1, Math.min(blockRows, rows));
        this.floor = floor;
        this.scale = scale;
        this.lo = lo;
        this.hi = hi;
        this.bias = bias;
        this.activation = activation;
        if (patches.size(0) != groups || patches.size(2) != ins + 1 || targets.length != (long) groups * rows * outs
                || floor.length != groups * outs * ins || bias.length != groups * outs) {
            throw new IllegalArgumentException("AdaRound objective: inconsistent shapes");
        }
        double e = 0;
        for (double t : targets) {
            e += t * t;
        }
        targetEnergy = e / rows;
        for (int start = 0; start < rows; start += this.blockRows) {
            int count = Math.min(this.blockRows, rows - start);
            blocks.add(patches.get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + count),
                    NDArrayIndex.all()).dup('c'));
            double[] t = new double[groups * count * outs];
            for (int g = 0; g < groups; g++) {
                System.arraycopy(targets, (g * rows + start) * outs, t, g * count * outs, count * outs);
            }
            targetBlocks.add(t);
        }
    }

    /** Number of blocks, the last one possibly shorter. */
    int blockCount() {
        return blocks.size();
    }

    /** Number of blocks with {@link #blockRows} rows (the optimization cycles through them). */
    int fullBlocks() {
        return Math.max(1, rows / blockRows);
    }

    /** Mean over rows of the summed squared targets (to put a reconstruction error in proportion). */
    double targetEnergy() {
        return targetEnergy;
    }

    /** Number of optimized variables (weight elements). */
    int size() {
        return floor.length;
    }

    /** The rectified sigmoid h(V) of eq. 33. */
    static double h(double v) {
        double r = sigmoid(v) * (ZETA - GAMMA) + GAMMA;
        return r < 0 ? 0 : (r > 1 ? 1 : r);
    }

    /** The V for which h(V) equals {@code rest} in (0, 1) (the initialization: soft weights equal W). */
    static double inverseH(double rest) {
        double sg = (rest - GAMMA) / (ZETA - GAMMA);
        return Math.log(sg / (1 - sg));
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /**
     * Value of the objective on one block of rows and, when {@code grad} is not null, its gradient with respect to
     * {@code v}.
     *
     * @param v      the continuous rounding variables
     * @param block  which block of rows
     * @param beta   exponent of the regularizer
     * @param lambda weight of the regularizer (0 during the warm start)
     * @param grad   receives dL/dV, or null
     * @return reconstruction term plus lambda times the regularizer
     */
    double lossAndGradient(double[] v, int block, double beta, double lambda, double[] grad) {
        int n = floor.length;
        double[] hv = new double[n];
        double[] w = softWeights(v, hv);
        double[] dW = new double[(groups * outs) * (ins + 1)];
        double rec = reconstruction(w, block, grad == null ? null : dW);
        double reg = 0;
        for (int i = 0; i < n; i++) {
            double t = 2 * hv[i] - 1;
            double a = Math.abs(t);
            double pa = lambda > 0 ? Math.pow(a, beta) : 0;
            reg += 1 - pa;
            if (grad == null) {
                continue;
            }
            double q = floor[i] + hv[i];
            double dh = q >= lo[i] && q <= hi[i] ? dW[(i / ins) * (ins + 1) + i % ins] * scale[i] : 0;
            if (lambda > 0 && a > 0) {
                dh -= lambda * beta * (pa / a) * Math.signum(t) * 2; // d/dh of 1 - |2h - 1|^beta
            }
            double sg = sigmoid(v[i]);
            double raw = sg * (ZETA - GAMMA) + GAMMA;
            grad[i] = raw > 0 && raw < 1 ? dh * sg * (1 - sg) * (ZETA - GAMMA) : 0;
        }
        return rec + lambda * reg;
    }

    /**
     * The reconstruction term (no regularizer) over all rows for integer roundings: {@code up[i]} adds 1 to the
     * floor of element {@code i} (hard rounding, eq. 31).
     *
     * @param up 0 or 1 per weight element
     * @return the mean over rows of the summed squared output error
     */
    double hardLoss(int[] up) {
        double[] w = new double[(groups * outs) * (ins + 1)];
        for (int i = 0; i < floor.length; i++) {
            double q = Math.max(lo[i], Math.min(hi[i], floor[i] + up[i]));
            w[(i / ins) * (ins + 1) + i % ins] = scale[i] * q;
        }
        fillBias(w);
        double sum = 0;
        for (int b = 0; b < blocks.size(); b++) {
            sum += reconstruction(w, b, null) * blocks.get(b).size(1);
        }
        return sum / rows;
    }

    /** Soft weights (eq. 33) in the layout {@code [groups][outs][ins + 1]} with the bias column; fills {@code hv}. */
    private double[] softWeights(double[] v, double[] hv) {
        double[] w = new double[(groups * outs) * (ins + 1)];
        for (int i = 0; i < floor.length; i++) {
            hv[i] = h(v[i]);
            double q = Math.max(lo[i], Math.min(hi[i], floor[i] + hv[i]));
            w[(i / ins) * (ins + 1) + i % ins] = scale[i] * q;
        }
        fillBias(w);
        return w;
    }

    private void fillBias(double[] w) {
        for (int r = 0; r < groups * outs; r++) {
            w[r * (ins + 1) + ins] = bias[r];
        }
    }

    /**
     * Mean over the rows of block {@code b} of the summed squared error of the outputs for weights {@code w}; when
     * {@code dW} is not null it receives the gradient with respect to {@code w}.
     */
    private double reconstruction(double[] w, int b, double[] dW) {
        INDArray p = blocks.get(b);
        double[] target = targetBlocks.get(b);
        int count = (int) p.size(1);
        DataType type = p.dataType();
        INDArray wm = Nd4j.create(w, new long[] {groups, outs, ins + 1}, type);
        double[] yv = Nd4j.matmul(p, wm, false, true, false).data().asDouble();
        double loss = 0;
        double[] dy = dW == null ? null : new double[yv.length];
        for (int i = 0; i < yv.length; i++) {
            double pre = yv[i];
            int channel = i / (count * outs) * outs + i % outs; // yv is [groups, count, outs]
            double e = activation.apply(pre, channel) - target[i];
            loss += e * e;
            if (dy != null) {
                dy[i] = activation.passes(pre, channel) ? 2 * e / count : 0;
            }
        }
        if (dW != null) {
            INDArray d = Nd4j.create(dy, new long[] {groups, count, outs}, type);
            double[] g = Nd4j.matmul(d, p, true, false, false).data().asDouble();
            System.arraycopy(g, 0, dW, 0, dW.length);
        }
        return loss / count;
    }
}
