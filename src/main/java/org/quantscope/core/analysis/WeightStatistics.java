package org.quantscope.core.analysis;

import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.sim.QuantizerState;

import java.util.Arrays;

/** Computes {@link WeightStats} of a weight quantizer's tensor (pure Java, no runtime needed). */
public final class WeightStatistics {

    /** Bins of the weight histogram. */
    public static final int BINS = 64;

    private WeightStatistics() {
    }

    /**
     * Statistics of the weight a quantizer reads.
     *
     * @param prepared the graph the quantizer sits in (BN-folded)
     * @param q        a weight quantizer
     * @return the statistics
     */
    public static WeightStats of(OnnxModel prepared, QuantizerState q) {
        WeightTensor w = prepared.constant(q.site().tensor()).orElseThrow(() -> new IllegalArgumentException(
                "no constant tensor " + q.site().tensor()));
        double zero = q.stats() == null ? Double.NaN : q.stats().roundedToZeroShare();
        double clip = q.stats() == null ? Double.NaN : q.stats().clippedShare();
        return of(q.site().name(), q.site().layer(), w.floats(), q.site().shape(), q.site().channelAxis(), zero,
                clip);
    }

    /**
     * Statistics of a tensor.
     *
     * @param name        quantizer name
     * @param layer       layer name
     * @param data        values, row-major
     * @param shape       shape
     * @param axis        output-channel axis
     * @param zeroShare   share rounded to zero by the quantizer
     * @param clipShare   share clipped by the quantizer
     * @return the statistics
     */
    public static WeightStats of(String name, String layer, float[] data, long[] shape, int axis, double zeroShare,
                                 double clipShare) {
        int channels = shape.length == 0 ? 1 : (int) shape[axis];
        long innerL = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            innerL *= shape[d];
        }
        int inner = (int) innerL;
        float[] cmin = new float[channels];
        float[] cmax = new float[channels];
        double[] csum = new double[channels];
        double[] csq = new double[channels];
        long[] ccount = new long[channels];
        Arrays.fill(cmin, Float.POSITIVE_INFINITY);
        Arrays.fill(cmax, Float.NEGATIVE_INFINITY);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            int c = channels == 1 ? 0 : (i / inner) % channels;
            cmin[c] = Math.min(cmin[c], v);
            cmax[c] = Math.max(cmax[c], v);
            csum[c] += v;
            csq[c] += (double) v * v;
            ccount[c]++;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sq += (double) v * v;
        }
        double[] cmean = new double[channels];
        double[] cstd = new double[channels];
        double[] ranges = new double[channels];
        for (int c = 0; c < channels; c++) {
            cmean[c] = csum[c] / ccount[c];
            cstd[c] = Math.sqrt(Math.max(0, csq[c] / ccount[c] - cmean[c] * cmean[c]));
            ranges[c] = (double) cmax[c] - cmin[c];
        }
        double mean = sum / data.length;
        double std = Math.sqrt(Math.max(0, sq / data.length - mean * mean));
        return new WeightStats(name, layer, shape, axis, min, max, mean, std, cmin, cmax, cmean, cstd,
                rangeRatio(ranges), Histogram.of(data, BINS, min, max), zeroShare, clipShare);
    }

    /** Largest range over the median range (the median of an even count is the mean of the two middle values). */
    static double rangeRatio(double[] ranges) {
        if (ranges.length <= 1) {
            return 1;
        }
        double[] s = ranges.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        double median = s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
        double largest = s[s.length - 1];
        if (median == 0) {
            return largest == 0 ? 1 : Double.POSITIVE_INFINITY;
        }
        return largest / median;
    }
}
