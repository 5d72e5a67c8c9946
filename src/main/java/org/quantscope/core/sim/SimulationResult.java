package org.quantscope.core.sim;

import org.quantscope.core.Provenance;
import org.quantscope.core.eval.EvaluationResult;

/**
 * FP32 and quantized accuracy of one model on the same test data, with the quantized model that produced them.
 *
 * @param fp32       accuracy of the model as loaded
 * @param quantized  accuracy of the simulation graph
 * @param model      the quantized model (quantizers, encodings, graphs)
 * @param seconds    wall-clock time of the whole simulation
 * @param provenance model hash, data, settings, versions
 */
public record SimulationResult(EvaluationResult fp32, EvaluationResult quantized, QuantizedModel model,
                               double seconds, Provenance provenance) {

    /** Accuracy drop in percentage points (positive = the quantized model is worse). */
    public double dropPoints() {
        return (fp32.accuracy() - quantized.accuracy()) * 100;
    }

    /** Per-class accuracy drop in percentage points ({@code NaN} for classes without samples). */
    public double[] perClassDropPoints() {
        double[] a = fp32.perClassAccuracy();
        double[] b = quantized.perClassAccuracy();
        double[] d = new double[Math.min(a.length, b.length)];
        for (int c = 0; c < d.length; c++) {
            d[c] = (a[c] - b[c]) * 100;
        }
        return d;
    }

    /** Fraction of samples whose quantized prediction equals the FP32 prediction. */
    public double predictionAgreement() {
        int[] p = fp32.predictions();
        int[] q = quantized.predictions();
        int n = Math.min(p.length, q.length);
        int same = 0;
        for (int i = 0; i < n; i++) {
            if (p[i] == q[i]) {
                same++;
            }
        }
        return n == 0 ? Double.NaN : same / (double) n;
    }
}
