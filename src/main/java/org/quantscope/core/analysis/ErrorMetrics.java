package org.quantscope.core.analysis;

/**
 * How far a quantized tensor is from its FP32 value, over every element seen (white paper §3.7; TFLite's quantization
 * debugger reports the same quantities).
 *
 * @param count         number of elements compared
 * @param rmse          root mean square of (quantized - fp32)
 * @param rmseOverScale rmse divided by the quantizer's scale: about 0.289 (= 1/sqrt(12)) for pure rounding noise,
 *                      larger when clipping or upstream error adds to it; NaN when the tensor has no quantizer
 * @param sqnrDb        signal-to-quantization-noise ratio, 10 log10(sum fp32^2 / sum (quantized - fp32)^2), in dB
 *                      (infinite when identical)
 * @param cosine        cosine similarity of the two tensors, flattened
 * @param meanShift     mean of (quantized - fp32): the bias a bias correction would remove
 */
public record ErrorMetrics(long count, double rmse, double rmseOverScale, double sqnrDb, double cosine,
                           double meanShift) {

    /** Accumulates the sums behind {@link ErrorMetrics} batch by batch, in double; bounded memory. */
    public static final class Accumulator {
        private long n;
        private double sumSqErr;
        private double sumErr;
        private double sumRefSq;
        private double sumQSq;
        private double sumRefQ;

        /**
         * Adds matching elements.
         *
         * @param fp32      reference values
         * @param quantized values to compare, same length
         */
        public void add(float[] fp32, float[] quantized) {
            if (fp32.length != quantized.length) {
                throw new IllegalArgumentException("tensors differ in size: " + fp32.length + " vs "
                        + quantized.length);
            }
            add(fp32, 0, quantized);
        }

        /**
         * Adds matching elements, the reference values read from a larger array (a cache of many batches).
         *
         * @param fp32      reference values, {@code quantized.length} of them from {@code offset}
         * @param offset    index of the first reference value
         * @param quantized values to compare
         */
        public void add(float[] fp32, int offset, float[] quantized) {
            if (offset < 0 || offset + quantized.length > fp32.length) {
                throw new IllegalArgumentException("reference values " + offset + ".." + (offset + quantized.length)
                        + " outside an array of " + fp32.length);
            }
            for (int i = 0; i < quantized.length; i++) {
                double r = fp32[offset + i];
                double q = quantized[i];
                double e = q - r;
                sumSqErr += e * e;
                sumErr += e;
                sumRefSq += r * r;
                sumQSq += q * q;
                sumRefQ += r * q;
            }
            n += quantized.length;
        }

        /**
         * The metrics so far.
         *
         * @param scale the quantizer's scale for {@code rmseOverScale}, or NaN
         * @return the metrics (NaN everywhere when nothing was added)
         */
        public ErrorMetrics result(double scale) {
            if (n == 0) {
                return new ErrorMetrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double rmse = Math.sqrt(sumSqErr / n);
            double sqnr = sumSqErr == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(sumRefSq / sumSqErr);
            double denom = Math.sqrt(sumRefSq) * Math.sqrt(sumQSq);
            double cos = denom == 0 ? (sumRefSq == sumQSq ? 1 : 0) : sumRefQ / denom;
            return new ErrorMetrics(n, rmse, scale > 0 ? rmse / scale : Double.NaN, sqnr, cos, sumErr / n);
        }
    }
}
