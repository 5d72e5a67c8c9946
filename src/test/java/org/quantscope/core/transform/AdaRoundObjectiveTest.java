package org.quantscope.core.transform;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient check of the AdaRound objective (eq. 33-35): the hand-written gradient against central finite differences
 * of the objective itself, in double precision, for a grouped layer under each activation, with the regularizer on
 * and off, and with some weights at the edges of the grid so the clamp matters. The loss itself under a per-channel
 * clip is checked against a direct computation with explicit group/output loops (a gradient check alone cannot see a
 * wrong channel index, since loss and gradient would share it).
 */
class AdaRoundObjectiveTest {

    @Test
    void gradientMatchesFiniteDifferences() {
        for (AdaRoundObjective.Activation act : new AdaRoundObjective.Activation[] {
                AdaRoundObjective.Activation.NONE, AdaRoundObjective.Activation.RELU,
                new AdaRoundObjective.Activation(0, 0.8),
                // a per-channel clip (ReLU6 after equalization): one bound per channel over the 3 groups x 2 outputs
                new AdaRoundObjective.Activation(0, 1.5, new float[] {0.3f, 1.5f, 0.6f, 0.9f, 0.2f, 1.1f})}) {
            for (double lambda : new double[] {0, 0.05}) {
                check(act, lambda, 7);
            }
        }
    }

    private static void check(AdaRoundObjective.Activation act, double lambda, long seed) {
        Random r = new Random(seed);
        int groups = 3;
        int outs = 2;
        int ins = 4;
        int rows = 50;
        double[] p = new double[groups * rows * (ins + 1)];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i % (ins + 1)) == ins ? 1 : r.nextGaussian();
        }
        double[] t = new double[groups * rows * outs];
        for (int i = 0; i < t.length; i++) {
            t[i] = act.apply(r.nextGaussian() * 0.7, i / (rows * outs) * outs + i % outs);
        }
        int n = groups * outs * ins;
        double[] floor = new double[n];
        double[] scale = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            floor[i] = r.nextInt(9) - 4;
            scale[i] = 0.05 + 0.1 * r.nextDouble();
            lo[i] = -4; // floor -4 with h < 0 or floor 4 with h > 0 is clamped: the gradient must vanish there
            hi[i] = 4;
        }
        double[] bias = new double[groups * outs];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = 0.1 * r.nextGaussian();
        }
        AdaRoundObjective obj = new AdaRoundObjective(groups, outs, ins,
                Nd4j.create(p, new long[] {groups, rows, ins + 1}, DataType.DOUBLE), t, floor, scale, lo, hi, bias,
                act, 40);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 4 * r.nextDouble() - 2; // inside the unrectified part of h for most elements
        }
        double beta = 3.5;
        double[] g = new double[n];
        obj.lossAndGradient(v, 1, beta, lambda, g);
        double eps = 1e-6;
        double maxErr = 0;
        int nonZero = 0;
        for (int i = 0; i < n; i++) {
            double[] a = v.clone();
            double[] b = v.clone();
            a[i] += eps;
            b[i] -= eps;
            double fd = (obj.lossAndGradient(a, 1, beta, lambda, null)
                    - obj.lossAndGradient(b, 1, beta, lambda, null)) / (2 * eps);
            double err = Math.abs(fd - g[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(g[i]));
            maxErr = Math.max(maxErr, err);
            if (Math.abs(g[i]) > 1e-6) {
                nonZero++;
            }
        }
        assertTrue(maxErr < 1e-5, "relative gradient error " + maxErr + " (" + act + ", lambda " + lambda + ")");
        assertTrue(nonZero > n / 2, "only " + nonZero + " of " + n + " gradient entries are non-zero");
    }

    /**
     * {@code hardLoss} under a per-channel clip equals the mean over rows of the summed squared error computed here
     * directly: output o of group g is channel g * outs + o and is clipped to [0, bound[g * outs + o]].
     */
    @Test
    void perChannelClipUsesEachChannelsBound() {
        Random r = new Random(11);
        int groups = 3;
        int outs = 2;
        int ins = 3;
        int rows = 17;
        float[] bound = {0.05f, 2.0f, 0.4f, 0.1f, 1.2f, 0.02f};
        AdaRoundObjective.Activation act = new AdaRoundObjective.Activation(0, 2.0, bound);
        double[] p = new double[groups * rows * (ins + 1)];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i % (ins + 1)) == ins ? 1 : r.nextGaussian();
        }
        double[] t = new double[groups * rows * outs];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.abs(r.nextGaussian()) * 0.5;
        }
        int n = groups * outs * ins;
        double[] floor = new double[n];
        double[] scale = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        int[] up = new int[n];
        for (int i = 0; i < n; i++) {
            floor[i] = r.nextInt(7) - 3;
            scale[i] = 0.1 + 0.2 * r.nextDouble();
            lo[i] = -8;
            hi[i] = 7;
            up[i] = r.nextInt(2);
        }
        double[] bias = new double[groups * outs];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = 0.3 * r.nextGaussian();
        }
        AdaRoundObjective obj = new AdaRoundObjective(groups, outs, ins,
                Nd4j.create(p, new long[] {groups, rows, ins + 1}, DataType.DOUBLE), t, floor, scale, lo, hi, bias,
                act, rows);
        double sum = 0;
        for (int g = 0; g < groups; g++) {
            for (int row = 0; row < rows; row++) {
                for (int o = 0; o < outs; o++) {
                    double y = bias[g * outs + o];
                    for (int k = 0; k < ins; k++) {
                        int i = (g * outs + o) * ins + k;
                        y += p[(g * rows + row) * (ins + 1) + k] * scale[i] * (floor[i] + up[i]);
                    }
                    double clipped = Math.max(0, Math.min(bound[g * outs + o], y));
                    double e = clipped - t[(g * rows + row) * outs + o];
                    sum += e * e;
                }
            }
        }
        assertEquals(sum / rows, obj.hardLoss(up), 1e-12);
    }

    /** h is the rectified sigmoid of eq. 33, and inverseH starts the soft weights exactly at W. */
    @Test
    void rectifiedSigmoid() {
        assertEquals(0.5, AdaRoundObjective.h(0), 1e-12);
        assertEquals(0, AdaRoundObjective.h(-10), 0);
        assertEquals(1, AdaRoundObjective.h(10), 0);
        // sigmoid(v) * 1.2 - 0.1 = 1 at sigmoid(v) = 11/12, v = ln 11
        assertEquals(1, AdaRoundObjective.h(Math.log(11)), 1e-12);
        for (double rest : new double[] {0.01, 0.3, 0.5, 0.77, 0.99}) {
            assertEquals(rest, AdaRoundObjective.h(AdaRoundObjective.inverseH(rest)), 1e-12);
        }
    }

    /** Beta stays at its start through the warm start and decays linearly to its end at the last iteration. */
    @Test
    void betaSchedule() {
        AdaRoundSettings s = AdaRoundSettings.DEFAULT.withIterations(101);
        assertEquals(20, s.warmIterations());
        assertEquals(20, s.beta(0), 0);
        assertEquals(20, s.beta(20), 1e-12);
        assertEquals(11, s.beta(60), 1e-12);
        assertEquals(2, s.beta(100), 1e-12);
    }
}
